// SPDX-License-Identifier: GPL-2.0
/*
 * kwarden - watched regions and their baselines
 *
 * A region is hashed page by page (xxh64, 8 bytes a page) when kwarden
 * loads.  An optional golden copy of the baseline bytes lets an alert show
 * the old bytes next to the new ones and lets scan.c check every differing
 * byte against the recorded text pokes.
 */
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/xxhash.h>
#include <asm/unistd.h>

#include "kwarden.h"

static struct kw_region kw_regions[2];
static unsigned int kw_nregions;

u64 kw_page_hash(const void *page, size_t len)
{
	return xxh64(page, len, 0);
}

static size_t kw_page_len(const struct kw_region *r, unsigned int i)
{
	unsigned long start = r->start + i * KW_PAGE_SIZE;

	return min(KW_PAGE_SIZE, r->end - start);
}

static void kw_region_free(struct kw_region *r)
{
	kvfree(r->expected);
	kvfree(r->alerted);
	vfree(r->golden);
	memset(r, 0, sizeof(*r));
}

static int kw_region_baseline(struct kw_region *r, bool golden)
{
	unsigned int i;

	r->npages = DIV_ROUND_UP(r->end - r->start, KW_PAGE_SIZE);
	r->expected = kvcalloc(r->npages, sizeof(u64), GFP_KERNEL);
	r->alerted = kvcalloc(r->npages, sizeof(u64), GFP_KERNEL);
	if (!r->expected || !r->alerted)
		return -ENOMEM;
	if (golden) {
		r->golden = vmalloc(r->end - r->start);
		if (!r->golden)
			return -ENOMEM;
		memcpy(r->golden, (void *)r->start, r->end - r->start);
	}
	for (i = 0; i < r->npages; i++) {
		const void *src = golden ? r->golden + i * KW_PAGE_SIZE :
				  (void *)(r->start + i * KW_PAGE_SIZE);

		r->expected[i] = kw_page_hash(src, kw_page_len(r, i));
		cond_resched();
	}
	return 0;
}

static struct kw_region *kw_region_add(const char *name, enum kw_kind kind,
					const char *start_sym,
					const char *end_sym, bool golden)
{
	struct kw_region *r = &kw_regions[kw_nregions];
	int err;

	if (kw_nregions >= ARRAY_SIZE(kw_regions))
		return ERR_PTR(-ENOSPC);
	r->name = name;
	r->kind = kind;
	r->start = kw_lookup_name(start_sym);
	r->end = kw_lookup_name(end_sym);
	if (!r->start || r->end <= r->start) {
		pr_err("kwarden: cannot find %s bounds (%s..%s)\n",
		       name, start_sym, end_sym);
		return ERR_PTR(-ENOENT);
	}
	err = kw_region_baseline(r, golden);
	if (err) {
		kw_region_free(r);
		return ERR_PTR(err);
	}
	kw_nregions++;
	return r;
}

/*
 * Name a part of @r.  @nslots > 0 makes it a table of pointers of that
 * many slots starting at @start_sym; otherwise it spans to @end_sym.  A
 * table outside the region (or not in this kernel) is left out.
 */
static void kw_table_add(struct kw_region *r, const char *name,
			 enum kw_kind kind, const char *start_sym,
			 const char *end_sym, unsigned int nslots)
{
	struct kw_table *t = &r->tables[r->ntables];

	if (r->ntables >= KW_MAX_TABLES)
		return;
	t->name = name;
	t->kind = kind;
	t->start = kw_lookup_name(start_sym);
	t->entry = nslots ? sizeof(void *) : 0;
	t->end = nslots ? t->start + nslots * sizeof(void *) :
		 kw_lookup_name(end_sym);
	if (!t->start || t->end <= t->start || t->start < r->start ||
	    t->end > r->end)
		return;
	r->ntables++;
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

	r = kw_region_add("core_text", KW_KIND_kernel_text_modified,
			  "_stext", "_etext", golden);
	if (IS_ERR(r))
		return PTR_ERR(r);
	r->text = true;

	/* on x86-64, .rodata holds the ro_after_init section too */
	r = kw_region_add("core_rodata", KW_KIND_kernel_rodata_modified,
			  "__start_rodata", "__end_rodata", golden);
	if (IS_ERR(r)) {
		kw_regions_exit();
		return PTR_ERR(r);
	}
	kw_table_add(r, "sys_call_table", KW_KIND_syscall_table_modified,
		     "sys_call_table", NULL, NR_syscalls);
	kw_table_add(r, "ia32_sys_call_table", KW_KIND_syscall_table_modified,
		     "ia32_sys_call_table", NULL, IA32_NR_syscalls);
	kw_table_add(r, "ro_after_init", KW_KIND_ro_after_init_modified,
		     "__start_ro_after_init", "__end_ro_after_init", 0);
	return 0;
}

void kw_regions_exit(void)
{
	while (kw_nregions)
		kw_region_free(&kw_regions[--kw_nregions]);
}

unsigned int kw_region_count(void)
{
	return kw_nregions;
}

struct kw_region *kw_region_get(unsigned int i)
{
	return i < kw_nregions ? &kw_regions[i] : NULL;
}

u64 kw_baseline_bytes(void)
{
	u64 sum = 0;
	unsigned int i;

	for (i = 0; i < kw_nregions; i++)
		sum += 2 * kw_regions[i].npages * sizeof(u64);
	return sum + kw_poke_bytes();
}

u64 kw_golden_bytes(void)
{
	u64 sum = 0;
	unsigned int i;

	for (i = 0; i < kw_nregions; i++)
		if (kw_regions[i].golden)
			sum += kw_regions[i].end - kw_regions[i].start;
	return sum;
}
