// SPDX-License-Identifier: GPL-2.0
/*
 * kwarden - the kernel's own text patching, recorded byte for byte
 *
 * Alternatives, jump labels, static calls, ftrace, kprobes, BPF trampolines
 * and livepatch all write kernel text at run time through __text_poke().
 * A kprobe there records each write (address and new bytes) in a bounded
 * table.  scan.c accepts a changed byte only if some recorded write put
 * exactly that value at exactly that address; nothing is ever accepted by
 * re-hashing.  A write that the table has no room for is counted, and the
 * bytes it changed stay unexplained (an alert, never a silent accept).
 * Writes to ftrace call sites are not recorded: ftrace_site.c checks
 * those sites for what ftrace may put there.
 */
#include <linux/hash.h>
#include <linux/kprobes.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "kwarden.h"

#define KW_POKE_BITS	14
#define KW_POKE_SLOTS	(1U << KW_POKE_BITS)
#define KW_POKE_LIMIT	(KW_POKE_SLOTS - KW_POKE_SLOTS / 8)
#define KW_POKE_CHUNK	15	/* bytes a record holds */
#define KW_POKE_MAXLEN	256	/* longest write recorded in full */

struct kw_poke {
	unsigned long addr;	/* 0: free slot */
	u8 len;
	u8 bytes[KW_POKE_CHUNK];
};

static struct kw_poke *kw_pokes;
static unsigned int kw_npokes;
static u64 kw_poke_writes;
static u64 kw_poke_overflows;
static DEFINE_RAW_SPINLOCK(kw_poke_lock);
static unsigned long kw_text_start, kw_text_end, kw_memcpy_fn;

static unsigned int kw_slot(unsigned long addr)
{
	return hash_long(addr, KW_POKE_BITS);
}

static bool kw_poke_same(const struct kw_poke *p, unsigned long addr,
			 const u8 *bytes, u8 len)
{
	return p->addr == addr && p->len == len && !memcmp(p->bytes, bytes, len);
}

/* Insert one chunk; the caller holds kw_poke_lock. */
static void kw_poke_insert(unsigned long addr, const u8 *bytes, u8 len)
{
	unsigned int i, slot = kw_slot(addr);

	for (i = 0; i < KW_POKE_SLOTS; i++, slot = (slot + 1) % KW_POKE_SLOTS) {
		struct kw_poke *p = &kw_pokes[slot];

		if (kw_poke_same(p, addr, bytes, len))
			return;
		if (p->addr)
			continue;
		if (kw_npokes >= KW_POKE_LIMIT) {
			kw_poke_overflows++;
			return;
		}
		p->addr = addr;
		p->len = len;
		memcpy(p->bytes, bytes, len);
		kw_npokes++;
		return;
	}
}

static void kw_poke_record(unsigned long addr, const u8 *src, size_t len,
			   bool fill)
{
	u8 buf[KW_POKE_CHUNK];
	unsigned long flags;
	size_t done, n;

	raw_spin_lock_irqsave(&kw_poke_lock, flags);
	kw_poke_writes++;
	if (len > KW_POKE_MAXLEN) {
		kw_poke_overflows++;
		len = KW_POKE_MAXLEN;
	}
	for (done = 0; done < len; done += n) {
		n = min_t(size_t, len - done, KW_POKE_CHUNK);
		if (fill)
			memset(buf, *src, n);
		else if (copy_from_kernel_nofault(buf, src + done, n))
			break;
		kw_poke_insert(addr + done, buf, n);
	}
	raw_spin_unlock_irqrestore(&kw_poke_lock, flags);
}

/* Runs before __text_poke(func, addr, src, len) writes anything. */
static int kw_poke_pre(struct kprobe *kp, struct pt_regs *regs)
{
	unsigned long addr = KW_POKE_ARG_ADDR(regs);
	unsigned long func = KW_POKE_ARG_FUNC(regs);
	const u8 *src = (const u8 *)KW_POKE_ARG_SRC(regs);
	size_t len = KW_POKE_ARG_LEN(regs);

	if ((addr + len <= kw_text_start || addr >= kw_text_end) &&
	    !kw_module_text_at(addr))
		return 0;
	/* ftrace sites are verified as sites, see ftrace_site.c */
	if (kw_ftrace_site(addr) && kw_ftrace_site(addr + len - 1))
		return 0;
	/* text_poke_set() passes a pointer to an int fill value */
	kw_poke_record(addr, src, len, func && kw_memcpy_fn &&
		       func != kw_memcpy_fn);
	return 0;
}
NOKPROBE_SYMBOL(kw_poke_pre);

static struct kprobe kw_poke_kp = {
	.symbol_name = KW_POKE_SYMBOL,
	.pre_handler = kw_poke_pre,
};
static bool kw_poke_registered;
static bool *kw_kprobes_disarmed;	/* kernel/kprobes.c, static */

bool kw_poke_explains(unsigned long addr, u8 value)
{
	bool found = false;
	unsigned long flags, s;
	unsigned int i, slot;

	raw_spin_lock_irqsave(&kw_poke_lock, flags);
	for (s = addr - (KW_POKE_CHUNK - 1); s <= addr && !found; s++) {
		slot = kw_slot(s);
		for (i = 0; i < KW_POKE_SLOTS && kw_pokes[slot].addr;
		     i++, slot = (slot + 1) % KW_POKE_SLOTS) {
			const struct kw_poke *p = &kw_pokes[slot];

			if (p->addr == s && s + p->len > addr &&
			    p->bytes[addr - s] == value) {
				found = true;
				break;
			}
		}
	}
	raw_spin_unlock_irqrestore(&kw_poke_lock, flags);
	return found;
}

u64 kw_poke_count(void)
{
	return kw_poke_writes;
}

u64 kw_poke_overflow_count(void)
{
	return kw_poke_overflows;
}

u64 kw_poke_bytes(void)
{
	return KW_POKE_SLOTS * sizeof(struct kw_poke);
}

/*
 * The kprobe is registered, armed and its target still there, and kprobes
 * are not disarmed as a whole (debugfs kprobes/enabled = 0).
 */
bool kw_poke_alive(void)
{
	return kw_poke_registered && !kprobe_disabled(&kw_poke_kp) &&
	       !(kw_poke_kp.flags & KPROBE_FLAG_GONE) &&
	       !(kw_kprobes_disarmed && READ_ONCE(*kw_kprobes_disarmed));
}

/* Test only: disarm the kprobe, as a tamperer would */
void kw_poke_disable(void)
{
	if (kw_poke_registered)
		disable_kprobe(&kw_poke_kp);
}

/* Degraded: stop recording; the table stays for kw_poke_explains() */
void kw_poke_stop(void)
{
	if (!kw_poke_registered)
		return;
	kw_poke_registered = false;
	unregister_kprobe(&kw_poke_kp);
}

int kw_poke_init(void)
{
	int err;

	kw_text_start = kw_lookup_name("_stext");
	kw_text_end = kw_lookup_name("_etext");
	kw_memcpy_fn = kw_lookup_name("text_poke_memcpy");
	kw_kprobes_disarmed = (bool *)kw_lookup_name("kprobes_all_disarmed");
	if (!kw_text_start || !kw_text_end)
		return -ENOENT;
	kw_pokes = vzalloc(kw_poke_bytes());
	if (!kw_pokes)
		return -ENOMEM;
	err = register_kprobe(&kw_poke_kp);
	kw_poke_registered = !err;
	if (err) {
		pr_err("kwarden: cannot hook %s: %d\n", KW_POKE_SYMBOL, err);
		vfree(kw_pokes);
		kw_pokes = NULL;
	}
	return err;
}

void kw_poke_exit(void)
{
	if (!kw_pokes)
		return;
	kw_poke_stop();
	vfree(kw_pokes);
	kw_pokes = NULL;
}
