// SPDX-License-Identifier: GPL-2.0
/*
 * kwarden - verification of the watched regions
 *
 * A pass hashes every page of every region.  A page whose hash differs from
 * the one expected is checked against its block digests (digest.c), or,
 * with a golden copy, compared with it byte by byte; each
 * differing byte must have been written there by a recorded text poke
 * (poke.c), at a patch site the kernel keeps, in a form that site allows
 * (site.c), or be part of an ftrace site that verifies (ftrace_site.c).
 * When all of them are, the page's new hash becomes the expected one: the
 * change was explained byte for byte, not accepted wholesale.
 * Otherwise one alert is raised for the page, and raised again only if the
 * unexplained bytes change again.
 */
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/workqueue.h>
#include <asm/desc.h>

#include "kwarden.h"

unsigned int kw_interval_ms = 500;

static struct kw_stats kw_stats;
static struct delayed_work kw_scan_work;
static bool kw_scan_stopping;
static bool kw_scan_stalled;	/* test only: see selfcheck.c */
static u64 kw_scan_last;	/* jiffies at the end of the last pass */

/* A rel32 jmp or call written at the changed address names the hook. */
static void kw_decode_branch(struct kw_alert *a, unsigned int at)
{
	s32 rel;

	if (at + 5 > KW_BYTES_LEN || (a->new[at] != 0xe8 && a->new[at] != 0xe9))
		return;
	memcpy(&rel, &a->new[at + 1], sizeof(rel));
	a->target = a->addr + 5 + rel;
}

/* Where an alert's window starts, and what it says of a table slot. */
static unsigned long kw_window(struct kw_region *r, unsigned long addr,
			       struct kw_alert *a)
{
	const struct kw_table *t = kw_region_table(r, addr);
	unsigned long base = addr;

	if (t) {
		a->kind = t->kind;
		if (t->entry) {
			a->slot = (addr - t->start) / t->entry;
			base = t->start + a->slot * t->entry;
		}
	}
	return min(base, r->end - KW_BYTES_LEN);
}

/* The kind an alert about @addr would carry: its table's, or the region's */
static enum kw_kind kw_kind_at(struct kw_region *r, unsigned long addr)
{
	const struct kw_table *t = kw_region_table(r, addr);

	return t ? t->kind : r->kind;
}

/*
 * Alert on the first unexplained byte at @addr, in page @pg, and restore
 * the page when that is configured for the kind.  The old and new windows
 * start at @addr, or at the start of its table slot (earlier only at the
 * very end of the region).  A jmp/call in text, or the pointer in a slot,
 * is decoded: its target's owner is the module to blame.  kwarden's own
 * text is reported like any module's (module "kwarden"), and kwarden goes
 * on: turning itself off for what it observed would give an attacker a
 * one-byte off switch.
 */
static void kw_report(struct kw_region *r, unsigned int pg,
		      const struct kw_page_check *c)
{
	unsigned long addr = c->first;
	int caller = c->caller;
	struct kw_alert a = {
		.kind = r->kind,
		.action = KW_ACTION_logged,
		.slot = -1,
	};
	unsigned long base = kw_window(r, addr, &a);
	char owner[KW_NAME_LEN];
	unsigned int i;
	u64 off;

	strscpy(a.region, r->name, sizeof(a.region));
	a.addr = base;
	memcpy(a.new, (void *)base, KW_BYTES_LEN);
	if (r->golden)
		memcpy(a.old, r->golden + (base - r->start), KW_BYTES_LEN);
	else if (!kw_digest_old(r, base, a.old))
		a.has |= KW_AF_NEW;	/* digests: no old bytes */
	for (i = 0; !(a.has & KW_AF_NEW) && i < KW_BYTES_LEN; i++)
		if (a.old[i] != a.new[i])
			a.len++;
	kw_describe(base, a.symbol, sizeof(a.symbol), &a.offset,
		    a.module, sizeof(a.module));
	if (a.slot >= 0 && r->kind == KW_KIND_idt_modified)
		a.target = gate_offset((gate_desc *)a.new);
	else if (a.slot >= 0)
		memcpy(&a.target, a.new, sizeof(void *));
	else if (r->text)
		kw_decode_branch(&a, 0);
	if (!a.target)
		goto out;
	kw_describe(a.target, a.target_sym, sizeof(a.target_sym), &off,
		    owner, sizeof(owner));
	/* the owner of the hook is who to blame for patched core memory */
	if (owner[0])
		strscpy(a.module, owner, sizeof(a.module));
out:
	/* written through the kernel's patching function: who called it */
	if (caller >= 0) {
		kw_poke_caller_name(caller, a.caller, sizeof(a.caller),
				    a.caller_sym, sizeof(a.caller_sym));
		if (!a.caller[0])
			strscpy(a.caller, "kernel", sizeof(a.caller));
		else if (strcmp(a.caller, "?"))
			strscpy(a.module, a.caller, sizeof(a.module));
	}
	if (kw_own_text(r)) {
		/* kwarden's own code: its unexplained bytes go back */
		if (!kw_restore_own_text(r, &c->runs)) {
			a.action = KW_ACTION_restored;
			r->alerted[pg] = 0;
		}
	} else if (kw_restore_wanted(r, a.kind)) {
		if (!kw_restore_page(r, pg)) {
			a.action = KW_ACTION_restored;
			r->alerted[pg] = 0;	/* the next change is a new one */
		} else {
			r->restore_failed = true;
		}
	}
	kw_alert_raise(&a);
}

void kw_unexplained(struct kw_page_check *c, unsigned long addr, u8 v)
{
	struct kw_runs *runs = &c->runs;
	unsigned int n = runs->n;

	if (!c->first)
		c->first = addr;
	c->sig = c->sig * 31 + addr * 257 + v + 1;
	if (n && runs->run[n - 1].addr + runs->run[n - 1].len == addr &&
	    runs->run[n - 1].len < KW_RUN_LEN) {
		runs->run[n - 1].seen[runs->run[n - 1].len++] = v;
	} else if (n < KW_RUNS_MAX) {
		runs->run[n].addr = addr;
		runs->run[n].len = 1;
		runs->run[n].seen[0] = v;
		runs->n++;
	} else {
		runs->overflow = true;
	}
}

/*
 * A byte that no ftrace site covers: a patch site of the kernel's must
 * allow it (site.c).  The record of the write that put it there, if the
 * bounded table kept one, names the caller, and whether the module was
 * COMING then.
 */
static void kw_check_poked(struct kw_region *r, unsigned long addr, u8 v,
			   struct kw_page_check *c)
{
	struct kw_poke_who who = { 0 };
	bool rec = kw_poke_explains(addr, v, &who);

#ifdef KW_TEST_POKE_TRUSTED
	/* test-only build: no record, no explanation, as before issue 11 */
	if (!rec) {
		kw_unexplained(c, addr, v);
		return;
	}
#endif
	switch (kw_site_check(r, addr, rec && (who.flags & KW_POKE_COMING))) {
	case KW_SITE_OK:
		break;
	case KW_SITE_BUSY:
		c->busy = true;
		break;
	case KW_SITE_BAD:
		if (!c->first && rec)
			c->caller = who.caller;
		kw_unexplained(c, addr, v);
		/* maybe a patch site the kernel owns: kwarden's not restored */
		if (rec)
			c->runs.overflow = true;
		break;
	}
}

/*
 * Check the byte at @addr, which differs from its baseline.  Returns how
 * many bytes were checked: a whole ftrace site at once, otherwise one.
 */
static size_t kw_check_byte(struct kw_region *r, unsigned long addr, u8 v,
			    struct kw_page_check *c)
{
	unsigned long site;

	if (!r->text) {
		kw_unexplained(c, addr, v);
		return 1;
	}
	site = kw_ftrace_site(addr);
	if (!site) {
		kw_check_poked(r, addr, v, c);
		return 1;
	}
	if (site < r->start || site + 5 > r->end) {
		kw_unexplained(c, addr, v);
		return 1;
	}
	switch (kw_ftrace_site_check(site, r->golden + (site - r->start))) {
	case KW_SITE_OK:
		break;
	case KW_SITE_BUSY:
		c->busy = true;
		break;
	case KW_SITE_BAD:
		kw_unexplained(c, site, READ_ONCE(*(u8 *)site));
		c->runs.overflow = true;	/* ftrace's bytes */
		break;
	}
	return site + 5 - addr;
}

static void kw_check_page(struct kw_region *r, unsigned int pg,
			  struct kw_page_check *c)
{
	unsigned long start = r->start + pg * KW_PAGE_SIZE;
	size_t len = kw_page_len(r, pg);
	const u8 *cur = (const u8 *)start;
	const u8 *old = r->golden + pg * KW_PAGE_SIZE;
	size_t i = 0;

	memset(c, 0, sizeof(*c));
	c->caller = -1;
	while (i < len) {
		u8 v = READ_ONCE(cur[i]);

		if (v == old[i]) {
			i++;
			continue;
		}
		i += kw_check_byte(r, start + i, v, c);
	}
}

static void kw_scan_page(struct kw_region *r, unsigned int pg)
{
	unsigned long start = r->start + pg * KW_PAGE_SIZE;
	size_t len = kw_page_len(r, pg);
	u64 h = kw_page_hash((void *)start, len);
	struct kw_page_check c;

	if (h == r->expected[pg]) {
		if (unlikely(r->alerted[pg]))
			r->alerted[pg] = 0;
		return;
	}
	if (r->golden)
		kw_check_page(r, pg, &c);
	else
		kw_digest_check_page(r, pg, &c);
	if (!c.first) {
		/* busy pages are checked again on the next pass */
		if (!c.busy) {
			r->expected[pg] = h;
			r->alerted[pg] = 0;
			kw_stats.explained++;
		}
		return;
	}
	/*
	 * Reported already: once is enough, unless restore was turned on for
	 * its kind since (kwardend containing the module that did it).
	 */
	if (c.sig == r->alerted[pg] &&
	    (r->restore_failed || !kw_restore_wanted(r, kw_kind_at(r, c.first))))
		return;
	r->alerted[pg] = c.sig;
	kw_stats.violations++;
	kw_report(r, pg, &c);
}

static void kw_scan_pass(void)
{
	u64 t0 = ktime_get_ns();
	struct kw_region *r;
	unsigned int pg;

	mutex_lock(&kw_region_lock);
	if (!kw_selfcheck()) {
		mutex_unlock(&kw_region_lock);
		return;
	}
	list_for_each_entry(r, kw_regions(), node) {
		for (pg = 0; pg < r->npages; pg++) {
			kw_prot_check(r, pg);
			kw_scan_page(r, pg);
			if (!(pg % 64))
				cond_resched();
		}
	}
	kw_modhide_check();
	kw_cpu_check();
	kw_hooks_check();
	kw_stats.scans++;
	kw_stats.last_scan_ns = ktime_get_ns() - t0;
	kw_stats.total_scan_ns += kw_stats.last_scan_ns;
	WRITE_ONCE(kw_scan_last, get_jiffies_64());
	mutex_unlock(&kw_region_lock);
	/* opens files: not under the lock the module notifier takes */
	kw_proc_check();
	/* takes the kernel's klp_mutex: not under our lock either */
	kw_livepatch_check();
}

static void kw_scan_fn(struct work_struct *work)
{
	if (READ_ONCE(kw_scan_stalled))
		return;
	kw_scan_pass();
	if (!READ_ONCE(kw_scan_stopping))
		queue_delayed_work(system_unbound_wq, &kw_scan_work,
				   msecs_to_jiffies(kw_interval_ms));
}

void kw_scan_now(void)
{
	kw_scan_pass();
}

u64 kw_scan_last_jiffies(void)
{
	return READ_ONCE(kw_scan_last);
}

/* Test only: the worker stops rescheduling itself, as if it were stuck */
void kw_scan_stall(void)
{
	WRITE_ONCE(kw_scan_stalled, true);
}

void kw_scan_stats(struct kw_stats *st)
{
	mutex_lock(&kw_region_lock);
	*st = kw_stats;
	mutex_unlock(&kw_region_lock);
}

void kw_scan_init(void)
{
	if (kw_interval_ms < 100)
		kw_interval_ms = 100;
	WRITE_ONCE(kw_scan_last, get_jiffies_64());
	INIT_DELAYED_WORK(&kw_scan_work, kw_scan_fn);
	queue_delayed_work(system_unbound_wq, &kw_scan_work,
			   msecs_to_jiffies(kw_interval_ms));
}

void kw_scan_exit(void)
{
	WRITE_ONCE(kw_scan_stopping, true);
	cancel_delayed_work_sync(&kw_scan_work);
}
