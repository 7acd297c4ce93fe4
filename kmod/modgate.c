// SPDX-License-Identifier: GPL-2.0
/*
 * kwarden - what a module load is made of: content hashes, file and path
 *
 * Two kprobes watch a load before the module exists:
 * security_kernel_post_read_file(READING_MODULE) sees the file that
 * finit_module read (its name, and its bytes: sha256 "file hash"), and
 * load_module() sees the image the kernel is about to link, signature
 * included and already decompressed (sha256 "hash").  When the image is
 * the very buffer that was read, its hash is the file's and is not
 * computed twice.  Both land in a small table keyed by the loading task;
 * the gate (policy.c) takes the entry at MODULE_STATE_COMING, in that same
 * task.  Handlers never sleep: hashing is bounded by KW_HASH_MAX bytes
 * and runs outside the table's spinlock; the table is fixed, entries
 * expire after KW_PENDING_TTL, and a full table evicts the oldest one
 * (that load then has no hash, and no hash rule can match it).
 *
 * Hashing is nearly all that kwarden adds to a module load: the generic
 * C sha256 takes about 54 instructions a byte, 9.3 M for a 171 KB module
 * (docs/bench.md).  So the kernel's best sha256 is used: sha256-ni or
 * sha256-avx2 (module sha256_ssse3, which udev loads at boot on a CPU
 * that has the instructions) if it was there when kwarden.ko loaded.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/hash.h>
#include <crypto/sha2.h>
#include <linux/dcache.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/kernel_read_file.h>
#include <linux/kprobes.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <uapi/linux/module.h>

#include "kwarden.h"

#define KW_PENDING	32
#define KW_PENDING_TTL	(120 * HZ)	/* TCG is slow */
#define KW_HASH_MAX	(64UL << 20)	/* bytes hashed in a kprobe, at most */

struct kw_pending {
	struct task_struct *task;	/* compared only, never dereferenced */
	pid_t pid;
	unsigned long stamp;		/* jiffies */
	const void *file_buf;		/* what finit_module read */
	size_t file_len;
	bool image;			/* load_module() seen */
	struct kw_load load;
};

static struct kw_pending kw_pending[KW_PENDING];
static bool kw_load_probed, kw_read_probed;
static DEFINE_SPINLOCK(kw_pending_lock);
static u64 kw_evictions, kw_unhashed;
static struct crypto_shash *kw_sha256;	/* NULL: the library's sha256() */

static bool kw_pending_fresh(const struct kw_pending *e)
{
	return e->task && time_before(jiffies, e->stamp + KW_PENDING_TTL);
}

/* The current task's entry, or NULL; the caller holds kw_pending_lock */
static struct kw_pending *kw_pending_find(void)
{
	int i;

	for (i = 0; i < KW_PENDING; i++)
		if (kw_pending[i].task == current &&
		    kw_pending[i].pid == current->pid &&
		    kw_pending_fresh(&kw_pending[i]))
			return &kw_pending[i];
	return NULL;
}

/* A fresh entry for the current task: its old one, a free one or the oldest */
static struct kw_pending *kw_pending_get(void)
{
	struct kw_pending *e = kw_pending_find(), *old = &kw_pending[0];
	int i;

	for (i = 0; !e && i < KW_PENDING; i++) {
		if (!kw_pending_fresh(&kw_pending[i]))
			e = &kw_pending[i];
		else if (time_before(kw_pending[i].stamp, old->stamp))
			old = &kw_pending[i];
	}
	if (!e) {
		e = old;
		kw_evictions++;
	}
	memset(e, 0, sizeof(*e));
	e->task = current;
	e->pid = current->pid;
	e->stamp = jiffies;
	return e;
}

/* sha256 of buf into out, adding to *ns the time it took */
static bool kw_hash(const void *buf, size_t len, u8 *out, u64 *ns)
{
	u64 t0;

	if (!buf || !len || len > KW_HASH_MAX)
		return false;
	t0 = ktime_get_ns();
	if (!kw_sha256 || crypto_shash_tfm_digest(kw_sha256, buf, len, out))
		sha256(buf, len, out);
	*ns = ktime_get_ns() - t0;
	return true;
}

/* security_kernel_post_read_file(file, buf, size, id) */
static int kw_post_read(struct kprobe *p, struct pt_regs *regs)
{
	struct file *file = (struct file *)regs_get_kernel_argument(regs, 0);
	const void *buf = (const void *)regs_get_kernel_argument(regs, 1);
	loff_t size = (loff_t)regs_get_kernel_argument(regs, 2);
	int id = (int)regs_get_kernel_argument(regs, 3);
	char path[KW_PATH_LEN], *name = NULL;
	u8 digest[KW_HASH_LEN];
	struct kw_pending *e;
	unsigned long flags;
	u64 ns = 0;
	bool hashed;

	if (id != READING_MODULE || !buf || size <= 0)
		return 0;
	hashed = kw_hash(buf, size, digest, &ns);
	if (file) {
		name = d_path(&file->f_path, path, sizeof(path));
		if (IS_ERR(name))
			name = NULL;
	}
	spin_lock_irqsave(&kw_pending_lock, flags);
	e = kw_pending_get();
	e->load.via = KW_VIA_FINIT_MODULE;
	e->file_buf = buf;
	e->file_len = size;
	if (hashed) {
		memcpy(e->load.file_hash, digest, KW_HASH_LEN);
		e->load.has |= KW_AF_FILE_HASH;
		e->load.hashed = size;
		e->load.hash_ns = ns;
	} else {
		kw_unhashed++;
	}
	if (name)
		strscpy(e->load.path, name, sizeof(e->load.path));
	spin_unlock_irqrestore(&kw_pending_lock, flags);
	return 0;
}

/* load_module(info, uargs, flags) */
static int kw_load_entry(struct kprobe *p, struct pt_regs *regs)
{
	const struct kw_load_info_head *info =
		(const void *)regs_get_kernel_argument(regs, 0);
	int lflags = (int)regs_get_kernel_argument(regs, 2);
	const void *hdr = info->hdr;
	unsigned long len = info->len;
	u8 digest[KW_HASH_LEN];
	struct kw_pending *e;
	bool finit, same = false, hashed;
	unsigned long flags;
	u64 ns = 0;

	/* After a read of the file: this image is that file, or its content */
	spin_lock_irqsave(&kw_pending_lock, flags);
	e = kw_pending_find();
	finit = e && !e->image && e->load.via == KW_VIA_FINIT_MODULE &&
		(hdr == e->file_buf || (lflags & MODULE_INIT_COMPRESSED_FILE));
	if (finit && hdr == e->file_buf && len == e->file_len &&
	    (e->load.has & KW_AF_FILE_HASH)) {
		memcpy(e->load.hash, e->load.file_hash, KW_HASH_LEN);
		e->load.has |= KW_AF_HASH;
		e->image = true;
		same = true;
	}
	spin_unlock_irqrestore(&kw_pending_lock, flags);
	if (same)
		return 0;

	hashed = kw_hash(hdr, len, digest, &ns);
	spin_lock_irqsave(&kw_pending_lock, flags);
	e = kw_pending_find();
	if (!finit || !e || e->image) {
		/* init_module: the image came from a user buffer */
		e = kw_pending_get();
		e->load.via = finit ? KW_VIA_FINIT_MODULE : KW_VIA_INIT_MODULE;
	}
	e->image = true;
	e->stamp = jiffies;
	if (hashed) {
		memcpy(e->load.hash, digest, KW_HASH_LEN);
		e->load.has |= KW_AF_HASH;
		e->load.hashed += len;
		e->load.hash_ns += ns;
	} else {
		kw_unhashed++;
	}
	spin_unlock_irqrestore(&kw_pending_lock, flags);
	return 0;
}

/*
 * At MODULE_STATE_COMING, in the loading task: what the probes saw of
 * this load.  false (and via unknown, no hashes) if they saw nothing.
 */
bool kw_modgate_take(struct kw_load *out)
{
	struct kw_pending *e;
	unsigned long flags;
	bool found = false;

	memset(out, 0, sizeof(*out));
	spin_lock_irqsave(&kw_pending_lock, flags);
	e = kw_pending_find();
	if (e && e->image) {
		*out = e->load;
		found = true;
	}
	if (e)
		memset(e, 0, sizeof(*e));
	spin_unlock_irqrestore(&kw_pending_lock, flags);
	return found;
}

void kw_modgate_counters(u64 *evictions, u64 *unhashed)
{
	unsigned long flags;

	spin_lock_irqsave(&kw_pending_lock, flags);
	*evictions = kw_evictions;
	*unhashed = kw_unhashed;
	spin_unlock_irqrestore(&kw_pending_lock, flags);
}

static struct kprobe kw_post_read_kp = {
	.symbol_name = KW_POST_READ_SYMBOL,
	.pre_handler = kw_post_read,
};

static struct kprobe kw_load_kp = {
	.symbol_name = KW_LOAD_SYMBOL,
	.pre_handler = kw_load_entry,
};

/*
 * Without the load_module probe there is no hash: the gate still decides
 * on names, signatures, taints and paths, and says so at load.
 */
/* The fastest sha256 the kernel has now; the library's when none */
static void kw_sha256_init(void)
{
	kw_sha256 = crypto_alloc_shash("sha256", 0, 0);
	if (IS_ERR(kw_sha256)) {
		kw_sha256 = NULL;
		return;
	}
	pr_info("module hashes by %s\n",
		crypto_shash_driver_name(kw_sha256));
}

int kw_modgate_init(void)
{
	int err;

	kw_sha256_init();
	err = register_kprobe(&kw_load_kp);
	kw_load_probed = !err;
	if (err) {
		pr_warn("cannot probe %s (%d): module loads are not hashed\n",
			KW_LOAD_SYMBOL, err);
		crypto_free_shash(kw_sha256);
		kw_sha256 = NULL;
		return err;
	}
	err = register_kprobe(&kw_post_read_kp);
	kw_read_probed = !err;
	if (err)
		pr_warn("cannot probe %s (%d): module files are not named nor hashed\n",
			KW_POST_READ_SYMBOL, err);
	return 0;
}

void kw_modgate_exit(void)
{
	if (kw_read_probed)
		unregister_kprobe(&kw_post_read_kp);
	if (kw_load_probed)
		unregister_kprobe(&kw_load_kp);
	kw_read_probed = kw_load_probed = false;
	crypto_free_shash(kw_sha256);	/* no handler runs any more */
	kw_sha256 = NULL;
}
