// SPDX-License-Identifier: GPL-2.0
/*
 * kwarden - putting baseline bytes back
 *
 * For the kinds named in the "restore" module parameter (settable at load
 * and in /sys/module/kwarden/parameters/restore), an unexplained
 * change to read-only data (rodata, ro_after_init, sys_call_table, the
 * IDT) is undone: every differing byte of the page gets its golden value
 * back, written through a temporary writable alias of the page, as the
 * attacker wrote it.  Text is never restored here: a live patch site may
 * be executing, and half a restore of an instruction is worse than none.
 * The alert then says "restored".
 */
#include <linux/mm.h>
#include <linux/moduleparam.h>
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

/* Write @len bytes at @dst (within one page) through an alias. */
static int kw_alias_write(unsigned long dst, const u8 *src, size_t len)
{
	struct page *page = kw_page_of(dst);
	u8 *map;

	if (!page)
		return -EFAULT;
	map = vmap(&page, 1, VM_MAP, PAGE_KERNEL);
	if (!map)
		return -ENOMEM;
	memcpy(map + offset_in_page(dst), src, len);
	vunmap(map);
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
	size_t len = kw_page_len(r, pg), i = 0, run;
	const u8 *cur = (const u8 *)start;
	const u8 *old = r->golden + pg * KW_PAGE_SIZE;
	int err;

	while (i < len) {
		if (cur[i] == old[i]) {
			i++;
			continue;
		}
		for (run = 1; i + run < len && cur[i + run] != old[i + run];)
			run++;
		err = kw_alias_write(start + i, old + i, run);
		if (err)
			return err;
		i += run;
	}
	return 0;
}

