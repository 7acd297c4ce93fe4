// SPDX-License-Identifier: GPL-2.0
/*
 * kwarden - putting baseline bytes back
 *
 * For the kinds named in the "restore" module parameter (settable at load
 * and in /sys/module/kwarden/parameters/restore), an unexplained
 * change to read-only data (rodata, ro_after_init, sys_call_table, the
 * IDT) is undone: every differing byte of the page gets its golden value
 * back, written through a temporary writable alias of the page, as the
 * attacker wrote it, one whole aligned word at a time with the other CPUs
 * stopped, so no reader sees half an entry.
 *
 * kwarden's own code and read-only data are put back whatever the
 * parameter says: an attack on kwarden is undone, not just reported.  Its
 * text only byte-run by byte-run, the runs the scan found unexplained and
 * only while they still hold what it saw, with every CPU stopped, and each
 * CPU serialized before it goes on (cross-modified code).  A run at an
 * ftrace site is left alone: ftrace owns those bytes.  Text is never restored here: a live patch site may
 * be executing, and half a restore of an instruction is worse than none.
 * The alert then says "restored".
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/stop_machine.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/vmalloc.h>

#include "kwarden.h"

static u64 kw_restore_kinds;

static int kw_restore_parse(const char *val, u64 *kinds)
{
	char buf[256], *p = buf, *name;
	int kind;

	*kinds = 0;
	strscpy(buf, val, sizeof(buf));
	while ((name = strsep(&p, ",\n")) != NULL) {
		if (!*name)
			continue;
		kind = kw_kind_from_name(name);
		if (kind < 0 || kind >= 64) {
			pr_err("restore: unknown kind '%s'\n", name);
			return -EINVAL;
		}
		*kinds |= BIT_ULL(kind);
	}
	return 0;
}

static int kw_restore_set(const char *val, const struct kernel_param *kp)
{
	u64 kinds;
	int err = kw_restore_parse(val, &kinds);

	if (!err)
		WRITE_ONCE(kw_restore_kinds, kinds);
	return err;
}

static int kw_restore_get(char *buf, const struct kernel_param *kp)
{
	u64 kinds = READ_ONCE(kw_restore_kinds);
	int i, n = 0;

	for (i = 0; i < KW_KIND_MAX && i < 64; i++)
		if (kinds & BIT_ULL(i))
			n += sysfs_emit_at(buf, n, "%s%s", n ? "," : "",
					   kw_kind_name(i));
	return n + sysfs_emit_at(buf, n, "\n");
}

static const struct kernel_param_ops kw_restore_ops = {
	.set = kw_restore_set,
	.get = kw_restore_get,
};

module_param_cb(restore, &kw_restore_ops, NULL, 0600);
MODULE_PARM_DESC(restore, "Kinds to restore, comma separated (data kinds only), e.g. syscall_table_modified,kernel_rodata_modified");

static struct page *kw_page_of(unsigned long addr)
{
	if (addr >= MODULES_VADDR)
		return vmalloc_to_page((void *)addr);
	return virt_to_page(__va(__pa_symbol(addr)));
}

/* One page's restore, done while every other CPU is stopped. */
struct kw_restore_job {
	u8 *alias;		/* writable alias of the page(s) */
	unsigned long base;	/* the address @alias maps */
	unsigned long start;	/* first watched byte of the page */
	const u8 *old;		/* its golden bytes */
	size_t len;
};

/*
 * Each aligned 8-byte word that holds a changed byte is written whole, with
 * one store: a sys_call_table slot is one word.  An IDT gate is two, so the
 * words are written with every other CPU held in stop_machine(): no CPU can
 * read a half-restored entry.  Bytes of a word outside the watched range
 * keep their current value (nothing else runs to change them meanwhile).
 */
static int kw_restore_words(void *data)
{
	const struct kw_restore_job *j = data;
	unsigned long end = j->start + j->len, w, a;
	u64 word;

	for (w = j->start & ~7UL; w < end; w += 8) {
		word = READ_ONCE(*(u64 *)w);
		for (a = max(w, j->start); a < min(w + 8, end); a++)
			((u8 *)&word)[a - w] = j->old[a - j->start];
		if (word != READ_ONCE(*(u64 *)w))
			WRITE_ONCE(*(u64 *)(j->alias + (w - j->base)), word);
	}
	return 0;
}

/* kwarden's own memory: always restored (and a golden copy kept) */
bool kw_own(const struct kw_region *r)
{
	return r->mod == THIS_MODULE;
}

bool kw_own_text(const struct kw_region *r)
{
	return kw_own(r) && r->text;
}

bool kw_restore_wanted(const struct kw_region *r, enum kw_kind kind)
{
	return kw_enforcing() && !r->text && kw_region_restorable(r, kind) &&
	       kind < 64 &&
	       (kw_own(r) || (READ_ONCE(kw_restore_kinds) & BIT_ULL(kind)));
}

/*
 * A writable alias of the page(s) holding [@addr, @addr + @len), at most
 * two pages; *@alias maps @addr & PAGE_MASK.  Sleeps: never under stop.
 */
static int kw_alias_map(unsigned long addr, size_t len, u8 **alias)
{
	unsigned long base = addr & PAGE_MASK;
	struct page *pages[2];
	unsigned int n = 1;

	pages[0] = kw_page_of(base);
	if (((addr + len - 1) & PAGE_MASK) != base)
		pages[n++] = kw_page_of(base + PAGE_SIZE);
	if (!pages[0] || !pages[n - 1])
		return -EFAULT;
	*alias = vmap(pages, n, VM_MAP, PAGE_KERNEL);
	return *alias ? 0 : -ENOMEM;
}

/* Put back [@start, @start + @len) from @old, at most a page's worth */
static int kw_restore_range(unsigned long start, const u8 *old, size_t len)
{
	struct kw_restore_job j = {
		.start = start,
		.base = start & PAGE_MASK,
		.old = old,
		.len = len,
	};
	int err;

	if (!memcmp((void *)start, old, len))
		return 0;
	/* a region need not start on a page: its "page" may span two */
	err = kw_alias_map(start, j.len, &j.alias);
	if (err)
		return err;
	err = stop_machine(kw_restore_words, &j, NULL);
	vunmap(j.alias);
	return err;
}

/*
 * Put back every byte of page @pg that differs from the golden copy, or
 * without one, from the copies of its tables of slots.
 */
int kw_restore_page(struct kw_region *r, unsigned int pg)
{
	unsigned long start = r->start + pg * KW_PAGE_SIZE;
	unsigned long end = start + kw_page_len(r, pg), from, to;
	const struct kw_table *t;
	unsigned int i;
	int err = 0;

	if (r->golden)
		return kw_restore_range(start, r->golden + pg * KW_PAGE_SIZE,
					end - start);
	for (i = 0; i < r->ntables && !err; i++) {
		t = &r->tables[i];
		from = max(t->start, start);
		to = min(t->end, end);
		if (t->golden && from < to)
			err = kw_restore_range(from, t->golden +
					       (from - t->start), to - from);
	}
	return err;
}

/* One restore of kwarden's own text, run on every CPU at once. */
struct kw_text_job {
	struct kw_region *r;
	const struct kw_runs *runs;
	u8 *alias[KW_RUNS_MAX];
	atomic_t cpus;
	int written;		/* 1: done, -1: the bytes changed again */
};

/* Write each run through an alias of its page(s); 0 or -errno */
static int kw_text_write(const struct kw_text_job *j)
{
	const struct kw_runs *runs = j->runs;
	unsigned int i;

	for (i = 0; i < runs->n; i++)
		if (memcmp((void *)runs->run[i].addr, runs->run[i].seen,
			   runs->run[i].len))
			return -EAGAIN;
	for (i = 0; i < runs->n; i++) {
		unsigned long a = runs->run[i].addr;
		struct kw_restore_job w = {
			.start = a,
			.old = j->r->golden + (a - j->r->start),
			.len = runs->run[i].len,
			.base = a & PAGE_MASK,
			.alias = j->alias[i],
		};

		kw_restore_words(&w);
	}
	return 0;
}

static int kw_text_restore_fn(void *data)
{
	struct kw_text_job *j = data;

	if (atomic_inc_return(&j->cpus) == 1) {
		/* the first CPU writes; release: the bytes before the flag */
		smp_store_release(&j->written, kw_text_write(j) ? -1 : 1);
	} else {
		/* acquire: pairs with the release above */
		while (!smp_load_acquire(&j->written))
			cpu_relax();
	}
	sync_core();
	return 0;
}

/*
 * Put back the unexplained runs of kwarden's own text; 0 when they are
 * back, -EAGAIN when they changed again meanwhile (the next pass sees it).
 */
int kw_restore_own_text(struct kw_region *r, const struct kw_runs *runs)
{
	struct kw_text_job j = { .r = r, .runs = runs };
	unsigned int i, n;
	int err = 0;

	if (!kw_enforcing() || !r->golden || runs->overflow || !runs->n)
		return -EINVAL;
	for (n = 0; n < runs->n && !err; n++)
		err = kw_alias_map(runs->run[n].addr, runs->run[n].len,
				   &j.alias[n]);
	if (!err) {
		stop_machine(kw_text_restore_fn, &j, cpu_online_mask);
		err = j.written == 1 ? 0 : -EAGAIN;
	}
	for (i = 0; i < n; i++)
		if (j.alias[i])
			vunmap(j.alias[i]);
	return err;
}
