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
 * stopped, so no reader sees half an entry.  Text is never restored here: a live patch site may
 * be executing, and half a restore of an instruction is worse than none.
 * The alert then says "restored".
 */
#include <linux/mm.h>
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
			pr_err("kwarden: restore: unknown kind '%s'\n", name);
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

bool kw_restore_wanted(const struct kw_region *r, enum kw_kind kind)
{
	return kw_enforcing() && !r->text && r->golden && kind < 64 &&
	       (READ_ONCE(kw_restore_kinds) & BIT_ULL(kind));
}

/* Put back every byte of page @pg that differs from the golden copy. */
int kw_restore_page(struct kw_region *r, unsigned int pg)
{
	unsigned long start = r->start + pg * KW_PAGE_SIZE;
	struct kw_restore_job j = {
		.start = start,
		.old = r->golden + pg * KW_PAGE_SIZE,
		.len = kw_page_len(r, pg),
	};
	struct page *pages[2];
	unsigned int n = 1;
	int err;

	/* a region need not start on a page: its "page" may span two */
	j.base = start & PAGE_MASK;
	pages[0] = kw_page_of(j.base);
	if (((start + j.len - 1) & PAGE_MASK) != j.base)
		pages[n++] = kw_page_of(j.base + PAGE_SIZE);
	if (!pages[0] || !pages[n - 1])
		return -EFAULT;
	j.alias = vmap(pages, n, VM_MAP, PAGE_KERNEL);
	if (!j.alias)
		return -ENOMEM;
	err = stop_machine(kw_restore_words, &j, NULL);
	vunmap(j.alias);
	return err;
}
