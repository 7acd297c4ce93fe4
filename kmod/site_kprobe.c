// SPDX-License-Identifier: GPL-2.0
/*
 * kwarden - kprobe sites, from the kernel's kprobe_table
 *
 * A registered kprobe may leave an INT3 on the first byte of its address.
 * An optimized kprobe (an aggregate probe allocated as struct
 * optimized_kprobe) may instead leave a 5-byte jmp into its own slot,
 * op->optinsn.insn, and an INT3 followed by that jmp's displacement while
 * it is being optimized.  get_kprobe() is re-implemented here (a lookup
 * in the 64 buckets of kprobe_table, hashed by address, under RCU): the
 * kernel's may be sealed under IBT.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hash.h>
#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/rculist.h>

#include "kwarden.h"

#define KW_KP_BITS	6	/* KPROBE_HASH_BITS */
#define KW_KP_CHAIN_MAX	4096	/* probes walked in one bucket, a bound */
#define KW_OPT_LEN	5	/* an optprobe's jmp rel32 */

static struct hlist_head *kw_kp_table;
static unsigned long kw_kp_aggr;	/* aggr_pre_handler */

/* The kprobe registered at @addr; under rcu_read_lock() */
static struct kprobe *kw_get_kprobe(unsigned long addr)
{
	struct hlist_head *head;
	struct kprobe *p;
	unsigned int n = 0;

	head = &kw_kp_table[hash_ptr((void *)addr, KW_KP_BITS)];
	hlist_for_each_entry_rcu(p, head, hlist) {
		if ((unsigned long)p->addr == addr)
			return p;
		if (++n >= KW_KP_CHAIN_MAX)
			break;
	}
	return NULL;
}

/* The slot an optimized probe jumps to, or 0 */
static unsigned long kw_kprobe_slot(struct kprobe *p)
{
#ifdef CONFIG_OPTPROBES
	struct optimized_kprobe *op;

	if ((unsigned long)READ_ONCE(p->pre_handler) != kw_kp_aggr)
		return 0;
	op = container_of(p, struct optimized_kprobe, kp);
	return (unsigned long)READ_ONCE(op->optinsn.insn);
#else
	return 0;
#endif
}

/* Byte @addr - @at of the probe at @at: an INT3, or its jmp to its slot */
static bool kw_kprobe_at_ok(struct kprobe *p, unsigned long at,
			    unsigned long addr)
{
	unsigned long slot = kw_kprobe_slot(p);
	u8 cur[KW_OPT_LEN];
	s32 rel;

	if (!kw_site_read(at, cur, sizeof(cur)))
		return false;
	if (addr == at && cur[0] == 0xcc)
		return true;
	memcpy(&rel, cur + 1, sizeof(rel));
	return slot && (cur[0] == 0xe9 || cur[0] == 0xcc) &&
	       at + KW_OPT_LEN + (long)rel == slot;
}

/* Whether a registered kprobe explains the byte at @addr */
bool kw_kprobe_ok(unsigned long addr)
{
	struct kprobe *p;
	unsigned long at;
	bool ok = false;

	if (!kw_kp_table)
		return false;
	rcu_read_lock();
	for (at = addr - (KW_OPT_LEN - 1); at <= addr && !ok; at++) {
		p = kw_get_kprobe(at);
		ok = p && kw_kprobe_at_ok(p, at, addr);
	}
	rcu_read_unlock();
	return ok;
}

void kw_kprobe_site_init(void)
{
	char buf[KSYM_SYMBOL_LEN];
	unsigned long size = 0;
	char *s;

	kw_kp_table = (void *)kw_lookup_name("kprobe_table");
	kw_kp_aggr = kw_lookup_name("aggr_pre_handler");
	if (kw_kp_table) {
		sprint_symbol(buf, (unsigned long)kw_kp_table);
		s = strstr(buf, "+0x0/");
		if (!s || kstrtoul(s + strlen("+0x0/"), 0, &size))
			size = 0;
	}
	/* KPROBE_TABLE_SIZE is private: kallsyms must agree on 64 buckets */
	if (size < (1U << KW_KP_BITS) * sizeof(struct hlist_head)) {
		pr_warn("kprobe table unknown: kprobes' INT3s will alert\n");
		kw_kp_table = NULL;
	}
}
