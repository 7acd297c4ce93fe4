// SPDX-License-Identifier: GPL-2.0
/*
 * kwarden - the patch sites the kernel keeps, and what each may hold
 *
 * A recorded text poke (poke.c) says only that some code called the
 * kernel's patching function: a rootkit can call it too.  So a poked byte
 * is explained only where one of the kernel's own tables keeps a patch
 * site of a kind that allows exactly the bytes now there:
 *
 *   site_jump.c    jump labels: a NOP, or a jmp to the entry's target
 *   site_scall.c   static calls: sites and trampolines
 *   site_kprobe.c  kprobes: INT3 at a registered probe, or an optimized
 *                  probe's jmp into its own slot
 *   here           ftrace's own call sites in ftrace_caller and
 *                  ftrace_regs_caller (the ops function, the graph caller)
 *
 * (ftrace's call sites are verified as sites in ftrace_site.c; writes to a
 * module's text while it is COMING, alternatives and the like, are taken
 * as they come.)  The subsystems patch a site under their own mutex and
 * text_mutex, with a transient INT3 on the first byte: a site that does
 * not verify while one of those is held is "busy" and checked again on
 * the next pass; once they are all free it must verify.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/uaccess.h>

#include "kwarden.h"

#define KW_BRANCH_LEN	5	/* call or jmp rel32 */

static const char * const kw_lock_names[] = {
	"text_mutex", "ftrace_lock", "kprobe_mutex", "jump_label_mutex",
	"static_call_mutex",
};

static struct mutex *kw_locks[ARRAY_SIZE(kw_lock_names)];

/* ftrace_caller's and ftrace_regs_caller's patched calls */
static const char * const kw_fcall_names[] = {
	"ftrace_call", "ftrace_regs_call", "ftrace_graph_call",
};

static unsigned long kw_fcalls[ARRAY_SIZE(kw_fcall_names)];
static unsigned long kw_stext, kw_etext;

/*
 * Site checks passed, by kind of site, then busy and refused: read-only in
 * /sys/module/kwarden/parameters/site_counts, for tests and tuning.  With
 * the golden copy one check is made per changed byte, with block digests
 * one per site of a changed page.
 */
enum {
	KW_SC_JUMP, KW_SC_SCALL, KW_SC_KPROBE, KW_SC_FCALL, KW_SC_COMING,
	KW_SC_BUSY, KW_SC_BAD, KW_SC_NUM
};
static unsigned long kw_site_counts[KW_SC_NUM];
static unsigned int kw_site_ncounts = KW_SC_NUM;
module_param_array_named(site_counts, kw_site_counts, ulong,
			 &kw_site_ncounts, 0444);
MODULE_PARM_DESC(site_counts, "Site checks passed: jump labels, static calls, kprobes, ftrace callers, COMING modules; then busy; refused");

/*
 * Baseline bytes of [@addr, @addr + @len), if all in @r.  Without a golden
 * copy (digest.c) the current bytes: a site's size is then decoded from
 * what it holds now, and only its allowed forms verify.
 */
bool kw_site_old(const struct kw_region *r, unsigned long addr, u8 *buf,
		 size_t len)
{
	if (addr < r->start || addr + len > r->end)
		return false;
	if (!r->golden)
		return kw_site_read(addr, buf, len);
	memcpy(buf, r->golden + (addr - r->start), len);
	return true;
}

/* Whether a site holds its baseline bytes: known with a golden copy only */
bool kw_site_same(const struct kw_region *r, const u8 *cur, const u8 *old,
		  size_t len)
{
	return r->golden && !memcmp(cur, old, len);
}

/* Current bytes of [@addr, @addr + @len) */
bool kw_site_read(unsigned long addr, u8 *buf, size_t len)
{
	return !copy_from_kernel_nofault(buf, (void *)addr, len);
}

/*
 * Whether @addr is code a branch may go to: core or module text, a BPF
 * program or trampoline, an ftrace trampoline.
 */
bool kw_site_code(unsigned long addr)
{
	bool mod;

	if (addr >= kw_stext && addr < kw_etext)
		return true;
	preempt_disable();
	mod = kw_module_text_at(addr);
	preempt_enable();
	return mod || kw_bpf_text(addr) || kw_ftrace_tramp(addr);
}

/* An ftrace caller's call or jmp: its baseline, or a branch into code */
static bool kw_fcall_ok(unsigned long addr)
{
	u8 cur[KW_BRANCH_LEN];
	unsigned long site;
	unsigned int i;
	s32 rel;

	for (i = 0; i < ARRAY_SIZE(kw_fcalls); i++) {
		site = kw_fcalls[i];
		if (!site || addr < site || addr >= site + KW_BRANCH_LEN)
			continue;
		if (!kw_site_read(site, cur, sizeof(cur)) ||
		    (cur[0] != 0xe8 && cur[0] != 0xe9))
			return false;
		memcpy(&rel, cur + 1, sizeof(rel));
		return kw_site_code(site + KW_BRANCH_LEN + rel);
	}
	return false;
}

static bool kw_site_allows(struct kw_region *r, unsigned long addr)
{
	int kind = -1;

	if (kw_jump_ok(r, addr))
		kind = KW_SC_JUMP;
	else if (kw_scall_ok(r, addr))
		kind = KW_SC_SCALL;
	else if (kw_kprobe_ok(addr))
		kind = KW_SC_KPROBE;
	else if (!r->mod && kw_fcall_ok(addr))
		kind = KW_SC_FCALL;
	if (kind < 0)
		return false;
	kw_site_counts[kind]++;
	return true;
}

bool kw_site_locked(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kw_locks); i++)
		if (kw_locks[i] && mutex_is_locked(kw_locks[i]))
			return true;
	return false;
}

/*
 * Verdict on the poked byte at @addr of @r.  @coming: the write went into
 * a module's own text while the module was COMING.
 */
enum kw_site_verdict kw_site_check(struct kw_region *r, unsigned long addr,
				   bool coming)
{
#ifdef KW_TEST_POKE_TRUSTED
	/* test-only build: every recorded poke explains, as before issue 11 */
	return KW_SITE_OK;
#endif
	if (coming && r->mod) {
		kw_site_counts[KW_SC_COMING]++;
		return KW_SITE_OK;
	}
	if (kw_site_allows(r, addr))
		return KW_SITE_OK;
	if (kw_site_locked()) {
		kw_site_counts[KW_SC_BUSY]++;
		return KW_SITE_BUSY;
	}
	/* a patch may have ended between the read and the lock check */
	if (kw_site_allows(r, addr))
		return KW_SITE_OK;
	kw_site_counts[KW_SC_BAD]++;
	return KW_SITE_BAD;
}

void kw_span_add(struct kw_spans *sp, unsigned long addr, size_t len,
		 bool ftrace)
{
	if (sp->n >= ARRAY_SIZE(sp->s)) {
		sp->overflow = true;
		return;
	}
	sp->s[sp->n].addr = addr;
	sp->s[sp->n].len = len;
	sp->s[sp->n].ftrace = ftrace;
	sp->n++;
}

/*
 * The patch sites of text region @r that overlap [@start, @end), from the
 * kernel's tables: ftrace's, jump labels, static calls and trampolines,
 * and ftrace's own callers.  (Kprobes are not masked: digest.c puts back
 * the bytes they saved.)
 */
void kw_site_spans(const struct kw_region *r, unsigned long start,
		   unsigned long end, struct kw_spans *sp)
{
	unsigned int i;

	sp->n = 0;
	sp->overflow = false;
	if (!r->text)
		return;
	kw_ftrace_spans(start, end, sp);
	kw_jump_spans(r, start, end, sp);
	kw_scall_spans(r, start, end, sp);
	for (i = 0; !r->mod && i < ARRAY_SIZE(kw_fcalls); i++)
		if (kw_fcalls[i] && kw_fcalls[i] + KW_BRANCH_LEN > start &&
		    kw_fcalls[i] < end)
			kw_span_add(sp, kw_fcalls[i], KW_BRANCH_LEN, false);
}

u64 kw_site_bytes(void)
{
	return kw_jump_bytes() + kw_scall_bytes();
}

int kw_site_init(void)
{
	unsigned int i;
	int err;

	kw_stext = kw_lookup_name("_stext");
	kw_etext = kw_lookup_name("_etext");
	for (i = 0; i < ARRAY_SIZE(kw_locks); i++)
		kw_locks[i] = (void *)kw_lookup_name(kw_lock_names[i]);
	for (i = 0; i < ARRAY_SIZE(kw_fcalls); i++)
		kw_fcalls[i] = kw_lookup_name(kw_fcall_names[i]);
	kw_kprobe_site_init();
	err = kw_jump_init();
	if (!err)
		err = kw_scall_init();
	if (err)
		kw_jump_exit();
	return err;
}

void kw_site_exit(void)
{
	kw_scall_exit();
	kw_jump_exit();
}
