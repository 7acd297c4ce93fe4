// SPDX-License-Identifier: GPL-2.0
/*
 * kwarden - static call sites and trampolines, from the kernel's tables
 *
 * A static call site (__start_static_call_sites..__stop_static_call_sites,
 * mod->static_call_sites) is a 5-byte call or tail jmp, or a 6-byte Jcc
 * for a conditional tail call.  It may hold a branch to its key's current
 * function (or to that function's call thunk in its padding), the NOP of
 * a NULL call, the "xor %eax,%eax" of __static_call_return0, a return, or
 * a branch to the return thunk when the key is NULL.  The core table is
 * sorted by key: an index sorted by address is built once at load.  A
 * module's table is walked, bounded.
 *
 * A trampoline is 5 bytes (jmp or ret) followed by the kernel's 3-byte
 * signature "ud1 %esp,%ecx" (0f b9 cc); in the core kernel trampolines
 * lie in __static_call_text_start..__static_call_text_end.  No table maps
 * a trampoline to its key, but their names do: the trampoline __SCT__x
 * belongs to the key __SCK__x (in a module, "mod:__SCK__x").  So a
 * trampoline may hold a return, or a jmp to its key's function.  Only when
 * that key cannot be named (a name too long) is a jmp into any code taken,
 * and counted (see docs/integrity.md).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kallsyms.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sort.h>
#include <linux/static_call.h>
#include <linux/vmalloc.h>

#include "kwarden.h"

#define KW_SCALL_MAX	(1U << 20)	/* core sites indexed, a bound */
#define KW_SCALL_MOD_MAX (1U << 16)	/* module sites walked, a bound */
#define KW_SCALL_LEN	5
#define KW_SCALL_JCC	6
#define KW_THUNK_PAD	16	/* call thunks sit in a function's padding */
#define KW_SCALL_FLAGS	3UL	/* STATIC_CALL_SITE_TAIL | _INIT */
#define KW_SCT		"__SCT__"	/* a trampoline's name, then the call's */
#define KW_SCK		"__SCK__"	/* its key's */

static const u8 kw_nop5[5] = { 0x0f, 0x1f, 0x44, 0x00, 0x00 };
static const u8 kw_xor5rax[5] = { 0x2e, 0x2e, 0x2e, 0x31, 0xc0 };
static const u8 kw_retinsn[5] = { 0xc3, 0xcc, 0xcc, 0xcc, 0xcc };
static const u8 kw_tramp_ud[3] = { 0x0f, 0xb9, 0xcc };

static struct static_call_site *kw_stab;
static u32 *kw_sidx;		/* kw_stab positions, by site address */
static u32 kw_nscall;
static unsigned long kw_tramp_start, kw_tramp_end, kw_stext, kw_etext;

static unsigned long kw_site_addr(const struct static_call_site *s)
{
	return (unsigned long)&s->addr + s->addr;
}

static struct static_call_key *kw_site_key(const struct static_call_site *s)
{
	return (void *)(((unsigned long)&s->key + s->key) & ~KW_SCALL_FLAGS);
}

static int kw_scmp(const void *a, const void *b)
{
	unsigned long x = kw_site_addr(&kw_stab[*(const u32 *)a]);
	unsigned long y = kw_site_addr(&kw_stab[*(const u32 *)b]);

	return x < y ? -1 : x > y;
}

/* A branch from a site to @dest, for a key whose function is @func */
static bool kw_scall_dest_ok(unsigned long dest, unsigned long func)
{
	if (!func)	/* a return: the return thunk or __static_call_return */
		return dest >= kw_stext && dest < kw_etext;
	return dest <= func && func - dest <= KW_THUNK_PAD;
}

static bool kw_scall_site_ok(const struct kw_region *r,
			     const struct static_call_site *s,
			     unsigned long addr)
{
	unsigned long site = kw_site_addr(s);
	u8 old[KW_SCALL_JCC], cur[KW_SCALL_JCC];
	unsigned long func;
	size_t len = KW_SCALL_LEN;
	s32 rel;

	if (addr < site || addr >= site + KW_SCALL_JCC ||
	    !kw_site_old(r, site, old, 2))
		return false;
	if (old[0] == 0x0f && (old[1] & 0xf0) == 0x80)
		len = KW_SCALL_JCC;
	if (addr >= site + len || !kw_site_old(r, site, old, len) ||
	    !kw_site_read(site, cur, len))
		return false;
	if (kw_site_same(r, cur, old, len))
		return true;
	func = (unsigned long)READ_ONCE(kw_site_key(s)->func);
	if (len == KW_SCALL_JCC) {
		memcpy(&rel, cur + 2, sizeof(rel));
		return cur[0] == 0x0f && cur[1] == old[1] &&
		       kw_scall_dest_ok(site + len + (long)rel, func);
	}
	if (!memcmp(cur, kw_nop5, 5) || !memcmp(cur, kw_xor5rax, 5) ||
	    !memcmp(cur, kw_retinsn, 5))
		return true;
	memcpy(&rel, cur + 1, sizeof(rel));
	return (cur[0] == 0xe8 || cur[0] == 0xe9) &&
	       kw_scall_dest_ok(site + len + (long)rel, func);
}

/* The first core site at or after @addr */
static u32 kw_scall_lower(unsigned long addr)
{
	u32 lo = 0, hi = kw_nscall;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (kw_site_addr(&kw_stab[kw_sidx[mid]]) < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The core site that starts at or before @addr, closest to it */
static const struct static_call_site *kw_scall_core(unsigned long addr)
{
	u32 i = kw_scall_lower(addr + 1);

	return i ? &kw_stab[kw_sidx[i - 1]] : NULL;
}

static bool kw_scall_mod_ok(const struct kw_region *r, unsigned long addr)
{
#ifdef CONFIG_HAVE_STATIC_CALL_INLINE
	const struct module *mod = r->mod;
	unsigned int i, n;

	n = min_t(unsigned int, max(mod->num_static_call_sites, 0),
		  KW_SCALL_MOD_MAX);
	for (i = 0; i < n; i++)
		if (kw_scall_site_ok(r, &mod->static_call_sites[i], addr))
			return true;
#endif
	return false;
}

/* trampoline jmps checked without a key: read-only, for tests */
static unsigned long kw_tramp_unkeyed;
module_param_named(tramp_unkeyed, kw_tramp_unkeyed, ulong, 0444);
MODULE_PARM_DESC(tramp_unkeyed, "Static call trampoline jmps checked without their key (any code taken)");

/*
 * The key of the trampoline at @t, by name: @t must be the start of a
 * symbol __SCT__x (of the core kernel, or of module m), whose key is
 * __SCK__x (m:__SCK__x).  NULL if it has no such name, -ENOENT if the key
 * cannot be found.
 */
static struct static_call_key *kw_tramp_key(unsigned long t)
{
	char sym[KSYM_SYMBOL_LEN], key[KSYM_SYMBOL_LEN + 8];
	char *off, *mod, *end;
	unsigned long k;

	sprint_symbol(sym, t);
	off = strstr(sym, "+0x0/");
	if (!off || strncmp(sym, KW_SCT, strlen(KW_SCT)))
		return NULL;
	*off = '\0';
	mod = strstr(off + 1, " [");
	end = mod ? strchr(mod, ']') : NULL;
	if (end) {
		*end = '\0';
		snprintf(key, sizeof(key), "%s:" KW_SCK "%s", mod + 2,
			 sym + strlen(KW_SCT));
	} else {
		snprintf(key, sizeof(key), KW_SCK "%s", sym + strlen(KW_SCT));
	}
	k = kw_lookup_name(key);
	return k ? (void *)k : ERR_PTR(-ENOENT);
}

/* The jmp of trampoline @t to @dest: to its key's function */
static bool kw_tramp_dest_ok(unsigned long t, unsigned long dest)
{
	struct static_call_key *key = kw_tramp_key(t);

	if (IS_ERR_OR_NULL(key)) {
		kw_tramp_unkeyed++;
		return kw_site_code(dest);
	}
	return kw_scall_dest_ok(dest, (unsigned long)READ_ONCE(key->func));
}

/* A trampoline that starts at @t: its signature is in the baseline */
static bool kw_tramp_ok(const struct kw_region *r, unsigned long t)
{
	u8 old[KW_SCALL_LEN + 3], cur[KW_SCALL_LEN];
	s32 rel;

	if (!r->mod && (t < kw_tramp_start || t + sizeof(old) > kw_tramp_end))
		return false;
	if (!kw_site_old(r, t, old, sizeof(old)) ||
	    memcmp(old + KW_SCALL_LEN, kw_tramp_ud, 3) ||
	    !kw_site_read(t, cur, sizeof(cur)))
		return false;
	if (kw_site_same(r, cur, old, sizeof(cur)) ||
	    !memcmp(cur, kw_retinsn, 5))
		return true;
	memcpy(&rel, cur + 1, sizeof(rel));
	return cur[0] == 0xe9 &&
	       kw_tramp_dest_ok(t, t + KW_SCALL_LEN + (long)rel);
}

/* Whether a static call site or trampoline covers @addr and allows it */
bool kw_scall_ok(const struct kw_region *r, unsigned long addr)
{
	const struct static_call_site *s;
	unsigned long t;

	for (t = addr - (KW_SCALL_LEN - 1); t <= addr; t++)
		if (kw_tramp_ok(r, t))
			return true;
	if (r->mod)
		return kw_scall_mod_ok(r, addr);
	s = kw_scall_core(addr);
	return s && kw_scall_site_ok(r, s, addr);
}

/* A site's size, from its current bytes: a Jcc is 6 */
static void kw_scall_span(unsigned long site, unsigned long start,
			  unsigned long end, struct kw_spans *sp)
{
	u8 cur[2];
	size_t len = KW_SCALL_LEN;

	if (!kw_site_read(site, cur, sizeof(cur)))
		return;
	if (cur[0] == 0x0f && (cur[1] & 0xf0) == 0x80)
		len = KW_SCALL_JCC;
	if (site + len > start && site < end)
		kw_span_add(sp, site, len, false);
}

static void kw_scall_site_spans(const struct kw_region *r,
				unsigned long start, unsigned long end,
				struct kw_spans *sp)
{
	u32 i;
#ifdef CONFIG_HAVE_STATIC_CALL_INLINE
	const struct module *mod = r->mod;
	unsigned int n;

	if (mod) {
		n = min_t(unsigned int, max(mod->num_static_call_sites, 0),
			  KW_SCALL_MOD_MAX);
		for (i = 0; i < n; i++)
			kw_scall_span(kw_site_addr(&mod->static_call_sites[i]),
				      start, end, sp);
		return;
	}
#endif
	if (r->mod)
		return;
	for (i = kw_scall_lower(start - (KW_SCALL_JCC - 1)); i < kw_nscall; i++) {
		unsigned long site = kw_site_addr(&kw_stab[kw_sidx[i]]);

		if (site >= end)
			break;
		kw_scall_span(site, start, end, sp);
	}
}

/*
 * The static call sites and trampolines of @r that overlap [@start, @end).
 * A trampoline is found by its signature, which is not masked: a changed
 * signature changes the digest.  In the core kernel only the trampolines'
 * section is searched.
 */
void kw_scall_spans(const struct kw_region *r, unsigned long start,
		    unsigned long end, struct kw_spans *sp)
{
	unsigned long t = start - (KW_SCALL_LEN - 1), stop = end;
	const u8 *sig;

	kw_scall_site_spans(r, start, end, sp);
	if (!r->mod) {
		t = max(t, kw_tramp_start);
		stop = min(stop, kw_tramp_end);
	}
	t = max(t, r->start);
	stop = min(stop, r->end - (KW_SCALL_LEN + sizeof(kw_tramp_ud)) + 1);
	for (; t < stop; t++) {
		/* the region is mapped: it is hashed the same way */
		sig = (const u8 *)t + KW_SCALL_LEN;
		if (sig[0] == kw_tramp_ud[0] && sig[1] == kw_tramp_ud[1] &&
		    sig[2] == kw_tramp_ud[2])
			kw_span_add(sp, t, KW_SCALL_LEN, false);
	}
}

u64 kw_scall_bytes(void)
{
	return (u64)kw_nscall * sizeof(*kw_sidx);
}

int kw_scall_init(void)
{
	unsigned long start = kw_lookup_name("__start_static_call_sites");
	unsigned long stop = kw_lookup_name("__stop_static_call_sites");
	u32 i, n;

	kw_stext = kw_lookup_name("_stext");
	kw_etext = kw_lookup_name("_etext");
	kw_tramp_start = kw_lookup_name("__static_call_text_start");
	kw_tramp_end = kw_lookup_name("__static_call_text_end");
	if (!kw_tramp_start || kw_tramp_end < kw_tramp_start)
		pr_warn("static call trampolines unknown: their updates will alert\n");
	if (!IS_ENABLED(CONFIG_HAVE_STATIC_CALL_INLINE))
		return 0;
	if (!start || stop < start) {
		pr_err("the kernel's static call sites are unknown\n");
		return -ENOENT;
	}
	n = (stop - start) / sizeof(struct static_call_site);
	if (n > KW_SCALL_MAX)
		return -E2BIG;
	kw_stab = (struct static_call_site *)start;
	kw_sidx = vmalloc(array_size(max(n, 1U), sizeof(*kw_sidx)));
	if (!kw_sidx)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		kw_sidx[i] = i;
	sort(kw_sidx, n, sizeof(*kw_sidx), kw_scmp, NULL);
	kw_nscall = n;
	return 0;
}

void kw_scall_exit(void)
{
	vfree(kw_sidx);
	kw_sidx = NULL;
	kw_nscall = 0;
}
