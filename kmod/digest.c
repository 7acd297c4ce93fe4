// SPDX-License-Identifier: GPL-2.0
/*
 * kwarden - block digests: detection without a copy of the watched bytes
 *
 * Without the golden copy (the default), a region keeps one keyed 32-bit
 * digest per 256-byte block instead of its bytes.  A block is digested in
 * a normal form that is the same at baseline and at every check:
 *
 *   - the bytes of each patch site the kernel keeps (site.c: ftrace's call
 *     sites, jump labels, static call sites and trampolines, ftrace's own
 *     callers) are zeroed.  A site's size is decoded from what it holds
 *     now, so a site that grew or shrank masks other bytes than at baseline
 *     and its block's digest no longer matches;
 *   - where a registered kprobe's INT3 (or an optimized probe's jmp) is,
 *     the bytes the kprobe saved are put back.
 *
 * A page whose hash changed is then checked block by block.  If every
 * digest matches, only patch sites changed, and each site of the page must
 * hold a form its table allows (site.c).  A block whose digest differs
 * changed outside any site: a violation.  Without the old bytes the place
 * reported is the branch (text) or pointer (data) in the block that leads
 * out of its owner's code, where a hook would be, or else the block's
 * start; nothing can be restored from a digest.
 *
 * Tables of slots (the system call tables, the IDT, the seq_operations
 * that hiding rootkits rewrite) are small: they keep a copy of their own,
 * are left out of the digests, and are compared with their copy byte by
 * byte, so a changed slot is named exactly and can be put back.  Another
 * named part (ro_after_init) that shares its first or last block with
 * other data has those parts digested apart, so that a change is given
 * the kind of the part it is in.
 *
 * A module's text written through the kernel's patching function while
 * the module is COMING (livepatch relocations, from its own init) is
 * taken, as with the golden copy.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/xxhash.h>
#include <asm/desc.h>

#include "kwarden.h"

#define KW_BRANCH	5	/* call or jmp rel32 */

static u32 kw_seed;

/*
 * One page's sites and one block's normal form.  Only the scanner and
 * the baseline use them, both under kw_region_lock.
 */
static struct kw_spans kw_sp;
static u8 kw_buf[KW_BLOCK];

void kw_digest_init(void)
{
	kw_seed = get_random_u32();
}

static unsigned int kw_nblocks(const struct kw_region *r)
{
	return DIV_ROUND_UP(r->end - r->start, KW_BLOCK);
}

u64 kw_digest_bytes(const struct kw_region *r)
{
	return r->digest ? (u64)kw_nblocks(r) * sizeof(*r->digest) : 0;
}

static unsigned long kw_block_start(const struct kw_region *r, unsigned int b)
{
	return r->start + (unsigned long)b * KW_BLOCK;
}

static size_t kw_block_len(const struct kw_region *r, unsigned int b)
{
	return min_t(unsigned long, KW_BLOCK, r->end - kw_block_start(r, b));
}

static void kw_page_spans(const struct kw_region *r, unsigned int pg)
{
	unsigned long start = r->start + pg * KW_PAGE_SIZE;

	kw_site_spans(r, start, start + kw_page_len(r, pg), &kw_sp);
	if (kw_sp.overflow)
		pr_warn_once("more than %zu patch sites in a page\n",
			     ARRAY_SIZE(kw_sp.s));
}

static void kw_bad(struct kw_page_check *c, unsigned long at, int caller,
		   u64 sig)
{
	if (!c->first) {
		c->first = at;
		c->caller = caller;
	}
	c->sig = c->sig * 31 + sig + 1;
	c->runs.overflow = true;	/* nothing to restore from */
}

/*
 * Zero what @r's tables hold in the block: all of a table with a copy of
 * its own, the part of any other that shares the block (kw_edge_check).
 */
static void kw_mask_tables(const struct kw_region *r, unsigned long bs,
			   size_t len)
{
	const struct kw_table *t;
	unsigned long from, to;
	unsigned int i;

	for (i = 0; i < r->ntables; i++) {
		t = &r->tables[i];
		from = max(t->start, bs);
		to = min(t->end, bs + len);
		if (from < to && (t->golden || bs < t->start ||
				  bs + len > t->end))
			memset(kw_buf + (from - bs), 0, to - from);
	}
}

/*
 * Part @e (0: head, 1: tail) of table @t that shares a block with bytes
 * outside it: [*from, *to), or false if there is none.
 */
static bool kw_edge(const struct kw_region *r, const struct kw_table *t,
		    int e, unsigned long *from, unsigned long *to)
{
	unsigned long a = e ? t->end - 1 : t->start;
	unsigned int b = (a - r->start) / KW_BLOCK;
	unsigned long bs = kw_block_start(r, b), be = bs + kw_block_len(r, b);

	if (t->golden || (bs >= t->start && be <= t->end))
		return false;
	*from = max(bs, t->start);
	*to = min(be, t->end);
	/* a table inside one block: its one part is the head */
	return !e || (a - r->start) / KW_BLOCK != (t->start - r->start) / KW_BLOCK;
}

static u32 kw_edge_digest(unsigned long from, unsigned long to)
{
	return xxh32((void *)from, to - from, kw_seed);
}

static void kw_edge_baseline(struct kw_region *r)
{
	unsigned long from, to;
	unsigned int i;
	int e;

	for (i = 0; i < r->ntables; i++)
		for (e = 0; e < 2; e++)
			if (kw_edge(r, &r->tables[i], e, &from, &to))
				r->tables[i].edge[e] = kw_edge_digest(from, to);
}

/* The parts of tables that share blocks, if they start in [@ps, @pe) */
static void kw_edge_check(const struct kw_region *r, unsigned long ps,
			  unsigned long pe, struct kw_page_check *c)
{
	const struct kw_table *t;
	unsigned long from, to;
	unsigned int i;
	u32 d;
	int e;

	for (i = 0; i < r->ntables; i++) {
		t = &r->tables[i];
		for (e = 0; e < 2; e++) {
			if (!kw_edge(r, t, e, &from, &to) || from < ps ||
			    from >= pe)
				continue;
			d = kw_edge_digest(from, to);
			if (d != t->edge[e])
				kw_bad(c, from, -1, ((u64)from << 8) ^ d);
		}
	}
}

/* The digest of block @b of @r in its normal form (its sites in kw_sp) */
static u32 kw_block_digest(const struct kw_region *r, unsigned int b,
			   bool kprobes)
{
	unsigned long bs = kw_block_start(r, b), from, to;
	size_t len = kw_block_len(r, b);
	unsigned int i;

	memcpy(kw_buf, (void *)bs, len);
	if (kprobes)
		kw_kprobe_norm(bs, kw_buf, len);
	for (i = 0; i < kw_sp.n; i++) {
		from = max(kw_sp.s[i].addr, bs);
		to = min(kw_sp.s[i].addr + kw_sp.s[i].len, bs + len);
		if (from < to)
			memset(kw_buf + (from - bs), 0, to - from);
	}
	kw_mask_tables(r, bs, len);
	return xxh32(kw_buf, len, kw_seed);
}

/* The table bytes of [@start, @end) that differ from their copies */
static void kw_check_tables(const struct kw_region *r, unsigned long start,
			    unsigned long end, struct kw_page_check *c)
{
	const struct kw_table *t;
	unsigned long a;
	unsigned int i;
	u8 v;

	for (i = 0; i < r->ntables; i++) {
		t = &r->tables[i];
		if (!t->golden)
			continue;
		for (a = max(t->start, start); a < min(t->end, end); a++) {
			v = READ_ONCE(*(u8 *)a);
			if (v != t->golden[a - t->start])
				kw_unexplained(c, a, v);
		}
	}
}

/*
 * The old bytes of the window at @addr, if it lies in a table with a copy
 * (bytes past the table's end: as they are now).
 */
bool kw_digest_old(const struct kw_region *r, unsigned long addr, u8 *old)
{
	const struct kw_table *t = kw_region_table(r, addr);
	size_t n;

	if (!t || !t->golden)
		return false;
	n = min_t(unsigned long, KW_BYTES_LEN, t->end - addr);
	memcpy(old, (void *)addr, KW_BYTES_LEN);
	memcpy(old, t->golden + (addr - t->start), n);
	return true;
}

/* The blocks of page @pg: [*first, *last) */
static void kw_page_blocks(const struct kw_region *r, unsigned int pg,
			   unsigned int *first, unsigned int *last)
{
	*first = pg * KW_PAGE_BLOCKS;
	*last = min(kw_nblocks(r), *first + KW_PAGE_BLOCKS);
}

int kw_digest_baseline(struct kw_region *r)
{
	bool kprobes = r->text && kw_kprobes_any();
	unsigned int pg, b, last;

	r->digest = kvmalloc_array(kw_nblocks(r), sizeof(*r->digest),
				   GFP_KERNEL);
	if (!r->digest)
		return -ENOMEM;
	for (pg = 0; pg < r->npages; pg++) {
		kw_page_spans(r, pg);
		kw_page_blocks(r, pg, &b, &last);
		for (; b < last; b++)
			r->digest[b] = kw_block_digest(r, b, kprobes);
		cond_resched();
	}
	kw_edge_baseline(r);
	return 0;
}

static bool kw_in_span(unsigned long a)
{
	unsigned int i;

	for (i = 0; i < kw_sp.n; i++)
		if (a >= kw_sp.s[i].addr && a < kw_sp.s[i].addr + kw_sp.s[i].len)
			return true;
	return false;
}

/* Whether @t is code outside @r's owner: where a hook would lead */
static bool kw_foreign(const struct kw_region *r, unsigned long t)
{
	struct module *m;

	if (t >= r->start && t < r->end)
		return false;
	preempt_disable();
	m = kw_module_text_at(t);
	preempt_enable();
	if (m)
		return m != r->mod;
	return !r->mod && (kw_bpf_text(t) || kw_ftrace_tramp(t));
}

/*
 * Where in the changed block [@bs, @bs + @len) to report: a branch (text),
 * gate (IDT) or pointer (data) that leads out of the owner's code, or the
 * block's start.
 */
static unsigned long kw_locate(const struct kw_region *r, unsigned long bs,
			       size_t len)
{
	const u8 *p = (const u8 *)bs;
	unsigned long v;
	size_t i;
	s32 rel;

	if (r->kind == KW_KIND_idt_modified) {
		for (i = 0; i + sizeof(gate_desc) <= len; i += sizeof(gate_desc))
			if (kw_foreign(r, gate_offset((gate_desc *)(p + i))))
				return bs + i;
	} else if (r->text) {
		for (i = 0; i < len && bs + i + KW_BRANCH <= r->end; i++) {
			if ((p[i] != 0xe8 && p[i] != 0xe9) || kw_in_span(bs + i))
				continue;
			memcpy(&rel, p + i + 1, sizeof(rel));
			if (kw_foreign(r, bs + i + KW_BRANCH + (long)rel))
				return bs + i;
		}
	} else {
		for (i = ALIGN(bs, 8) - bs; i + sizeof(v) <= len; i += 8) {
			memcpy(&v, p + i, sizeof(v));
			if (kw_foreign(r, v))
				return bs + i;
		}
	}
	return bs;
}

/* Every site of the page must hold a form its table allows */
static void kw_verify_spans(struct kw_region *r, struct kw_page_check *c)
{
	enum kw_site_verdict v;
	unsigned long a;
	unsigned int i;

	for (i = 0; i < kw_sp.n; i++) {
		a = kw_sp.s[i].addr;
		if (a < r->start || a + kw_sp.s[i].len > r->end)
			continue;
		v = kw_sp.s[i].ftrace ? kw_ftrace_site_check(a, NULL) :
					kw_site_check(r, a, false);
		if (v == KW_SITE_BUSY)
			c->busy = true;
		else if (v == KW_SITE_BAD)
			kw_bad(c, a, kw_poke_in(a, kw_sp.s[i].len, 0),
			       a * 257 + READ_ONCE(*(u8 *)a));
	}
}

/*
 * Check page @pg of @r, whose hash changed, against its digests: the
 * verdict in @c, as scan.c's byte-by-byte check with a golden copy gives.
 */
void kw_digest_check_page(struct kw_region *r, unsigned int pg,
			  struct kw_page_check *c)
{
	bool kprobes = r->text && kw_kprobes_any();
	bool coming = r->text && r->mod &&
		      r->mod->state == MODULE_STATE_COMING;
	unsigned int b, last;
	unsigned long bs;
	u32 d;

	memset(c, 0, sizeof(*c));
	c->caller = -1;
	bs = r->start + pg * KW_PAGE_SIZE;
	kw_check_tables(r, bs, bs + kw_page_len(r, pg), c);
	kw_edge_check(r, bs, bs + kw_page_len(r, pg), c);
	kw_page_spans(r, pg);
	kw_page_blocks(r, pg, &b, &last);
	for (; b < last; b++) {
		d = kw_block_digest(r, b, kprobes);
		if (d == r->digest[b])
			continue;
		bs = kw_block_start(r, b);
		if (coming &&
		    kw_poke_in(bs, kw_block_len(r, b), KW_POKE_COMING) >= 0) {
			r->digest[b] = d;
			continue;
		}
		kw_bad(c, kw_locate(r, bs, kw_block_len(r, b)),
		       kw_poke_in(bs, kw_block_len(r, b), 0),
		       ((u64)b << 32) | d);
	}
	if (c->first && r->text && kw_site_locked()) {
		/* a site mid-patch (an INT3 first) masks other bytes */
		memset(c, 0, sizeof(*c));
		c->caller = -1;
		c->busy = true;
		return;
	}
	if (!c->first)
		kw_verify_spans(r, c);
}
