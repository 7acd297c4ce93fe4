// SPDX-License-Identifier: GPL-2.0
/*
 * kwarden - per-CPU protection state
 *
 * Each CPU's syscall entry MSRs (LSTAR, CSTAR, STAR, SFMASK, SYSENTER
 * CS/ESP/EIP), its IDT register, CR0.WP and the CR4 SMEP/SMAP/UMIP bits
 * are read on that CPU when kwarden loads and again on every pass.  The
 * kernel never changes them after boot; a rootkit that does gets
 * msr_modified, idt_modified or cpu_protection_disabled.  Only bits the
 * kernel keeps constant are compared: CR4 also holds bits it flips at run
 * time (TSD, PCE).  A CPU that comes online later is baselined then.
 */
#include <linux/cpu.h>
#include <linux/percpu.h>
#include <linux/smp.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/special_insns.h>

#include "kwarden.h"

#define KW_CR4_BITS	(X86_CR4_SMEP | X86_CR4_SMAP | X86_CR4_UMIP)

static const struct {
	const char *name;
	u32 msr;
} kw_msrs[] = {
	{ "MSR_LSTAR", MSR_LSTAR },
	{ "MSR_CSTAR", MSR_CSTAR },
	{ "MSR_STAR", MSR_STAR },
	{ "MSR_SYSCALL_MASK", MSR_SYSCALL_MASK },
	{ "MSR_IA32_SYSENTER_CS", MSR_IA32_SYSENTER_CS },
	{ "MSR_IA32_SYSENTER_ESP", MSR_IA32_SYSENTER_ESP },
	{ "MSR_IA32_SYSENTER_EIP", MSR_IA32_SYSENTER_EIP },
};

struct kw_cpu_state {
	u64 msr[ARRAY_SIZE(kw_msrs)];
	unsigned long idt;
	unsigned long cr0_wp;
	unsigned long cr4;
};

struct kw_cpu {
	struct kw_cpu_state base;
	bool valid;
	u32 alerted;		/* bit per check already reported */
};

static DEFINE_PER_CPU(struct kw_cpu, kw_cpus);

/* Runs on the CPU being read, with interrupts off. */
static void kw_cpu_read(void *arg)
{
	struct kw_cpu_state *st = arg;
	struct desc_ptr dt;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kw_msrs); i++)
		if (rdmsrl_safe(kw_msrs[i].msr, &st->msr[i]))
			st->msr[i] = 0;
	store_idt(&dt);
	st->idt = dt.address;
	st->cr0_wp = read_cr0() & X86_CR0_WP;
	st->cr4 = __read_cr4() & KW_CR4_BITS;
}

static void kw_cpu_alert(unsigned int cpu, enum kw_kind kind,
			 const char *what, u64 old, u64 new)
{
	struct kw_alert a = {
		.kind = kind,
		.action = KW_ACTION_logged,
		.slot = cpu,		/* the CPU, for per-CPU state */
		.len = sizeof(u64),
		.target = kind == KW_KIND_cpu_protection_disabled ? 0 : new,
	};
	u64 off;

	strscpy(a.region, "cpu", sizeof(a.region));
	strscpy(a.symbol, what, sizeof(a.symbol));
	memcpy(a.old, &old, sizeof(old));
	memcpy(a.new, &new, sizeof(new));
	if (a.target)
		kw_describe(a.target, a.target_sym, sizeof(a.target_sym), &off,
			    a.module, sizeof(a.module));
	kw_alert_raise(&a);
}

/* Compare; @bit numbers the check for the once-per-change rule. */
static void kw_cpu_cmp(struct kw_cpu *c, unsigned int cpu, unsigned int bit,
		       enum kw_kind kind, const char *what, u64 old, u64 new)
{
	if (old == new) {
		c->alerted &= ~BIT(bit);
		return;
	}
	if (c->alerted & BIT(bit))
		return;
	c->alerted |= BIT(bit);
	kw_cpu_alert(cpu, kind, what, old, new);
}

static void kw_cpu_check_one(unsigned int cpu)
{
	struct kw_cpu *c = per_cpu_ptr(&kw_cpus, cpu);
	struct kw_cpu_state now;
	unsigned int i, n = ARRAY_SIZE(kw_msrs);

	if (smp_call_function_single(cpu, kw_cpu_read, &now, 1))
		return;
	if (!c->valid) {
		c->base = now;
		c->valid = true;
		return;
	}
	for (i = 0; i < n; i++)
		kw_cpu_cmp(c, cpu, i, KW_KIND_msr_modified, kw_msrs[i].name,
			   c->base.msr[i], now.msr[i]);
	kw_cpu_cmp(c, cpu, n, KW_KIND_idt_modified, "IDTR", c->base.idt,
		   now.idt);
	kw_cpu_cmp(c, cpu, n + 1, KW_KIND_cpu_protection_disabled, "CR0.WP",
		   c->base.cr0_wp, now.cr0_wp);
	kw_cpu_cmp(c, cpu, n + 2, KW_KIND_cpu_protection_disabled,
		   "CR4.SMEP|SMAP|UMIP", c->base.cr4, now.cr4);
}

/* Every online CPU; bounded by nr_cpu_ids. */
void kw_cpu_check(void)
{
	unsigned int cpu;

	cpus_read_lock();
	for_each_online_cpu(cpu)
		kw_cpu_check_one(cpu);
	cpus_read_unlock();
}

void kw_cpu_init(void)
{
	kw_cpu_check();
}
