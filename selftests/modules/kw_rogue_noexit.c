// SPDX-License-Identifier: GPL-2.0
/*
 * kw_rogue_noexit - TEST MODULE, loaded only inside kwarden's test VMs.
 *
 * A module with no exit function, which the kernel will not unload
 * without force: it points one sys_call_table slot (default 201, time)
 * at its own code through a writable alias of the page, and stays.
 * kwarden must contain it (block its reload, restore the slot), never
 * force it out. On x86-64 since 6.9 the table no longer dispatches
 * syscalls, so the changed slot is inert.
 */
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
	memcpy(map + offset_in_page(site), &hook, sizeof(hook));
	vunmap(map);
	pr_info("kw_rogue_noexit: sys_call_table[%u] points here; no way out\n",
		slot);
	return 0;
}

module_init(kw_noexit_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kwarden test: a module without an exit function");
