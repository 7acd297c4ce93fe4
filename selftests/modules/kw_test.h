/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kw_test.h - shared by kwarden's TEST MODULES (loaded only in test VMs):
 * the address of any kernel symbol, found the way rootkits find it.
 *
 * kallsyms_lookup_name() is not exported: a kprobe on it reports its
 * address, after ENDBR64 on IBT kernels, where an indirect call would
 * trap on a CPU that enforces IBT, so step back over it.
 */
#ifndef _KW_TEST_H
#define _KW_TEST_H

#include <linux/kprobes.h>
#include <linux/uaccess.h>

#define KW_ENDBR64	0xfa1e0ff3U	/* f3 0f 1e fa, little endian */

typedef unsigned long (*kw_lookup_fn)(const char *name);

static inline unsigned long kw_find(const char *name)
{
	struct kprobe kp = { .symbol_name = "kallsyms_lookup_name" };
	kw_lookup_fn lookup;
	u32 insn;

	if (register_kprobe(&kp))
		return 0;
	lookup = (kw_lookup_fn)kp.addr;
	unregister_kprobe(&kp);
	if (!copy_from_kernel_nofault(&insn, (u8 *)lookup - 4, 4) &&
	    insn == KW_ENDBR64)
		lookup = (kw_lookup_fn)((u8 *)lookup - 4);
	return lookup(name);
}

#endif /* _KW_TEST_H */
