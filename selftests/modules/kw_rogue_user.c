// SPDX-License-Identifier: GPL-2.0
/*
 * kw_rogue_user - TEST MODULE, loaded only inside kwarden's test VMs.
 *
 * Uses kw_rogue_ping() of kw_rogue_drv, and so holds it: kw_rogue_drv
 * lists it in /sys/module/kw_rogue_drv/holders while it is loaded, and
 * `kwardenctl disable kw_rogue_drv` must refuse, naming it.
 */
#include <linux/module.h>

#include "kw_rogue.h"

static int __init kw_user_init(void)
{
	pr_info("kw_rogue_user: ping %d\n", kw_rogue_ping());
	return 0;
}

static void __exit kw_user_exit(void)
{
	pr_info("kw_rogue_user: exit\n");
}

module_init(kw_user_init);
module_exit(kw_user_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kwarden test: a module holding kw_rogue_drv");
