// SPDX-License-Identifier: GPL-2.0
/*
 * kwarden - watched regions and their baselines
 *
 * A region is hashed page by page (xxh64 with a random seed, 8 bytes a
 * page) when kwarden loads: a page whose hash is unchanged is not looked at
 * further.  Behind that, either block digests (digest.c, the default) or a
 * golden copy of the baseline bytes, which lets an alert show the old
 * bytes next to the new ones, lets scan.c check every differing byte, and
 * lets a change be restored.  kwarden's own memory always has its golden
 * copy: its text is put back whatever was written there.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/xxhash.h>
#include <asm/desc.h>
#include <asm/unistd.h>

#include "kwarden.h"

/* All regions; the scanner and module notifier hold kw_region_lock. */
static LIST_HEAD(kw_region_list);
DEFINE_MUTEX(kw_region_lock);
static bool kw_golden;
static u64 kw_hash_seed;

u64 kw_page_hash(const void *page, size_t len)
{
	return xxh64(page, len, kw_hash_seed);
}

/* Bytes of page @i of @r: a full page, or less at the end of the region */
size_t kw_page_len(const struct kw_region *r, unsigned int i)
{
	unsigned long start = r->start + i * KW_PAGE_SIZE;

	return min(KW_PAGE_SIZE, r->end - start);
}

static void kw_golden_free(struct kw_region *r)
{
	unsigned int i;

	if (r->golden)
		vunmap(r->golden);
	for (i = 0; r->golden_pages && i < r->ngolden; i++)
		if (r->golden_pages[i])
			__free_page(r->golden_pages[i]);
	kvfree(r->golden_pages);
}

/*
 * The golden copy never changes once taken, so kwarden reads it through a
 * read-only mapping of its own: a rootkit has to find the pages' linear
 * map alias, or change page permissions, before it can make kwarden's
 * reference agree with its patch.  (set_memory_ro() would cover the alias
 * too, but it is not exported and the kernel seals it under IBT.)
 */
static int kw_golden_take(struct kw_region *r)
{
	size_t len = r->end - r->start, done;
	unsigned int i;

	r->ngolden = DIV_ROUND_UP(len, PAGE_SIZE);
	r->golden_pages = kvcalloc(r->ngolden, sizeof(struct page *),
				   GFP_KERNEL);
	if (!r->golden_pages)
		return -ENOMEM;
	for (i = 0, done = 0; i < r->ngolden; i++, done += PAGE_SIZE) {
		r->golden_pages[i] = alloc_page(GFP_KERNEL);
		if (!r->golden_pages[i])
			return -ENOMEM;
		memcpy(page_address(r->golden_pages[i]),
		       (void *)(r->start + done), min(PAGE_SIZE, len - done));
		cond_resched();
	}
	r->golden = vmap(r->golden_pages, r->ngolden, VM_MAP, PAGE_KERNEL_RO);
	return r->golden ? 0 : -ENOMEM;
}

static void kw_region_free(struct kw_region *r)
{
	unsigned int i;

	for (i = 0; i < r->ntables; i++)
		kfree(r->tables[i].golden);
	kvfree(r->expected);
	kvfree(r->alerted);
	kvfree(r->digest);
	kw_prot_free(r);
	kw_golden_free(r);
	kfree(r);
}

static int kw_region_baseline(struct kw_region *r, bool golden)
{
	unsigned int i;

	r->npages = DIV_ROUND_UP(r->end - r->start, KW_PAGE_SIZE);
	r->expected = kvcalloc(r->npages, sizeof(u64), GFP_KERNEL);
	r->alerted = kvcalloc(r->npages, sizeof(u64), GFP_KERNEL);
	if (!r->expected || !r->alerted || kw_prot_baseline(r))
		return -ENOMEM;
	golden = golden || kw_own(r);
	if (golden ? kw_golden_take(r) : kw_digest_baseline(r))
		return -ENOMEM;
	for (i = 0; i < r->npages; i++) {
		const void *src = golden ? r->golden + i * KW_PAGE_SIZE :
				  (void *)(r->start + i * KW_PAGE_SIZE);

		r->expected[i] = kw_page_hash(src, kw_page_len(r, i));
		cond_resched();
	}
	return 0;
}

/*
 * Baseline [@start, @end) as a new region of @mod (NULL: the core kernel)
 * and add it to the list.  The caller holds kw_region_lock.
 */
struct kw_region *kw_region_new(const char *name, enum kw_kind kind,
				unsigned long start, unsigned long end,
				bool text, struct module *mod)
{
	struct kw_region *r;
	int err;

	if (!start || end <= start)
		return ERR_PTR(-ENOENT);
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return ERR_PTR(-ENOMEM);
	strscpy(r->name, name, sizeof(r->name));
	r->kind = kind;
	r->text = text;
	r->start = start;
	r->end = end;
	r->mod = mod;
	if (mod)
		strscpy(r->owner, mod->name, sizeof(r->owner));
	err = kw_region_baseline(r, kw_golden);
	if (err) {
		kw_region_free(r);
		return ERR_PTR(err);
	}
	list_add_tail(&r->node, &kw_region_list);
	return r;
}

/* Unlink and free @r; the caller holds kw_region_lock. */
void kw_region_del(struct kw_region *r)
{
	list_del(&r->node);
	kw_region_free(r);
}

static struct kw_region *kw_region_add(const char *name, enum kw_kind kind,
					const char *start_sym,
					const char *end_sym, bool text)
{
	struct kw_region *r;

	r = kw_region_new(name, kind, kw_lookup_name(start_sym),
			  kw_lookup_name(end_sym), text, NULL);
	if (IS_ERR(r))
		pr_err("cannot watch %s (%s..%s): %ld\n",
		       name, start_sym, end_sym, PTR_ERR(r));
	return r;
}

/*
 * Name a part of @r.  @nslots > 0 makes it a table of that many slots of
 * @entry bytes starting at @start_sym; otherwise it spans to @end_sym.  A
 * table outside the region (or not in this kernel) is left out.
 */
static void kw_table_add(struct kw_region *r, const char *name,
			 enum kw_kind kind, const char *start_sym,
			 const char *end_sym, unsigned int nslots,
			 unsigned int entry)
{
	struct kw_table *t = &r->tables[r->ntables];

	if (r->ntables >= KW_MAX_TABLES)
		return;
	t->name = name;
	t->kind = kind;
	t->start = kw_lookup_name(start_sym);
	t->entry = nslots ? entry : 0;
	t->end = nslots ? t->start + nslots * entry : kw_lookup_name(end_sym);
	if (!t->start || t->end <= t->start || t->start < r->start ||
	    t->end > r->end)
		return;
	/* without the region's copy, a table of slots keeps its own */
	if (t->entry && !r->golden)
		t->golden = kmemdup((void *)t->start, t->end - t->start,
				    GFP_KERNEL);
	r->ntables++;
}

/*
 * The seq_operations behind /proc/net and /proc/modules listings, the ones
 * hiding rootkits rewrite: a change there is a seq_ops_hook.
 */
static void kw_seq_ops_tables(struct kw_region *r)
{
	static const char * const names[] = {
		"tcp4_seq_ops", "tcp6_seq_ops", "udp_seq_ops", "udp6_seq_ops",
		"raw_seq_ops", "unix_seq_ops", "modules_op", "kallsyms_op",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		kw_table_add(r, names[i], KW_KIND_seq_ops_hook, names[i], NULL,
			     sizeof(const struct seq_operations) / sizeof(void *),
			     sizeof(void *));
}

/* Whether a change of @kind in @r can be put back: from a copy */
bool kw_region_restorable(const struct kw_region *r, enum kw_kind kind)
{
	unsigned int i;

	if (r->golden)
		return true;
	for (i = 0; i < r->ntables; i++)
		if (r->tables[i].golden && r->tables[i].kind == kind)
			return true;
	return false;
}

/*
 * Tables with copies of their own are compared with them, not digested:
 * digest the region again now that they are known.
 */
static int kw_region_tables_done(struct kw_region *r)
{
	kvfree(r->digest);
	r->digest = NULL;
	return r->golden ? 0 : kw_digest_baseline(r);
}

const struct kw_table *kw_region_table(const struct kw_region *r,
				       unsigned long addr)
{
	unsigned int i;

	for (i = 0; i < r->ntables; i++)
		if (addr >= r->tables[i].start && addr < r->tables[i].end)
			return &r->tables[i];
	return NULL;
}

int kw_regions_init(bool golden)
{
	struct kw_region *r;
	unsigned long start;
	int err = 0;

	kw_golden = golden;
	kw_hash_seed = get_random_u64();
	kw_digest_init();
	mutex_lock(&kw_region_lock);
	r = kw_region_add("core_text", KW_KIND_kernel_text_modified,
			  "_stext", "_etext", true);
	if (IS_ERR(r)) {
		err = PTR_ERR(r);
		goto out;
	}
	/* on x86-64, .rodata holds the ro_after_init section too */
	r = kw_region_add("core_rodata", KW_KIND_kernel_rodata_modified,
			  "__start_rodata", "__end_rodata", false);
	if (IS_ERR(r)) {
		err = PTR_ERR(r);
		goto out;
	}
	kw_table_add(r, "sys_call_table", KW_KIND_syscall_table_modified,
		     "sys_call_table", NULL, NR_syscalls,
		     sizeof(void *));
	kw_table_add(r, "ia32_sys_call_table", KW_KIND_syscall_table_modified,
		     "ia32_sys_call_table", NULL, IA32_NR_syscalls,
		     sizeof(void *));
	kw_table_add(r, "ro_after_init", KW_KIND_ro_after_init_modified,
		     "__start_ro_after_init", "__end_ro_after_init", 0, 0);
	kw_seq_ops_tables(r);
	err = kw_region_tables_done(r);
	if (err)
		goto out;

	/* the IDT page, read-only after boot; slots are vectors */
	start = kw_lookup_name("idt_table");
	r = kw_region_new("idt", KW_KIND_idt_modified, start,
			  start + IDT_ENTRIES * sizeof(gate_desc), false, NULL);
	if (IS_ERR(r)) {
		err = PTR_ERR(r);
		goto out;
	}
	kw_table_add(r, "idt_table", KW_KIND_idt_modified, "idt_table", NULL,
		     IDT_ENTRIES, sizeof(gate_desc));
	err = kw_region_tables_done(r);
out:
	mutex_unlock(&kw_region_lock);
	if (err)
		kw_regions_exit();
	return err;
}

void kw_regions_exit(void)
{
	struct kw_region *r, *tmp;

	mutex_lock(&kw_region_lock);
	list_for_each_entry_safe(r, tmp, &kw_region_list, node)
		kw_region_del(r);
	mutex_unlock(&kw_region_lock);
}

struct list_head *kw_regions(void)
{
	return &kw_region_list;
}

/* Totals over all regions; the caller holds kw_region_lock. */
void kw_region_totals(struct kw_totals *t)
{
	struct kw_region *r;
	unsigned int i;

	memset(t, 0, sizeof(*t));
	list_for_each_entry(r, &kw_region_list, node) {
		t->regions++;
		t->pages += r->npages;
		t->baseline_bytes += 2 * r->npages * sizeof(u64) +
				     2 * BITS_TO_LONGS(r->npages) * sizeof(long) +
				     kw_digest_bytes(r);
		if (r->golden)
			t->golden_bytes += r->end - r->start;
		for (i = 0; i < r->ntables; i++)
			if (r->tables[i].golden)
				t->golden_bytes += r->tables[i].end -
						   r->tables[i].start;
	}
	t->baseline_bytes += kw_poke_bytes() + kw_site_bytes();
}
