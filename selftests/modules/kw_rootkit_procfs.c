// SPDX-License-Identifier: GPL-2.0
/*
 * kw_rootkit_procfs - TEST MODULE, loaded only inside kwarden's test VMs.
 *
 * Hooks /proc listings the way hiding rootkits do:
 *   mode=fops  swap the /proc root inode's i_fop for a copy whose
 *              iterate_shared is its own (adore-ng style); new opens of
 *              /proc run the copy, which still calls the original
 *   mode=seq   point tcp4_seq_ops.show at its own function, written
 *              through a vmap alias of the read-only page; it calls the
 *              original, so /proc/net/tcp still reads the same
 * Everything is put back when the module is removed.
 */
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/kprobes.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "kw_test.h"

static char *mode = "fops";
module_param(mode, charp, 0444);

typedef int (*kw_iterate_fn)(struct file *file, struct dir_context *ctx);

static struct inode *kw_inode;
static const struct file_operations *kw_orig_fops;
static void *kw_fops;		/* our copy of /proc's file_operations */
static const struct seq_operations *kw_sops;
static int (*kw_orig_show)(struct seq_file *m, void *v);

static int kw_iterate(struct file *file, struct dir_context *ctx)
{
	return kw_orig_fops->iterate_shared(file, ctx);
}

static int kw_show(struct seq_file *m, void *v)
{
	return kw_orig_show(m, v);
}

static int kw_write_ptr(void *dst, void *val)
{
	struct page *page = virt_to_page(__va(__pa_symbol(dst)));
	u8 *map = vmap(&page, 1, VM_MAP, PAGE_KERNEL);

	if (!map)
		return -ENOMEM;
	memcpy(map + offset_in_page(dst), &val, sizeof(val));
	vunmap(map);
	return 0;
}

static int kw_hook_fops(void)
{
	struct file *f = filp_open("/proc", O_RDONLY | O_DIRECTORY, 0);

	if (IS_ERR(f))
		return PTR_ERR(f);
	kw_inode = file_inode(f);
	ihold(kw_inode);
	filp_close(f, NULL);
	kw_orig_fops = kw_inode->i_fop;
	kw_fops = kmemdup(kw_orig_fops, sizeof(*kw_orig_fops), GFP_KERNEL);
	if (!kw_fops) {
		iput(kw_inode);
		kw_inode = NULL;
		return -ENOMEM;
	}
	*(kw_iterate_fn *)((u8 *)kw_fops +
			   offsetof(typeof(*kw_orig_fops), iterate_shared)) =
		kw_iterate;
	WRITE_ONCE(kw_inode->i_fop, kw_fops);
	return 0;
}

static int kw_hook_seq(void)
{
	kw_sops = (const struct seq_operations *)kw_find("tcp4_seq_ops");
	if (!kw_sops)
		return -ENOENT;
	kw_orig_show = kw_sops->show;
	return kw_write_ptr((void *)&kw_sops->show, kw_show);
}

static int __init kw_procfs_init(void)
{
	int err = strcmp(mode, "seq") ? kw_hook_fops() : kw_hook_seq();

	if (!err)
		pr_info("kw_rootkit_procfs: hooked (%s)\n", mode);
	return err;
}

static void __exit kw_procfs_exit(void)
{
	if (kw_inode) {
		WRITE_ONCE(kw_inode->i_fop, kw_orig_fops);
		iput(kw_inode);
		synchronize_rcu();	/* no open of /proc still copying it */
		kfree(kw_fops);
	}
	if (kw_sops)
		kw_write_ptr((void *)&kw_sops->show, kw_orig_show);
	pr_info("kw_rootkit_procfs: unhooked (%s)\n", mode);
}

module_init(kw_procfs_init);
module_exit(kw_procfs_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kwarden test: /proc file and seq_file operations hooks");
