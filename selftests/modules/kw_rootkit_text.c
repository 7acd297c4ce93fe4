// SPDX-License-Identifier: GPL-2.0
/*
 * kw_rootkit_text - TEST MODULE, loaded only inside kwarden's test VMs.
 *
 * Hooks a kernel or module function the way text-patching rootkits do: it writes
 * a 5-byte "jmp hook" over the function's entry (after ENDBR64), bypassing
 * the kernel's text_poke() paths.  Two ways in, as seen in the wild:
 *   mode=alias  write through a fresh writable vmap() alias of the page
 *   mode=cr0    clear CR0.WP with a raw mov (refused when CET is on)
 * With delay_ms > 0 the hook is written that long after init returned
 * (a patch "after init"); otherwise from inside init.  With pad=1 it
 * writes one INT3 into the padding just before the function instead: the
 * smallest change there is, never executed.  The original bytes are put
 * back when the module is removed.
 */
#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/sysfs.h>
#include <linux/module.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include <asm/processor-flags.h>
#include <asm/special_insns.h>

#include "kw_test.h"

static char *target = "__x64_sys_acct";
module_param(target, charp, 0444);
static char *mode = "alias";
module_param(mode, charp, 0444);
static unsigned int delay_ms;
module_param(delay_ms, uint, 0444);
static bool pad;
module_param(pad, bool, 0444);

static u8 *kw_site;
static u8 kw_saved[5];
static size_t kw_len;
static bool kw_hooked;
static struct delayed_work kw_later;

static noinline long kw_hook(void)
{
	return -EPERM;
}


/* Address of @name, past its ENDBR64 if it has one: the fentry site */
static unsigned long kw_site_of(const char *name)
{
	unsigned long addr = kw_find(name);
	u32 insn;

	if (addr && !copy_from_kernel_nofault(&insn, (void *)addr, 4) &&
	    insn == KW_ENDBR64)
		addr += 4;
	return addr;
}

static int kw_write_alias(u8 *dst, const u8 *src, size_t len)
{
	/* modules live above the kernel image, in vmalloc'ed memory */
	struct page *page = (unsigned long)dst >= MODULES_VADDR ?
			    vmalloc_to_page(dst) :
			    virt_to_page(__va(__pa_symbol(dst)));
	u8 *map;

	map = vmap(&page, 1, VM_MAP, PAGE_KERNEL);
	if (!map)
		return -ENOMEM;
	memcpy(map + offset_in_page(dst), src, len);
	vunmap(map);
	return 0;
}

static int kw_write_cr0(u8 *dst, const u8 *src, size_t len)
{
	unsigned long cr0 = read_cr0(), flags;

	if (__read_cr4() & X86_CR4_CET)
		return -EOPNOTSUPP;
	local_irq_save(flags);
	asm volatile("mov %0, %%cr0" : : "r" (cr0 & ~X86_CR0_WP) : "memory");
	memcpy(dst, src, len);
	asm volatile("mov %0, %%cr0" : : "r" (cr0) : "memory");
	local_irq_restore(flags);
	return 0;
}

static int kw_write(u8 *dst, const u8 *src, size_t len)
{
	if (!strcmp(mode, "cr0"))
		return kw_write_cr0(dst, src, len);
	return kw_write_alias(dst, src, len);
}

static int kw_hook_site(void)
{
	u8 jmp[5] = { 0xe9 };
	s32 rel = (long)kw_hook - ((long)kw_site + 5);
	int err;

	memcpy(&jmp[1], &rel, sizeof(rel));
	if (pad)
		jmp[0] = 0xcc;	/* int3 */
	kw_len = pad ? 1 : sizeof(jmp);
	memcpy(kw_saved, kw_site, kw_len);
	err = kw_write(kw_site, jmp, kw_len);
	if (err)
		return err;
	kw_hooked = true;
	pr_info("kw_rootkit_text: hooked %s at %pS via %s\n", target, kw_site,
		mode);
	return 0;
}

/* What the hooked site holds now, in hex: did someone put it back? */
static int kw_site_now_get(char *buf, const struct kernel_param *kp)
{
	if (!kw_hooked)
		return sysfs_emit(buf, "\n");
	return sysfs_emit(buf, "%*phN\n", (int)kw_len, kw_site);
}

static const struct kernel_param_ops kw_site_now_ops = {
	.get = kw_site_now_get,
};
module_param_cb(site_now, &kw_site_now_ops, NULL, 0444);
MODULE_PARM_DESC(site_now, "the bytes at the hooked site now (hex)");

static void kw_later_fn(struct work_struct *work)
{
	kw_hook_site();
}

static int __init kw_rootkit_init(void)
{
	kw_site = (u8 *)(pad ? kw_find(target) : kw_site_of(target));
	if (!kw_site)
		return -ENOENT;
	kw_site -= pad;		/* the last padding byte before it */
	if (!delay_ms)
		return kw_hook_site();
	INIT_DELAYED_WORK(&kw_later, kw_later_fn);
	schedule_delayed_work(&kw_later, msecs_to_jiffies(delay_ms));
	return 0;
}

static void __exit kw_rootkit_exit(void)
{
	if (delay_ms)
		cancel_delayed_work_sync(&kw_later);
	if (!kw_hooked)
		return;
	kw_write(kw_site, kw_saved, kw_len);
	pr_info("kw_rootkit_text: unhooked %s\n", target);
}

module_init(kw_rootkit_init);
module_exit(kw_rootkit_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kwarden test: core text hook written behind text_poke");
