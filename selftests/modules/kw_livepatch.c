// SPDX-License-Identifier: GPL-2.0
/*
 * kw_livepatch - a livepatch module, as the kernel's own sample
 * (samples/livepatch/livepatch-sample.c): it replaces cmdline_proc_show(),
 * so that /proc/cmdline reads "kw_livepatch" while the patch is enabled.
 * Harmless, and undone with
 *   echo 0 > /sys/kernel/livepatch/kw_livepatch/enabled
 * Loaded only inside test VMs, never on a real host.
 */
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/seq_file.h>

static int kw_livepatch_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_puts(m, "kw_livepatch\n");
	return 0;
}

static struct klp_func kw_funcs[] = {
	{
		.old_name = "cmdline_proc_show",
		.new_func = kw_livepatch_cmdline_proc_show,
	},
	{ }
};

static struct klp_object kw_objs[] = {
	{
		/* name NULL: vmlinux */
		.funcs = kw_funcs,
	},
	{ }
};

static struct klp_patch kw_patch = {
	.mod = THIS_MODULE,
	.objs = kw_objs,
};

static int __init kw_livepatch_init(void)
{
	return klp_enable_patch(&kw_patch);
}

static void __exit kw_livepatch_exit(void)
{
}

module_init(kw_livepatch_init);
module_exit(kw_livepatch_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kwarden selftest: a livepatch of cmdline_proc_show");
MODULE_INFO(livepatch, "Y");
