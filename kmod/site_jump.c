// SPDX-License-Identifier: GPL-2.0
/*
 * kwarden - jump label sites, from the kernel's jump_entry tables
 *
 * Each jump_entry names a 2- or 5-byte site (its code) and the target of
 * the jump the site holds when its branch is taken.  A site may hold only
 * the NOP of its size or a jmp of its size to exactly that target.  The
 * core table (__start___jump_table..__stop___jump_table) is sorted by key,
 * not by address, and has tens of thousands of entries: an index of them
 * sorted by address is built once at load for binary search.  A module's
 * table (mod->jump_entries) is small and walked, bounded, while the
 * module is alive (the scanner holds kw_region_lock, which the module
 * notifier takes before the module's region goes).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jump_label.h>
#include <linux/module.h>
#include <linux/sort.h>
#include <linux/vmalloc.h>

#include "kwarden.h"

#define KW_JUMP_MAX	(1U << 20)	/* core entries indexed, a bound */
#define KW_JUMP_MOD_MAX	(1U << 16)	/* module entries walked, a bound */
#define KW_JUMP_LONG	5

static const u8 kw_nop2[2] = { 0x66, 0x90 };
static const u8 kw_nop5[5] = { 0x0f, 0x1f, 0x44, 0x00, 0x00 };

static struct jump_entry *kw_jtab;
static u32 *kw_jidx;		/* kw_jtab positions, by code address */
static u32 kw_njump;

static unsigned long kw_jcode(u32 i)
{
	return jump_entry_code(&kw_jtab[kw_jidx[i]]);
}

static int kw_jcmp(const void *a, const void *b)
{
	unsigned long x = jump_entry_code(&kw_jtab[*(const u32 *)a]);
	unsigned long y = jump_entry_code(&kw_jtab[*(const u32 *)b]);

	return x < y ? -1 : x > y;
}

/* The site's size, from its baseline: x86 has 2- and 5-byte sites */
static size_t kw_jump_size(const u8 *old)
{
	return old[0] == 0xeb || !memcmp(old, kw_nop2, 2) ? 2 : KW_JUMP_LONG;
}

/* Whether @e's site covers @addr and holds a form it allows */
static bool kw_jump_entry_ok(const struct kw_region *r,
			     const struct jump_entry *e, unsigned long addr)
{
	unsigned long code = jump_entry_code(e), to = jump_entry_target(e);
	u8 old[KW_JUMP_LONG], cur[KW_JUMP_LONG];
	size_t len;
	s32 rel;

	if (addr < code || addr >= code + KW_JUMP_LONG ||
	    !kw_site_old(r, code, old, 2))
		return false;
	len = kw_jump_size(old);
	if (addr >= code + len || !kw_site_old(r, code, old, len) ||
	    !kw_site_read(code, cur, len))
		return false;
	if (kw_site_same(r, cur, old, len))
		return true;
	if (len == 2)
		return !memcmp(cur, kw_nop2, 2) ||
		       (cur[0] == 0xeb && code + 2 + (s8)cur[1] == to);
	memcpy(&rel, cur + 1, sizeof(rel));
	return !memcmp(cur, kw_nop5, 5) ||
	       (cur[0] == 0xe9 && code + 5 + (long)rel == to);
}

/* The first core entry whose site starts at or after @addr */
static u32 kw_jump_lower(unsigned long addr)
{
	u32 lo = 0, hi = kw_njump;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (kw_jcode(mid) < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The core entry whose site starts at or before @addr, closest to it */
static const struct jump_entry *kw_jump_core(unsigned long addr)
{
	u32 i = kw_jump_lower(addr + 1);

	return i ? &kw_jtab[kw_jidx[i - 1]] : NULL;
}

static bool kw_jump_mod_ok(const struct kw_region *r, unsigned long addr)
{
	const struct module *mod = r->mod;
	unsigned int i, n = min(mod->num_jump_entries, KW_JUMP_MOD_MAX);

	for (i = 0; i < n; i++)
		if (kw_jump_entry_ok(r, &mod->jump_entries[i], addr))
			return true;
	return false;
}

/* Whether the jump label site that covers @addr allows its bytes */
bool kw_jump_ok(const struct kw_region *r, unsigned long addr)
{
	const struct jump_entry *e;

	if (r->mod)
		return kw_jump_mod_ok(r, addr);
	e = kw_jump_core(addr);
	return e && kw_jump_entry_ok(r, e, addr);
}

/* A site's size, from its current bytes (an INT3 while patched: 5) */
static void kw_jump_span(unsigned long code, unsigned long start,
			 unsigned long end, struct kw_spans *sp)
{
	u8 cur[2];
	size_t len;

	if (!kw_site_read(code, cur, sizeof(cur)))
		return;
	len = kw_jump_size(cur);
	if (code + len > start && code < end)
		kw_span_add(sp, code, len, false);
}

/* The jump label sites of @r that overlap [@start, @end) */
void kw_jump_spans(const struct kw_region *r, unsigned long start,
		   unsigned long end, struct kw_spans *sp)
{
	const struct module *mod = r->mod;
	unsigned int i, n;

	if (mod) {
		n = min(mod->num_jump_entries, KW_JUMP_MOD_MAX);
		for (i = 0; i < n; i++)
			kw_jump_span(jump_entry_code(&mod->jump_entries[i]),
				     start, end, sp);
		return;
	}
	for (i = kw_jump_lower(start - (KW_JUMP_LONG - 1));
	     i < kw_njump && kw_jcode(i) < end; i++)
		kw_jump_span(kw_jcode(i), start, end, sp);
}

u64 kw_jump_bytes(void)
{
	return (u64)kw_njump * sizeof(*kw_jidx);
}

u32 kw_jump_core_count(void)
{
	return kw_njump;
}

int kw_jump_init(void)
{
	unsigned long start = kw_lookup_name("__start___jump_table");
	unsigned long stop = kw_lookup_name("__stop___jump_table");
	u32 i, n;

	if (!start || stop < start) {
		pr_err("the kernel's jump label table is unknown\n");
		return -ENOENT;
	}
	n = (stop - start) / sizeof(struct jump_entry);
	if (n > KW_JUMP_MAX) {
		pr_err("%u jump labels, more than %u\n", n,
		       KW_JUMP_MAX);
		return -E2BIG;
	}
	kw_jtab = (struct jump_entry *)start;
	kw_jidx = vmalloc(array_size(n, sizeof(*kw_jidx)));
	if (!kw_jidx)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		kw_jidx[i] = i;
	sort(kw_jidx, n, sizeof(*kw_jidx), kw_jcmp, NULL);
	kw_njump = n;
	return 0;
}

void kw_jump_exit(void)
{
	vfree(kw_jidx);
	kw_jidx = NULL;
	kw_njump = 0;
}
