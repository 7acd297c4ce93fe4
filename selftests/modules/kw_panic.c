// SPDX-License-Identifier: GPL-2.0
/*
 * kw_panic - a test module that crashes the kernel from its init, the way
 * a broken driver crash-loops a machine at boot.
 *
 *   how=panic  (default) call panic() from the module's own code
 *   how=oops   dereference a bad pointer: an oops in the module, fatal
 *              with panic_on_oops=1
 *   how=none   load and do nothing (a harmless control)
 *
 * The boot-health test (tools/vm/boot-tests) has the guest load it at boot
 * until kwardend quarantines it.  Loaded only inside test VMs.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/panic.h>
#include <linux/string.h>

static char *how = "panic";
module_param(how, charp, 0444);
MODULE_PARM_DESC(how, "panic (default), oops or none");

/* Not inlined: the faulting instruction must be in this module's text */
static noinline int kw_panic_crash(int *where)
{
	return READ_ONCE(*where);
}

static int __init kw_panic_init(void)
{
	if (!strcmp(how, "none"))
		return 0;
	pr_emerg("kw_panic: crashing on purpose (how=%s)\n", how);
	if (!strcmp(how, "oops"))
		return kw_panic_crash((int *)0x10);
	panic("kw_panic: crashing on purpose");
	return 0;
}

static void __exit kw_panic_exit(void)
{
}

module_init(kw_panic_init);
module_exit(kw_panic_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kwarden test: crash the kernel at load (panic or oops)");
