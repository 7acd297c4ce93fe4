// SPDX-License-Identifier: GPL-2.0
/*
 * kwarden - symbol lookup and description, with no call to a sealed function
 *
 * On kernels built with X86_KERNEL_IBT the boot code "seals" every function
 * whose address the kernel never takes: its ENDBR64 becomes a 4-byte NOP.
 * An indirect call to a sealed function raises #CP on a CPU that enforces
 * IBT, and kallsyms_lookup_name() is one of them.  So kwarden never calls
 * a function it looked up.  A name is resolved by registering a disabled
 * kprobe on it: register_kprobe() resolves the name itself (a direct call
 * inside the kernel) and stores the address in the kprobe before it checks
 * that the address is probeable text, so data symbols resolve too.  The
 * kernel's helpers that kwarden would otherwise call through a pointer are
 * re-implemented over the kernel's own tables in addr.c.
 *
 * A function that must ever be called through a looked-up pointer has to
 * be declared with KW_CALLEE(): the name goes into the .kw_callees note of
 * kwarden.ko, which tools/ibt-check compares with the test kernels' seal
 * lists, and kw_callee() refuses to hand out a function whose entry is not
 * an ENDBR64, on every CPU, so that a sealed callee fails loudly in a test
 * VM too.  Regular builds declare none; KW_TEST_IBT_CALL (a test-only
 * build) declares kallsyms_lookup_name to prove that both checks bite.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/string.h>

#include "kwarden.h"

#define KW_ENDBR64	0xfa1e0ff3U	/* f3 0f 1e fa, little endian */
#define KW_ENDBR_SEAL	0x001f0f66U	/* 66 0f 1f 00: a sealed ENDBR64 */

static u32 kw_insn_at(unsigned long addr)
{
	u32 insn;

	if (copy_from_kernel_nofault(&insn, (void *)addr, sizeof(insn)))
		return 0;
	return insn;
}

/*
 * register_kprobe() moves a probe on a function's entry past its ENDBR64,
 * sealed or not (arch_adjust_kprobe_addr()): step back over it.
 */
static unsigned long kw_entry(unsigned long addr)
{
	u32 insn = kw_insn_at(addr - 4);

	return insn == KW_ENDBR64 || insn == KW_ENDBR_SEAL ? addr - 4 : addr;
}

unsigned long kw_lookup_name(const char *name)
{
	struct kprobe kp = {
		.symbol_name = name,
		.flags = KPROBE_FLAG_DISABLED,	/* never armed: no text poke */
	};
	unsigned long addr;

	/* fails with -EINVAL for data and unprobeable text, addr set */
	if (!register_kprobe(&kp))
		unregister_kprobe(&kp);
	addr = (unsigned long)kp.addr;
	return addr ? kw_entry(addr) : 0;
}

/*
 * The function @name, to be called through a pointer.  Only for names
 * declared with KW_CALLEE(); refused unless its entry is an ENDBR64.
 */
void *kw_callee(const char *name)
{
	unsigned long addr = kw_lookup_name(name);

	if (addr && kw_insn_at(addr) != KW_ENDBR64) {
		pr_err("%s has no ENDBR64 (sealed for IBT): an indirect call would fault on CPUs that enforce IBT\n",
		       name);
		return NULL;
	}
	return (void *)addr;
}

#ifdef KW_TEST_IBT_CALL
/* Test-only: call a function the kernel seals, as kwarden once did. */
KW_CALLEE(kallsyms_lookup_name);

static int kw_test_ibt_call(void)
{
	unsigned long (*lookup)(const char *name);

	lookup = kw_callee("kallsyms_lookup_name");
	if (!lookup)
		return -EOPNOTSUPP;
	return lookup("modules") == kw_lookup_name("modules") ? 0 : -EINVAL;
}
#else
static int kw_test_ibt_call(void)
{
	return 0;
}
#endif

int kw_symbols_init(void)
{
	int err;

	if (!kw_lookup_name("_stext")) {
		pr_err("cannot resolve kernel symbols through kprobes\n");
		return -ENOENT;
	}
	err = kw_test_ibt_call();
	if (err)
		pr_err("refusing to load: an indirect call is unsafe under IBT (%d)\n",
		       err);
	return err;
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
