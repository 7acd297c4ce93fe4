// SPDX-License-Identifier: GPL-2.0
/*
 * kw_rootkit_cpu - TEST MODULE, loaded only inside kwarden's test VMs.
 *
 * Tampers with per-CPU protection state the way rootkits do, in ways that
 * cannot hurt the test VM:
 *   what=wp     clear CR0.WP on every CPU with a raw mov (no pinning);
 *               refused when CET is on, which needs WP
 *   what=smap   clear CR4.SMAP on every CPU with a raw mov; the kernel
 *               rewrites CR4 from its shadow on every global TLB flush,
 *               so this lasts milliseconds unless the shadow and the
 *               pinned bits (ro_after_init) are changed too
 *   what=msr    point MSR_IA32_SYSENTER_EIP at its own hook (only 32-bit
 *               SYSENTER uses it; nothing in the VM does)
 *   what=idt    point IDT vector 0x80 (32-bit int $0x80) at its own hook,
 *               written through a vmap alias of the read-only IDT page
 * Everything is put back when the module is removed.
 */
#include <linux/kprobes.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/smp.h>
#include <linux/vmalloc.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/special_insns.h>

#include "kw_test.h"

static char *what = "smap";
module_param(what, charp, 0444);


static DEFINE_PER_CPU(u64, kw_saved_msr);
static gate_desc kw_saved_gate;
static gate_desc *kw_gate;

static noinline void kw_hook(void)
{
}

static void kw_cr4_smap(void *on)
{
	unsigned long cr4 = __read_cr4();

	cr4 = on ? cr4 | X86_CR4_SMAP : cr4 & ~X86_CR4_SMAP;
	asm volatile("mov %0, %%cr4" : : "r" (cr4) : "memory");
}

static void kw_cr0_wp(void *on)
{
	unsigned long cr0 = read_cr0();

	cr0 = on ? cr0 | X86_CR0_WP : cr0 & ~X86_CR0_WP;
	asm volatile("mov %0, %%cr0" : : "r" (cr0) : "memory");
}

static void kw_msr_hook(void *unused)
{
	rdmsrl(MSR_IA32_SYSENTER_EIP, *this_cpu_ptr(&kw_saved_msr));
	wrmsrl(MSR_IA32_SYSENTER_EIP, (unsigned long)kw_hook);
}

static void kw_msr_restore(void *unused)
{
	wrmsrl(MSR_IA32_SYSENTER_EIP, *this_cpu_ptr(&kw_saved_msr));
}

static int kw_write_gate(const gate_desc *g)
{
	struct page *page = virt_to_page(__va(__pa_symbol(kw_gate)));
	u8 *map = vmap(&page, 1, VM_MAP, PAGE_KERNEL);

	if (!map)
		return -ENOMEM;
	memcpy(map + offset_in_page(kw_gate), g, sizeof(*g));
	vunmap(map);
	return 0;
}

static int kw_idt_hook(void)
{
	unsigned long hook = (unsigned long)kw_hook;
	gate_desc g;

	kw_gate = (gate_desc *)kw_find("idt_table");
	if (!kw_gate)
		return -ENOENT;
	kw_gate += 0x80;
	kw_saved_gate = *kw_gate;
	g = kw_saved_gate;
	g.offset_low = (u16)hook;
	g.offset_middle = (u16)(hook >> 16);
	g.offset_high = (u32)(hook >> 32);
	return kw_write_gate(&g);
}

static int __init kw_cpu_init(void)
{
	if (!strcmp(what, "wp")) {
		if (__read_cr4() & X86_CR4_CET)
			return -EOPNOTSUPP;
		on_each_cpu(kw_cr0_wp, NULL, 1);
	} else if (!strcmp(what, "smap")) {
		if (!(__read_cr4() & X86_CR4_SMAP))
			return -EOPNOTSUPP;
		on_each_cpu(kw_cr4_smap, NULL, 1);
	} else if (!strcmp(what, "msr")) {
		on_each_cpu(kw_msr_hook, NULL, 1);
	} else if (!strcmp(what, "idt")) {
		return kw_idt_hook();
	} else {
		return -EINVAL;
	}
	pr_info("kw_rootkit_cpu: %s tampered\n", what);
	return 0;
}

static void __exit kw_cpu_exit(void)
{
	if (!strcmp(what, "wp"))
		on_each_cpu(kw_cr0_wp, (void *)1, 1);
	else if (!strcmp(what, "smap"))
		on_each_cpu(kw_cr4_smap, (void *)1, 1);
	else if (!strcmp(what, "msr"))
		on_each_cpu(kw_msr_restore, NULL, 1);
	else if (kw_gate)
		kw_write_gate(&kw_saved_gate);
	pr_info("kw_rootkit_cpu: %s restored\n", what);
}

module_init(kw_cpu_init);
module_exit(kw_cpu_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kwarden test: CR0, CR4, MSR and IDT tampering");
