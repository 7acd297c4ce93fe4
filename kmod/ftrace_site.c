// SPDX-License-Identifier: GPL-2.0
/*
 * kwarden - verification of ftrace call sites
 *
 * Turning the function tracer on patches tens of thousands of 5-byte
 * __fentry__ sites at once, too many to record one by one.  A site is
 * instead checked for what ftrace may legitimately leave there: its
 * baseline bytes, the 5-byte NOP, or a CALL into ftrace's own entry code,
 * an ftrace ops trampoline or a BPF trampoline.
 */
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "kwarden.h"

#define KW_SITE_LEN	KW_FTRACE_SITE_LEN

static const u8 kw_nop5[KW_SITE_LEN] = { 0x0f, 0x1f, 0x44, 0x00, 0x00 };

static unsigned long kw_ftrace_caller, kw_ftrace_regs_caller;
static struct mutex *kw_text_mutex, *kw_ftrace_lock;

void kw_ftrace_site_init(void)
{
	kw_ftrace_caller = kw_lookup_name("ftrace_caller");
	kw_ftrace_regs_caller = kw_lookup_name("ftrace_regs_caller");
	kw_text_mutex = (struct mutex *)kw_lookup_name("text_mutex");
	kw_ftrace_lock = (struct mutex *)kw_lookup_name("ftrace_lock");
}

/* Start of the ftrace site that covers @addr, or 0. */
unsigned long kw_ftrace_site(unsigned long addr)
{
	return kw_ftrace_location(addr);
}

static bool kw_ftrace_target_ok(unsigned long t)
{
	return t == kw_ftrace_caller || t == kw_ftrace_regs_caller ||
	       kw_ftrace_tramp(t) || kw_bpf_text(t);
}

static bool kw_ftrace_bytes_ok(unsigned long site, const u8 *cur,
			       const u8 *old)
{
	s32 rel;

	if ((old && !memcmp(cur, old, KW_SITE_LEN)) ||
	    !memcmp(cur, kw_nop5, KW_SITE_LEN))
		return true;
	if (cur[0] != 0xe8)
		return false;
	memcpy(&rel, cur + 1, sizeof(rel));
	return kw_ftrace_target_ok(site + KW_SITE_LEN + rel);
}

/*
 * Verdict on ftrace site @site, whose baseline bytes are @old (NULL:
 * unknown, without a golden copy).
 *
 * ftrace patches all its sites under text_mutex, and while it shuts an ops
 * down the ops has already left the list that is_ftrace_trampoline() reads
 * although sites still call its trampoline.  unregister_ftrace_function()
 * does all of that, from taking the ops off the list to freeing its
 * trampoline, under ftrace_lock, and takes text_mutex only for the
 * patching in between.  So while either is held, a site that cannot be
 * verified yet (an INT3, or a call to a trampoline on its way out) is
 * "busy" and checked again on the next pass.  When both are free, the
 * site is read again and must verify.  (The tables are read in addr.c:
 * the kernel's own helpers for them may be sealed under IBT.)
 */
enum kw_site_verdict kw_ftrace_site_check(unsigned long site, const u8 *old)
{
	u8 cur[KW_SITE_LEN];

	if (copy_from_kernel_nofault(cur, (void *)site, sizeof(cur)))
		return KW_SITE_BAD;
	if (kw_ftrace_bytes_ok(site, cur, old))
		return KW_SITE_OK;
	if ((kw_text_mutex && mutex_is_locked(kw_text_mutex)) ||
	    (kw_ftrace_lock && mutex_is_locked(kw_ftrace_lock)))
		return KW_SITE_BUSY;
	if (copy_from_kernel_nofault(cur, (void *)site, sizeof(cur)))
		return KW_SITE_BAD;
	return kw_ftrace_bytes_ok(site, cur, old) ? KW_SITE_OK : KW_SITE_BAD;
}
