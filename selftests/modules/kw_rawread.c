// SPDX-License-Identifier: GPL-2.0
/*
 * kw_rawread - TEST MODULE for "make bench", loaded only inside test VMs.
 *
 * Reads the bytes kwarden.ko verifies (core text _stext.._etext and rodata
 * __start_rodata..__end_rodata, found with kw_find() of kw_test.h) page by
 * page, twice: once with a plain loop summing u64 words, once with xxh64
 * over each page (the hash kwarden uses), and times each pass with ktime.  That is the speed a full
 * verification pass is compared with, in the same kernel and the same VM.
 *
 * A pass runs at load and then on every read of
 * /sys/kernel/debug/kw_rawread/run, which prints
 *	bytes B pages P sum_ns S xxh_ns X
 * The last results are also in the read-only parameters bytes, pages,
 * sum_ns and xxh_ns.  Every loop is bounded by the size of the regions,
 * and the passes yield (cond_resched) between pages.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/uaccess.h>
#include <linux/xxhash.h>

#include "kw_test.h"

#define KW_PAGE		4096UL
#define KW_MAX_REGION	SZ_256M	/* refuse anything larger: bounded */

struct kw_range {
	const char *start_sym;
	const char *end_sym;
	unsigned long start;
	unsigned long end;
};

static struct kw_range kw_ranges[] = {
	{ "_stext", "_etext" },
	{ "__start_rodata", "__end_rodata" },
};

static unsigned long long bytes;
module_param(bytes, ullong, 0444);
MODULE_PARM_DESC(bytes, "Bytes read by one pass (text + rodata)");
static unsigned int pages;
module_param(pages, uint, 0444);
MODULE_PARM_DESC(pages, "Pages read by one pass");
static unsigned long long sum_ns;
module_param(sum_ns, ullong, 0444);
MODULE_PARM_DESC(sum_ns, "Duration of the last plain-sum pass, ns");
static unsigned long long xxh_ns;
module_param(xxh_ns, ullong, 0444);
MODULE_PARM_DESC(xxh_ns, "Duration of the last xxh64 pass, ns");

static DEFINE_MUTEX(kw_lock);
static struct dentry *kw_dir;
static u64 kw_sink;	/* keeps the compiler from dropping the reads */

static int kw_resolve(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kw_ranges); i++) {
		struct kw_range *r = &kw_ranges[i];

		r->start = kw_find(r->start_sym);
		r->end = kw_find(r->end_sym);
		if (!r->start || r->end <= r->start ||
		    r->end - r->start > KW_MAX_REGION)
			return -ENOENT;
		bytes += r->end - r->start;
		pages += DIV_ROUND_UP(r->end - r->start, KW_PAGE);
	}
	return 0;
}

static u64 kw_sum_page(const u8 *p, size_t len)
{
	const u64 *w = (const u64 *)p;
	size_t i, words = len / sizeof(u64);
	u64 s = 0;

	for (i = 0; i < words; i++)
		s += w[i];
	for (i = words * sizeof(u64); i < len; i++)
		s += p[i];
	return s;
}

static u64 kw_xxh_page(const u8 *p, size_t len)
{
	return xxh64(p, len, 0);
}

/* One pass over every page of every range with @fn; returns its ns. */
static u64 kw_pass(u64 (*fn)(const u8 *p, size_t len))
{
	u64 t0 = ktime_get_ns(), s = 0;
	unsigned long a;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kw_ranges); i++) {
		const struct kw_range *r = &kw_ranges[i];

		for (a = r->start; a < r->end; a += KW_PAGE) {
			s += fn((const u8 *)a, min(KW_PAGE, r->end - a));
			cond_resched();
		}
	}
	WRITE_ONCE(kw_sink, kw_sink + s);
	return ktime_get_ns() - t0;
}

static void kw_measure(void)
{
	sum_ns = kw_pass(kw_sum_page);
	xxh_ns = kw_pass(kw_xxh_page);
}

static ssize_t kw_run_read(struct file *f, char __user *buf, size_t len,
			   loff_t *ppos)
{
	char out[128];
	int n;

	if (*ppos)
		return 0;
	mutex_lock(&kw_lock);
	kw_measure();
	n = scnprintf(out, sizeof(out), "bytes %llu pages %u sum_ns %llu xxh_ns %llu\n",
		      bytes, pages, sum_ns, xxh_ns);
	mutex_unlock(&kw_lock);
	return simple_read_from_buffer(buf, len, ppos, out, n);
}

static const struct file_operations kw_run_fops = {
	.owner = THIS_MODULE,
	.read = kw_run_read,
	.llseek = default_llseek,
};

static int __init kw_rawread_init(void)
{
	int err = kw_resolve();

	if (err)
		return err;
	kw_measure();
	kw_dir = debugfs_create_dir("kw_rawread", NULL);
	debugfs_create_file("run", 0400, kw_dir, NULL, &kw_run_fops);
	pr_info("kw_rawread: %llu bytes in %u pages: sum %llu ns, xxh64 %llu ns\n",
		bytes, pages, sum_ns, xxh_ns);
	return 0;
}

static void __exit kw_rawread_exit(void)
{
	debugfs_remove(kw_dir);
}

module_init(kw_rawread_init);
module_exit(kw_rawread_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kwarden bench: raw read speed of the bytes kwarden verifies");
