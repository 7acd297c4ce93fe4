// SPDX-License-Identifier: GPL-2.0
/*
 * kwarden - kwarden.ko's own invariants, and the degraded state
 *
 * Before every verification pass the scanner checks that kwarden itself is
 * still sound: its region list and page counts, the kprobe that records
 * text pokes, the baseline of its own code, the alert backlog.  A watchdog
 * checks that the scanner still runs.  When a check fails kwarden does not
 * carry on with broken state: it turns itself off (no more scanning,
 * restoring or denying; the kprobe goes), raises one kwarden_degraded alert
 * naming the check, and reports KW_STATE_DEGRADED in its status.  It stays
 * loaded, answering status and keeping its backlog, until it is unloaded.
 *
 * Test only: with kwarden.test_faults=1 on the kernel command line (or the
 * test_faults=1 module parameter), debugfs kwarden/inject_fault takes the
 * name of a check and breaks what that check looks at, so that tests can
 * see the real check catch it.  Without it the file does not exist.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include "kwarden.h"

#define KW_MAX_REGIONS		8192	/* far more than modules + core */
#define KW_WATCHDOG_MS		5000
#define KW_STALL_MIN_MS		60000	/* a pass late by this much: stalled */

static bool test_faults;
module_param(test_faults, bool, 0444);
MODULE_PARM_DESC(test_faults, "TEST ONLY: debugfs kwarden/inject_fault breaks an invariant (also kwarden.test_faults=1)");

static unsigned long kw_degraded_flag;
static char kw_degraded_check[24];
static char kw_degraded_reason[KW_DEGRADED_LEN];
static struct work_struct kw_degrade_work;
static struct delayed_work kw_watchdog_work;
static bool kw_watchdog_stopping;
static struct dentry *kw_debugfs;

/* Faults injected by tests, one bit per check */
enum {
	KW_INJ_REGIONS,
	KW_INJ_KPROBE,
	KW_INJ_SELFTEXT,
	KW_INJ_BACKLOG,
	KW_INJ_SCANNER,
	KW_INJ_MAX,
};

static const char * const kw_check_names[KW_INJ_MAX] = {
	[KW_INJ_REGIONS] = "regions",
	[KW_INJ_KPROBE] = "kprobe",
	[KW_INJ_SELFTEXT] = "selftext",
	[KW_INJ_BACKLOG] = "backlog",
	[KW_INJ_SCANNER] = "scanner",
};

static unsigned long kw_injected;

static bool kw_inj(int bit)
{
	return test_bit(bit, &kw_injected);
}

bool kw_degraded(void)
{
	return test_bit(0, &kw_degraded_flag);
}

/* Whether kwarden may change anything or deny anything */
bool kw_enforcing(void)
{
	return !kw_safe_mode() && !kw_degraded();
}

u32 kw_state(void)
{
	if (kw_degraded())
		return KW_STATE_DEGRADED;
	return kw_safe_mode() ? KW_STATE_SAFE_MODE : KW_STATE_ACTIVE;
}

/* Runs once: outside every lock of ours, so it may stop the scanner */
static void kw_degrade_fn(struct work_struct *work)
{
	struct kw_alert a = {
		.kind = KW_KIND_kwarden_degraded,
		.action = KW_ACTION_logged,
		.slot = -1,
	};

	kw_scan_exit();
	kw_poke_stop();
	strscpy(a.region, "kwarden", sizeof(a.region));
	strscpy(a.symbol, kw_degraded_check, sizeof(a.symbol));
	strscpy(a.reason, kw_degraded_reason, sizeof(a.reason));
	kw_alert_raise(&a);
}

/*
 * Turn kwarden off because check @check failed.  May be called with
 * kw_region_lock held: the real work is done in a work item.
 */
__printf(2, 3)
void kw_degrade(const char *check, const char *fmt, ...)
{
	va_list ap;

	if (test_and_set_bit(0, &kw_degraded_flag))
		return;
	strscpy(kw_degraded_check, check, sizeof(kw_degraded_check));
	va_start(ap, fmt);
	vsnprintf(kw_degraded_reason, sizeof(kw_degraded_reason), fmt, ap);
	va_end(ap);
	pr_crit("invariant '%s' failed: %s; turning myself off (no scanning, restoring or denying)\n",
		kw_degraded_check, kw_degraded_reason);
	schedule_work(&kw_degrade_work);
}

/* The region list: bounded, linked both ways, every region well formed */
static bool kw_check_regions(void)
{
	struct list_head *head = kw_regions(), *p;
	struct kw_region *r;
	unsigned int n = 0, own_text = 0;

	for (p = head->next; p != head; p = p->next) {
		if (++n > KW_MAX_REGIONS || p->next->prev != p) {
			kw_degrade("regions", "region list corrupt after %u entries", n);
			return false;
		}
		r = list_entry(p, struct kw_region, node);
		if (r->start >= r->end || !r->expected || !r->alerted ||
		    r->npages != DIV_ROUND_UP(r->end - r->start, KW_PAGE_SIZE) ||
		    kw_inj(KW_INJ_REGIONS)) {
			kw_degrade("regions", "region %s of %s: %u pages for %lu bytes",
				   r->name, r->owner[0] ? r->owner : "kernel",
				   r->npages, r->end - r->start);
			return false;
		}
		if (r->mod == THIS_MODULE && r->text)
			own_text++;
	}
	if (!own_text || kw_inj(KW_INJ_SELFTEXT)) {
		kw_degrade("selftext", "no baseline of kwarden's own text");
		return false;
	}
	return true;
}

/* Called by the scanner, kw_region_lock held, before a pass */
bool kw_selfcheck(void)
{
	if (kw_degraded())
		return false;
	if (!kw_check_regions())
		return false;
	if (!kw_poke_alive()) {
		kw_degrade("kprobe", "the text-poke kprobe is disabled or gone: patches can no longer be explained");
		return false;
	}
	if (!kw_alert_consistent() || kw_inj(KW_INJ_BACKLOG)) {
		kw_degrade("backlog", "alert backlog inconsistent (last seq %llu, drops %llu)",
			   kw_alert_last_seq(), kw_alert_drops());
		return false;
	}
	return true;
}


static void kw_watchdog_fn(struct work_struct *work)
{
	unsigned long late = max(KW_STALL_MIN_MS, 20 * kw_interval_ms);
	u64 last = kw_scan_last_jiffies();

	if (kw_degraded() || READ_ONCE(kw_watchdog_stopping))
		return;
	if (time_after64(get_jiffies_64(), last + msecs_to_jiffies(late))) {
		kw_degrade("scanner", "no verification pass for %u ms (period %u ms)",
			   jiffies_to_msecs(get_jiffies_64() - last),
			   kw_interval_ms);
		return;
	}
	schedule_delayed_work(&kw_watchdog_work,
			      msecs_to_jiffies(KW_WATCHDOG_MS));
}

/* ---- test only: fault injection ---- */

static ssize_t kw_inject_write(struct file *f, const char __user *ubuf,
			       size_t len, loff_t *ppos)
{
	char buf[24];
	int i;

	if (len == 0 || len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	strim(buf);
	for (i = 0; i < KW_INJ_MAX; i++)
		if (!strcmp(buf, kw_check_names[i]))
			break;
	if (i == KW_INJ_MAX)
		return -EINVAL;
	pr_warn("TEST: injecting a '%s' fault\n", buf);
	set_bit(i, &kw_injected);
	/* break the real thing where that is safe */
	if (i == KW_INJ_KPROBE)
		kw_poke_disable();
	else if (i == KW_INJ_SCANNER)
		kw_scan_stall();
	return len;
}

static const struct file_operations kw_inject_fops = {
	.owner = THIS_MODULE,
	.write = kw_inject_write,
	.llseek = noop_llseek,
};

void kw_selfcheck_init(void)
{
	INIT_WORK(&kw_degrade_work, kw_degrade_fn);
	INIT_DELAYED_WORK(&kw_watchdog_work, kw_watchdog_fn);
	schedule_delayed_work(&kw_watchdog_work,
			      msecs_to_jiffies(KW_WATCHDOG_MS));
	if (kw_cmdline_has("kwarden.test_faults=1"))
		test_faults = true;
	if (!test_faults)
		return;
	pr_warn("TEST ONLY: fault injection enabled (debugfs kwarden/inject_fault)\n");
	kw_debugfs = debugfs_create_dir("kwarden", NULL);
	debugfs_create_file("inject_fault", 0200, kw_debugfs, NULL,
			    &kw_inject_fops);
}

void kw_selfcheck_exit(void)
{
	debugfs_remove_recursive(kw_debugfs);
	WRITE_ONCE(kw_watchdog_stopping, true);
	cancel_delayed_work_sync(&kw_watchdog_work);
	cancel_work_sync(&kw_degrade_work);
}
