// SPDX-License-Identifier: GPL-2.0
/*
 * kw_rogue_drv - TEST MODULE, loaded only inside kwarden's test VMs.
 *
 * A driver that misbehaves the way kwarden must be able to disable: it
 * hooks a syscall through ftrace (SAVE_REGS | IPMODIFY, a redirecting
 * hook's flags; the handler only counts), drives a platform device of
 * its own, and exports kw_rogue_ping() so that another module
 * (kw_rogue_user) can hold it. Its exit function undoes all of it, so a
 * safe unload is possible once its device is unbound.
 */
#include <linux/ftrace.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/string.h>

#include "kw_rogue.h"

static char *target = "__x64_sys_sysinfo";
module_param(target, charp, 0444);

static struct ftrace_ops kw_ops;
static struct platform_device *kw_pdev;
static unsigned long kw_calls;

static void notrace kw_handler(unsigned long ip, unsigned long parent_ip,
			       struct ftrace_ops *op, struct ftrace_regs *fregs)
{
	WRITE_ONCE(kw_calls, kw_calls + 1);
}

int kw_rogue_ping(void)
{
	return 42;
}
EXPORT_SYMBOL_GPL(kw_rogue_ping);

static int kw_probe(struct platform_device *pdev)
{
	pr_info("kw_rogue_drv: bound %s\n", dev_name(&pdev->dev));
	return 0;
}

static void kw_remove(struct platform_device *pdev)
{
	pr_info("kw_rogue_drv: unbound %s\n", dev_name(&pdev->dev));
}

static struct platform_driver kw_driver = {
	.probe = kw_probe,
	.remove_new = kw_remove,
	.driver = { .name = "kw_rogue" },
};

static int __init kw_rogue_init(void)
{
	int err;

	err = platform_driver_register(&kw_driver);
	if (err)
		return err;
	kw_pdev = platform_device_register_simple("kw_rogue", 0, NULL, 0);
	if (IS_ERR(kw_pdev)) {
		err = PTR_ERR(kw_pdev);
		goto out_driver;
	}
	err = ftrace_set_filter(&kw_ops, target, strlen(target), 0);
	if (err)
		goto out_device;
	kw_ops.func = kw_handler;
	kw_ops.flags = FTRACE_OPS_FL_RECURSION | FTRACE_OPS_FL_SAVE_REGS |
		       FTRACE_OPS_FL_IPMODIFY;
	err = register_ftrace_function(&kw_ops);
	if (err)
		goto out_filter;
	pr_info("kw_rogue_drv: hooked %s\n", target);
	return 0;

out_filter:
	ftrace_free_filter(&kw_ops);
out_device:
	platform_device_unregister(kw_pdev);
out_driver:
	platform_driver_unregister(&kw_driver);
	return err;
}

static void __exit kw_rogue_exit(void)
{
	unregister_ftrace_function(&kw_ops);
	ftrace_free_filter(&kw_ops);
	platform_device_unregister(kw_pdev);
	platform_driver_unregister(&kw_driver);
	pr_info("kw_rogue_drv: exit after %lu calls\n", READ_ONCE(kw_calls));
}

module_init(kw_rogue_init);
module_exit(kw_rogue_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kwarden test: a hooking driver to disable");
