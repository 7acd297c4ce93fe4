// SPDX-License-Identifier: GPL-2.0
/*
 * kw_warn - a test module whose only job is to raise one kernel WARNING.
 *
 * The VM runner fails a run on any undeclared WARNING in the console log;
 * its self-tests load this module with and without declaring the warning
 * (kwvm-expect kw_warn) to prove both sides of that rule. Loaded only
 * inside test VMs, never on a real host.
 */
#include <linux/module.h>
#include <linux/bug.h>

static int __init kw_warn_init(void)
{
	WARN(1, "kw_warn: deliberate warning\n");
	return 0;
}

static void __exit kw_warn_exit(void)
{
}

module_init(kw_warn_init);
module_exit(kw_warn_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kwarden VM runner self-test: raise one deliberate WARNING");
