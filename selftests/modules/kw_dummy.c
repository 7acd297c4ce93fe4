// SPDX-License-Identifier: GPL-2.0
/*
 * kw_dummy - a test module that does nothing: something harmless to load
 * and unload, on both load paths, so that the module_load alert can be
 * checked end to end. Loaded only inside test VMs, never on a real host.
 */
#include <linux/module.h>

static int __init kw_dummy_init(void)
{
	return 0;
}

static void __exit kw_dummy_exit(void)
{
}

module_init(kw_dummy_init);
module_exit(kw_dummy_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kwarden selftest: a module that does nothing");
/* what mount -t kw_dummyfs asks the kernel for: an autoload to deny */
MODULE_ALIAS("fs-kw_dummyfs");
