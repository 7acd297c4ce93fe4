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
 *
 * A record only says that the bytes came through the kernel's patching
 * function, not that they belong there: site.c decides that from the
 * kernel's own tables.  So each record also keeps who called: the first
 * return address in module text on the stack of the write (kwarden's own
 * handler aside), with the module's name copied at that moment, so that
 * an alert can name it even after the module is gone.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hash.h>
#include <linux/kprobes.h>
#include <linux/percpu.h>
#include <linux/spinlock.h>
#include <linux/stacktrace.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "kwarden.h"

#define KW_POKE_BITS	12
#define KW_POKE_SLOTS	(1U << KW_POKE_BITS)
#define KW_POKE_LIMIT	(KW_POKE_SLOTS - KW_POKE_SLOTS / 8)
#define KW_POKE_CHUNK	13	/* bytes a record holds */
#define KW_POKE_MAXLEN	256	/* longest write recorded in full */
#define KW_STACK_DEPTH	24	/* return addresses looked at for the caller */
#define KW_CALLERS	64	/* distinct callers remembered */

struct kw_poke {
	unsigned long addr;	/* 0: free slot */
	u8 len;
	u8 flags;		/* KW_POKE_COMING */
	u8 caller;		/* index in kw_callers, or a KW_CALLER_* */
	u8 bytes[KW_POKE_CHUNK];
};

/* Code outside the core kernel that called the patching function */
struct kw_caller {
	unsigned long ret;	/* its return address */
	char mod[KW_NAME_LEN];
	char sym[KW_SYM_LEN];
};

static struct kw_caller kw_callers[KW_CALLERS];	/* [0]: unused */
static unsigned int kw_ncallers = 1;
static DEFINE_PER_CPU(unsigned long [KW_STACK_DEPTH], kw_poke_stack);

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

/*
 * Insert one chunk; the caller holds kw_poke_lock.  The same bytes written
 * again keep one record, which names the latest caller.
 */
static void kw_poke_insert(unsigned long addr, const u8 *bytes, u8 len,
			   u8 flags, u8 caller)
{
	unsigned int i, slot = kw_slot(addr);

	for (i = 0; i < KW_POKE_SLOTS; i++, slot = (slot + 1) % KW_POKE_SLOTS) {
		struct kw_poke *p = &kw_pokes[slot];

		if (kw_poke_same(p, addr, bytes, len)) {
			p->flags |= flags;
			p->caller = caller;
			return;
		}
		if (p->addr)
			continue;
		if (kw_npokes >= KW_POKE_LIMIT) {
			kw_poke_overflows++;
			return;
		}
		p->addr = addr;
		p->len = len;
		p->flags = flags;
		p->caller = caller;
		memcpy(p->bytes, bytes, len);
		kw_npokes++;
		return;
	}
}

/*
 * The caller slot for return address @ret in module @mod; kw_poke_lock
 * held.  Known addresses first, then the module's first entry once the
 * table is full, so a module cannot push the others out.
 */
static u8 kw_caller_slot(unsigned long ret, struct module *mod)
{
	struct kw_caller *c;
	unsigned int i;
	u64 off;

	for (i = 1; i < kw_ncallers; i++)
		if (kw_callers[i].ret == ret)
			return i;
	if (kw_ncallers >= KW_CALLERS) {
		for (i = 1; i < kw_ncallers; i++)
			if (!strcmp(kw_callers[i].mod, mod->name))
				return i;
		return KW_CALLER_UNKNOWN;
	}
	c = &kw_callers[kw_ncallers];
	c->ret = ret;
	strscpy(c->mod, mod->name, sizeof(c->mod));
	kw_describe(ret, c->sym, sizeof(c->sym), &off, NULL, 0);
	if (off && strlen(c->sym) + 20 < sizeof(c->sym))
		snprintf(c->sym + strlen(c->sym), 20, "+0x%llx", off);
	return kw_ncallers++;
}

/*
 * Who called the patching function: the first return address in module
 * text after kwarden's own handler frames, or the core kernel.  The stack
 * is the per-CPU buffer (kprobe handlers run with preemption off).
 */
static u8 kw_poke_caller(void)
{
	unsigned long *st = *this_cpu_ptr(&kw_poke_stack);
	unsigned int n, i = 0;
	struct module *mod;

	n = stack_trace_save(st, KW_STACK_DEPTH, 0);
	while (i < n && within_module(st[i], THIS_MODULE))
		i++;
	for (; i < n; i++) {
		mod = kw_module_text_at(st[i]);
		if (mod)
			return kw_caller_slot(st[i], mod);
	}
	return n ? KW_CALLER_KERNEL : KW_CALLER_UNKNOWN;
}

static void kw_poke_record(unsigned long addr, const u8 *src, size_t len,
			   bool fill, u8 flags)
{
	u8 buf[KW_POKE_CHUNK], caller;
	unsigned long irqf;
	size_t done, n;

	raw_spin_lock_irqsave(&kw_poke_lock, irqf);
	caller = kw_poke_caller();
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
		kw_poke_insert(addr + done, buf, n, flags, caller);
	}
	raw_spin_unlock_irqrestore(&kw_poke_lock, irqf);
}

/* Runs before __text_poke(func, addr, src, len) writes anything. */
static int kw_poke_pre(struct kprobe *kp, struct pt_regs *regs)
{
	unsigned long addr = KW_POKE_ARG_ADDR(regs);
	unsigned long func = KW_POKE_ARG_FUNC(regs);
	const u8 *src = (const u8 *)KW_POKE_ARG_SRC(regs);
	size_t len = KW_POKE_ARG_LEN(regs);
	struct module *mod = NULL;
	u8 flags = 0;

	if (addr + len <= kw_text_start || addr >= kw_text_end) {
		mod = kw_module_text_at(addr);
		if (!mod)
			return 0;
		/* alternatives and the like, in its own text while it loads */
		if (READ_ONCE(mod->state) == MODULE_STATE_COMING)
			flags |= KW_POKE_COMING;
	}
	/* ftrace sites are verified as sites, see ftrace_site.c */
	if (kw_ftrace_site(addr) && kw_ftrace_site(addr + len - 1))
		return 0;
	/* text_poke_set() passes a pointer to an int fill value */
	kw_poke_record(addr, src, len, func && kw_memcpy_fn &&
		       func != kw_memcpy_fn, flags);
	return 0;
}
NOKPROBE_SYMBOL(kw_poke_pre);

static struct kprobe kw_poke_kp = {
	.symbol_name = KW_POKE_SYMBOL,
	.pre_handler = kw_poke_pre,
};
static bool kw_poke_registered;
static bool *kw_kprobes_disarmed;	/* kernel/kprobes.c, static */

/*
 * Whether a recorded write put @value at @addr; @who (if not NULL) gets
 * the record's flags and caller.
 */
bool kw_poke_explains(unsigned long addr, u8 value, struct kw_poke_who *who)
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
				if (who) {
					who->flags = p->flags;
					who->caller = p->caller;
				}
				break;
			}
		}
	}
	raw_spin_unlock_irqrestore(&kw_poke_lock, flags);
	return found;
}

/*
 * The caller of the first recorded write into [@start, @start + @len) whose
 * flags include @flags and whose bytes are still there, or -1.
 */
int kw_poke_in(unsigned long start, size_t len, u8 flags)
{
	struct kw_poke_who who;
	unsigned long a;

	for (a = start; a < start + len; a++)
		if (kw_poke_explains(a, READ_ONCE(*(u8 *)a), &who) &&
		    (who.flags & flags) == flags)
			return who.caller;
	return -1;
}

/*
 * The module and symbol of caller @id into @mod and @sym: "" for the core
 * kernel, "?" when it was not known.
 */
void kw_poke_caller_name(u8 id, char *mod, size_t mlen, char *sym,
			 size_t slen)
{
	unsigned long flags;

	mod[0] = '\0';
	sym[0] = '\0';
	if (id == KW_CALLER_KERNEL)
		return;
	raw_spin_lock_irqsave(&kw_poke_lock, flags);
	if (id < kw_ncallers) {
		strscpy(mod, kw_callers[id].mod, mlen);
		strscpy(sym, kw_callers[id].sym, slen);
	} else {
		strscpy(mod, "?", mlen);
	}
	raw_spin_unlock_irqrestore(&kw_poke_lock, flags);
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
	return KW_POKE_SLOTS * sizeof(struct kw_poke) + sizeof(kw_callers);
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
		pr_err("cannot hook %s: %d\n", KW_POKE_SYMBOL, err);
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
