// SPDX-License-Identifier: GPL-2.0
/*
 * kwarden - alert sequence numbers and the backlog
 *
 * Every alert gets a sequence number and is kept in a fixed ring of the
 * last KW_BACKLOG alerts, then multicast.  kwardend dumps the ring when it
 * starts, so alerts raised while it was away are not lost; an alert that
 * was overwritten before anyone received it is counted as a drop.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include "kwarden.h"

#define KW_BACKLOG	128

struct kw_slot {
	struct kw_alert alert;
	bool delivered;
};

static struct kw_slot *kw_ring;
static u64 kw_seq;
static u64 kw_drops;
static DEFINE_MUTEX(kw_alert_lock);

static const char * const kw_kind_names[] = {
#define KW_KIND_NAME(name, sev, ocsf) #name,
	KW_KINDS(KW_KIND_NAME)
#undef KW_KIND_NAME
};

static const u32 kw_kind_sev[] = {
#define KW_KIND_SEV(name, sev, ocsf) sev,
	KW_KINDS(KW_KIND_SEV)
#undef KW_KIND_SEV
};

const char *kw_kind_name(int kind)
{
	return kind >= 0 && kind < KW_KIND_MAX ? kw_kind_names[kind] : "?";
}

int kw_kind_from_name(const char *name)
{
	int i;

	for (i = 0; i < KW_KIND_MAX; i++)
		if (!strcmp(name, kw_kind_names[i]))
			return i;
	return -ENOENT;
}

void kw_alert_raise(struct kw_alert *a)
{
	struct kw_slot *slot;

	a->time_ns = ktime_get_real_ns();
	if (a->kind < KW_KIND_MAX && !(a->has & KW_AF_SEVERITY))
		a->severity = kw_kind_sev[a->kind];

	mutex_lock(&kw_alert_lock);
	a->seq = ++kw_seq;
	slot = &kw_ring[a->seq % KW_BACKLOG];
	if (a->seq > KW_BACKLOG && !slot->delivered)
		kw_drops++;
	slot->alert = *a;
	slot->delivered = !kw_netlink_send_alert(a);
	mutex_unlock(&kw_alert_lock);

	if (a->has & KW_AF_MODLOAD) {
		pr_info("%s %s%s%s verdict %u (%s) [seq %llu]\n",
			kw_kind_names[a->kind], a->module, a->symbol[0] ? " " : "",
			a->symbol, a->verdict, a->rule, a->seq);
		return;
	}
	pr_warn("%s at %s+%#llx (%#llx) old %*ph new %*ph target %pS [seq %llu]\n",
		a->kind < KW_KIND_MAX ? kw_kind_names[a->kind] : "?",
		a->symbol, a->offset, a->addr, 8, a->old, 8, a->new,
		(void *)a->target, a->seq);
}

/* The newest alert sits in its slot, and drops never outnumber alerts */
bool kw_alert_consistent(void)
{
	bool ok;

	mutex_lock(&kw_alert_lock);
	ok = kw_ring && kw_drops <= kw_seq &&
	     (!kw_seq || kw_ring[kw_seq % KW_BACKLOG].alert.seq == kw_seq);
	mutex_unlock(&kw_alert_lock);
	return ok;
}

u64 kw_alert_last_seq(void)
{
	return READ_ONCE(kw_seq);
}

u64 kw_alert_drops(void)
{
	return READ_ONCE(kw_drops);
}

/*
 * Copy the oldest kept alert with a sequence number >= @seq into @out.
 * Returns 0, or -ENOENT when there is none.  Reading marks it delivered.
 */
int kw_alert_copy_from(u64 seq, struct kw_alert *out)
{
	u64 oldest;
	int err = -ENOENT;

	mutex_lock(&kw_alert_lock);
	oldest = kw_seq > KW_BACKLOG ? kw_seq - KW_BACKLOG + 1 : 1;
	seq = max(seq, oldest);
	if (seq <= kw_seq) {
		struct kw_slot *slot = &kw_ring[seq % KW_BACKLOG];

		*out = slot->alert;
		slot->delivered = true;
		err = 0;
	}
	mutex_unlock(&kw_alert_lock);
	return err;
}

int kw_alert_init(void)
{
	kw_ring = kcalloc(KW_BACKLOG, sizeof(*kw_ring), GFP_KERNEL);
	return kw_ring ? 0 : -ENOMEM;
}

void kw_alert_exit(void)
{
	kfree(kw_ring);
	kw_ring = NULL;
}
