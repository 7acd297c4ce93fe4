// SPDX-License-Identifier: GPL-2.0
/*
 * kw_rogue_noexit - TEST MODULE, loaded only inside kwarden's test VMs.
 *
 * A module with no exit function, which the kernel will not unload
 * without force: it points one sys_call_table slot (default 201, time)
 * at its own code through a writable alias of the page, and stays.
 * kwarden must contain it (block its reload, restore the slot), never
 * force it out. On x86-64 since 6.9 the table no longer dispatches
 * syscalls, so the changed slot is inert. It also serves a misc device,
 * /dev/kw_rogue_noexit (read: its name; ioctl: 0), which containment
 * must make useless.
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/vmalloc.h>

#include "kw_test.h"

static unsigned int slot = 201;
module_param(slot, uint, 0444);

static noinline long kw_noexit_hook(void)
{
	return -EPERM;
}

static ssize_t kw_noexit_read(struct file *file, char __user *buf,
			      size_t len, loff_t *pos)
{
	static const char msg[] = "kw_rogue_noexit\n";

	return simple_read_from_buffer(buf, len, pos, msg, sizeof(msg) - 1);
}

static long kw_noexit_ioctl(struct file *file, unsigned int cmd,
			    unsigned long arg)
{
	return 0;
}

static const struct file_operations kw_noexit_fops = {
	.owner		= THIS_MODULE,
	.read		= kw_noexit_read,
	.unlocked_ioctl	= kw_noexit_ioctl,
};

static struct miscdevice kw_noexit_dev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "kw_rogue_noexit",
	.fops	= &kw_noexit_fops,
	.mode	= 0444,
};

static int __init kw_noexit_init(void)
{
	unsigned long hook = (unsigned long)kw_noexit_hook;
	u8 *site = (u8 *)kw_find("sys_call_table");
	struct page *page;
	u8 *map;

	if (!site || slot >= 512)
		return -ENOENT;
	site += slot * sizeof(void *);
	page = virt_to_page(__va(__pa_symbol(site)));
	map = vmap(&page, 1, VM_MAP, PAGE_KERNEL);
	if (!map)
		return -ENOMEM;
	if (misc_register(&kw_noexit_dev)) {
		vunmap(map);
		return -EBUSY;
	}
	memcpy(map + offset_in_page(site), &hook, sizeof(hook));
	vunmap(map);
	pr_info("kw_rogue_noexit: sys_call_table[%u] points here; no way out\n",
		slot);
	return 0;
}

module_init(kw_noexit_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kwarden test: a module without an exit function");
