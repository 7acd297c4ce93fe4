// SPDX-License-Identifier: GPL-2.0
/*
 * kw_livepatch_replace - an atomic-replace livepatch (.replace = true): it
 * takes cmdline_proc_show() over from kw_livepatch, whose patch the kernel
 * then reverts and frees (/proc/cmdline reads "kw_livepatch_replace").
 * Loaded only inside test VMs, never on a real host.
 */
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/seq_file.h>

static int kw_replace_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_puts(m, "kw_livepatch_replace\n");
	return 0;
}

static struct klp_func kw_funcs[] = {
	{
		.old_name = "cmdline_proc_show",
		.new_func = kw_replace_cmdline_proc_show,
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
	.replace = true,
};

static int __init kw_livepatch_replace_init(void)
{
	return klp_enable_patch(&kw_patch);
}

static void __exit kw_livepatch_replace_exit(void)
{
}

module_init(kw_livepatch_replace_init);
module_exit(kw_livepatch_replace_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kwarden selftest: an atomic-replace livepatch of cmdline_proc_show");
MODULE_INFO(livepatch, "Y");
