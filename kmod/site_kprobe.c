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

/* Whether any kprobe is registered (digest.c skips the lookups if not) */
bool kw_kprobes_any(void)
{
	unsigned int i;

	for (i = 0; kw_kp_table && i < (1U << KW_KP_BITS); i++)
		if (!hlist_empty(&kw_kp_table[i]))
			return true;
	return false;
}

/*
 * The bytes a probe at @at saved: its first byte, and an optimized
 * probe's next four, when @cur (read at @at) holds its INT3 or its jmp.
 * Returns how many; under rcu_read_lock().
 */
static size_t kw_kprobe_saved(struct kprobe *p, unsigned long at,
			      const u8 *cur, u8 *orig)
{
#ifdef CONFIG_OPTPROBES
	unsigned long slot = kw_kprobe_slot(p);
	struct optimized_kprobe *op;
	s32 rel;

	memcpy(&rel, cur + 1, sizeof(rel));
	if (slot && (cur[0] == 0xe9 || cur[0] == 0xcc) &&
	    at + KW_OPT_LEN + (long)rel == slot) {
		op = container_of(p, struct optimized_kprobe, kp);
		orig[0] = p->opcode;
		memcpy(orig + 1, op->optinsn.copied_insn, KW_OPT_LEN - 1);
		return KW_OPT_LEN;
	}
#endif
	if (cur[0] != 0xcc)
		return 0;
	orig[0] = p->opcode;
	return 1;
}

/*
 * In @buf, a copy of [@start, @start + @len), put back the bytes that
 * registered kprobes saved where their INT3 or jmp now is.
 */
void kw_kprobe_norm(unsigned long start, u8 *buf, size_t len)
{
	unsigned long at, a;
	u8 cur[KW_OPT_LEN], orig[KW_OPT_LEN];
	struct kprobe *p;
	size_t n;

	if (!kw_kp_table)
		return;
	rcu_read_lock();
	for (at = start - (KW_OPT_LEN - 1); at < start + len; at++) {
		if (at >= start)
			cur[0] = buf[at - start];
		else if (!kw_site_read(at, cur, 1))
			continue;
		if (cur[0] != 0xcc && cur[0] != 0xe9)
			continue;
		p = kw_get_kprobe(at);
		if (!p || !kw_site_read(at, cur, sizeof(cur)))
			continue;
		n = kw_kprobe_saved(p, at, cur, orig);
		for (a = at; a < at + n; a++)
			if (a >= start && a < start + len)
				buf[a - start] = orig[a - at];
	}
	rcu_read_unlock();
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
