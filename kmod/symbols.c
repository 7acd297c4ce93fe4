// SPDX-License-Identifier: GPL-2.0
/*
 * kwarden - symbol lookup and description
 *
 * kallsyms_lookup_name() is not exported, so its address is found once by
 * registering (and at once unregistering) a kprobe on it.  On IBT kernels
 * the kprobe reports the address after the ENDBR64 instruction; an indirect
 * call there would trap on a CPU that enforces IBT, so step back over it.
 *
 * On IBT kernels the boot code also "seals" every function whose address
 * the kernel never takes: its ENDBR64 is overwritten.  Calling one through
 * a pointer traps on a CPU that enforces IBT (TCG does not emulate IBT, so
 * VM tests cannot show it).  kw_lookup_func() therefore hands out only
 * functions that still start with ENDBR64 when IBT is enforced, and
 * kwarden refuses to load when kallsyms_lookup_name() itself is sealed.
 */
#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/string.h>
#include <asm/cpufeature.h>
#include <asm/special_insns.h>

#include "kwarden.h"

#define KW_ENDBR64	0xfa1e0ff3U	/* f3 0f 1e fa, little endian */

typedef unsigned long (*kw_lookup_fn)(const char *name);
static kw_lookup_fn kw_lookup;

static bool kw_ibt_enforced(void)
{
	return cpu_feature_enabled(X86_FEATURE_IBT) &&
	       (__read_cr4() & X86_CR4_CET);
}

/* Whether an indirect call to @addr is safe on this CPU. */
static bool kw_callable(unsigned long addr)
{
	u32 insn;

	if (!addr)
		return false;
	if (!kw_ibt_enforced())
		return true;
	return !copy_from_kernel_nofault(&insn, (void *)addr, 4) &&
	       insn == KW_ENDBR64;
}

int kw_symbols_init(void)
{
	struct kprobe kp = { .symbol_name = "kallsyms_lookup_name" };
	unsigned long addr;
	u32 insn;
	int err;

	err = register_kprobe(&kp);
	if (err)
		return err;
	addr = (unsigned long)kp.addr;
	unregister_kprobe(&kp);

	if (!copy_from_kernel_nofault(&insn, (void *)(addr - 4), 4) &&
	    insn == KW_ENDBR64)
		addr -= 4;
	if (!kw_callable(addr)) {
		pr_err("kwarden: kallsyms_lookup_name is sealed (IBT): not loading\n");
		return -EOPNOTSUPP;
	}
	kw_lookup = (kw_lookup_fn)addr;
	return 0;
}

/* The address of function @name if it may be called through a pointer. */
unsigned long kw_lookup_func(const char *name)
{
	unsigned long addr = kw_lookup_name(name);

	if (addr && !kw_callable(addr)) {
		pr_warn("kwarden: %s is sealed (IBT), not used\n", name);
		return 0;
	}
	return addr;
}

unsigned long kw_lookup_name(const char *name)
{
	return kw_lookup ? kw_lookup(name) : 0;
}

/*
 * Fill @sym with the symbol name at @addr, @offset with the offset in it and
 * @module with the owning module ("" for the core kernel).  sprint_symbol()
 * prints "name+0xoff/0xsize [module]".
 */
void kw_describe(unsigned long addr, char *sym, size_t len, u64 *offset,
		 char *module, size_t mlen)
{
	char buf[KSYM_SYMBOL_LEN];
	char *plus, *slash, *mod;

	sprint_symbol(buf, addr);
	*offset = 0;
	if (module)
		module[0] = '\0';

	mod = strchr(buf, '[');
	if (mod && module) {
		char *end = strchr(mod, ']');

		if (end)
			*end = '\0';
		strscpy(module, mod + 1, mlen);
	}
	plus = strchr(buf, '+');
	if (plus) {
		*plus = '\0';
		slash = strchr(plus + 1, '/');
		if (slash)
			*slash = '\0';
		if (kstrtou64(plus + 1, 16, offset))
			*offset = 0;
	} else if (mod) {
		*(mod - 1) = '\0';
	}
	strscpy(sym, buf, len);
}
