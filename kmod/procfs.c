// SPDX-License-Identifier: GPL-2.0
/*
 * kwarden - what a reader of /proc gets: file and seq_file operations
 *
 * Hiding rootkits rarely touch the const operation tables themselves (that
 * is a .rodata change, see region.c); they swap the pointer to them in an
 * inode (i_fop) or a proc entry (seq_ops), so that the next open runs
 * their code.  So kwarden opens the listings rootkits filter, as any
 * reader would, and compares the file_operations and seq_operations it
 * gets, and their handlers, with what it got when it loaded.  A change is
 * fops_hook or seq_ops_hook, with the new handler's owner to blame.
 */
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>

#include "kwarden.h"

#define KW_PROC_EVERY	1	/* passes between checks */

struct kw_proc_file {
	const char *path;
	bool seq;		/* a seq_file: check its seq_operations too */
	bool valid;
	const void *fop;
	const void *sop;
	bool alerted;
};

static struct kw_proc_file kw_proc_files[] = {
	{ .path = "/proc" },
	{ .path = "/proc/net/tcp", .seq = true },
	{ .path = "/proc/net/tcp6", .seq = true },
	{ .path = "/proc/net/udp", .seq = true },
	{ .path = "/proc/net/udp6", .seq = true },
	{ .path = "/proc/modules", .seq = true },
};

static unsigned int kw_proc_pass;
static DEFINE_MUTEX(kw_proc_lock);

/* Open @pf->path and read what a reader would run; false if it can't. */
static bool kw_proc_read(const struct kw_proc_file *pf, const void **fop,
			 const void **sop, const void **handler)
{
	struct file *f = filp_open(pf->path, O_RDONLY, 0);
	bool ok = false;

	if (IS_ERR(f))
		return false;
	*fop = f->f_op;
	*sop = NULL;
	*handler = f->f_op ? (void *)f->f_op->iterate_shared : NULL;
	if (pf->seq && f->private_data) {
		const struct seq_file *m = f->private_data;

		*sop = m->op;
		*handler = m->op ? (void *)m->op->show : NULL;
	}
	ok = true;
	filp_close(f, NULL);
	return ok;
}

static void kw_proc_alert(struct kw_proc_file *pf, enum kw_kind kind,
			  const void *old, const void *new,
			  const void *handler)
{
	struct kw_alert a = {
		.kind = kind,
		.action = KW_ACTION_logged,
		.slot = -1,
		.addr = (unsigned long)new,
		.target = (unsigned long)handler,
		.len = sizeof(void *),
	};
	u64 off;

	strscpy(a.region, "procfs", sizeof(a.region));
	strscpy(a.symbol, pf->path, sizeof(a.symbol));
	memcpy(a.old, &old, sizeof(old));
	memcpy(a.new, &new, sizeof(new));
	if (handler)
		kw_describe(a.target, a.target_sym, sizeof(a.target_sym), &off,
			    a.module, sizeof(a.module));
	kw_alert_raise(&a);
}

static void kw_proc_check_one(struct kw_proc_file *pf)
{
	const void *fop, *sop, *handler;
	enum kw_kind kind;

	if (!kw_proc_read(pf, &fop, &sop, &handler))
		return;
	if (!pf->valid) {
		pf->fop = fop;
		pf->sop = sop;
		pf->valid = true;
		return;
	}
	/* the tables' contents are .rodata, checked byte by byte there */
	if (fop == pf->fop && sop == pf->sop) {
		pf->alerted = false;
		return;
	}
	if (pf->alerted)
		return;
	pf->alerted = true;
	kind = fop != pf->fop ? KW_KIND_fops_hook : KW_KIND_seq_ops_hook;
	kw_proc_alert(pf, kind, kind == KW_KIND_fops_hook ? pf->fop : pf->sop,
		      kind == KW_KIND_fops_hook ? fop : sop, handler);
}

/* From the scanner; also takes the baseline on the first call. */
void kw_proc_check(void)
{
	unsigned int i;

	mutex_lock(&kw_proc_lock);
	if (!(kw_proc_pass++ % KW_PROC_EVERY))
		for (i = 0; i < ARRAY_SIZE(kw_proc_files); i++)
			kw_proc_check_one(&kw_proc_files[i]);
	mutex_unlock(&kw_proc_lock);
}
