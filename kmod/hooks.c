// SPDX-License-Identifier: GPL-2.0
/*
 * kwarden - hooks through ftrace and kprobes that are not the kernel's own
 *
 * Rootkits now hook functions through the kernel's own tracing instead of
 * writing text: an ftrace_ops that rewrites the saved instruction pointer
 * (IPMODIFY), a direct call, a kprobe.  The text they leave behind is what
 * ftrace and kprobes legitimately write, so text verification accepts it.
 * Each pass therefore walks what runs at those sites, the ftrace ops list
 * and the kprobe table, the way the kernel's own readers do (preemption
 * off, RCU), and reports every handler that lies in a module other than
 * kwarden, or in no known text at all.  Handlers in core kernel text (the
 * tracers, kprobe events, livepatch), in BPF programs and trampolines and
 * in ftrace's own trampolines are the kernel's.  A hook is reported once;
 * it is forgotten when it goes away, and reported again if it comes back.
 *
 * Nothing here calls a kernel function through a kallsyms address: on IBT
 * kernels the ENDBR of every function whose address the kernel never takes
 * is sealed at boot, and such a call traps on CPUs that enforce IBT.  Code
 * owners come from kwarden's own module regions and from sprint_symbol().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fprobe.h>
#include <linux/ftrace.h>
#include <linux/hash.h>
#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/lockdep.h>
#include <linux/module.h>
#include <linux/rculist.h>
#include <linux/sched.h>
#include <linux/uaccess.h>

#include "kwarden.h"

#define KW_HOOKS_MAX		64	/* hooks kept track of */
#define KW_OPS_MAX		1024	/* ftrace ops looked at in a pass */
#define KW_KPROBES_MAX		16384	/* kprobes looked at in a pass */
#define KW_HASH_BITS_MAX	12	/* FTRACE_HASH_MAX_BITS */
#define KW_KPROBE_BUCKETS	64	/* KPROBE_TABLE_SIZE */
#define KW_HOOK_SETTLE		3	/* passes a hook may wait to be armed */

/* How a hook hooks: KWARDEN_A_HOOK_FLAGS, as words */
enum kw_hook_flag {
	KW_HOOK_IPMODIFY	= 1 << 0,	/* may change where execution goes on */
	KW_HOOK_DIRECT		= 1 << 1,	/* the site calls the handler itself */
	KW_HOOK_REGS		= 1 << 2,	/* sees and may change all registers */
	KW_HOOK_ALL_FUNCS	= 1 << 3,	/* on every traced function */
	KW_HOOK_RETURN		= 1 << 4,	/* a kretprobe: runs at return too */
	KW_HOOK_NO_OWNER	= 1 << 5,	/* in no module and not the kernel's */
};

static const char * const kw_hook_flag_names[] = {
	"ipmodify", "direct", "regs", "all_functions", "kretprobe", "no_owner",
};

/* The head of struct ftrace_hash (kernel/trace/trace.h, not exported) */
struct kw_ftrace_hash {
	unsigned long size_bits;
	struct hlist_head *buckets;
	unsigned long count;
};

struct kw_hook {
	enum kw_kind kind;
	u32 flags;			/* KW_HOOK_* */
	unsigned long obj;		/* the ftrace_ops or kprobe */
	unsigned long handler;		/* its code that is not the kernel's */
	unsigned long where;		/* the function hooked, 0: every one */
	char module[KW_NAME_LEN];	/* the handler's owner, or "" */
	u8 passes;			/* passes it waited to be armed */
	bool reported;
};

struct kw_hook_set {
	unsigned int n;
	bool truncated;			/* some hooks were not looked at */
	struct kw_hook hooks[KW_HOOKS_MAX];
};

/* Hooks found by the last pass (kw_region_lock) */
static struct kw_hook_set kw_found[2];
static unsigned int kw_last;

static bool kw_hooks_on;
static struct ftrace_ops __rcu **kw_ops_list;
static struct ftrace_ops *kw_ops_end;
static struct hlist_head *kw_kprobe_table;
static unsigned long kw_aggr_pre, kw_kretprobe_pre;
static unsigned long kw_fprobe_fn[2];
#ifndef KW_FTRACE_DIRECT_IN_OPS
static void **kw_direct_functions;	/* &direct_functions, before 6.5 */
#endif
static unsigned long kw_stext, kw_etext;

enum kw_owner {
	KW_OWNER_KERNEL,	/* core text, BPF, ftrace trampolines */
	KW_OWNER_SELF,		/* kwarden */
	KW_OWNER_MODULE,
	KW_OWNER_NONE,		/* no known text */
};

/*
 * The owner of code outside core text and kwarden's module regions, as
 * kallsyms names it: BPF programs and trampolines (bpf_prog_*,
 * bpf_trampoline_*, with no module) and ftrace's trampolines (in the
 * pseudo-module __builtin__ftrace) are the kernel's; a module kwarden does
 * not watch is named; anything else has no owner.
 */
static enum kw_owner kw_owner_kallsyms(unsigned long addr, char *name)
{
	char buf[KSYM_SYMBOL_LEN], *mod, *end;

	sprint_symbol(buf, addr);
	mod = strchr(buf, '[');
	if (!mod)
		return strncmp(buf, "bpf_", 4) ? KW_OWNER_NONE : KW_OWNER_KERNEL;
	end = strchr(++mod, ']');
	if (end)
		*end = '\0';
	if (!strcmp(mod, "__builtin__ftrace"))
		return KW_OWNER_KERNEL;
	strscpy(name, mod, KW_NAME_LEN);
	return KW_OWNER_MODULE;
}

/*
 * Who owns the code at @addr.  Modules are known by kwarden's own regions
 * (kw_region_lock is held): a module hidden from the kernel's lists is
 * still found there, and no module can pass for the kernel's own code.
 */
static enum kw_owner kw_owner(unsigned long addr, char *name)
{
	struct kw_region *r;

	if (addr >= kw_stext && addr < kw_etext)
		return KW_OWNER_KERNEL;
	list_for_each_entry(r, kw_regions(), node) {
		if (!r->mod || !r->text || addr < r->start || addr >= r->end)
			continue;
		if (r->mod == THIS_MODULE)
			return KW_OWNER_SELF;
		strscpy(name, r->owner, KW_NAME_LEN);
		return KW_OWNER_MODULE;
	}
	return kw_owner_kallsyms(addr, name);
}

/*
 * The first of the @n handlers @fn that is not the kernel's becomes @h's.
 * Returns false when there is none, or when one is kwarden's own.
 */
static bool kw_hook_pick(struct kw_hook *h, const unsigned long *fn,
			 unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (!fn[i])
			continue;
		switch (kw_owner(fn[i], h->module)) {
		case KW_OWNER_KERNEL:
			continue;
		case KW_OWNER_SELF:
			return false;
		case KW_OWNER_NONE:
			h->flags |= KW_HOOK_NO_OWNER;
			fallthrough;
		case KW_OWNER_MODULE:
			h->handler = fn[i];
			return true;
		}
	}
	return false;
}

static void kw_hook_add(struct kw_hook_set *set, const struct kw_hook *h)
{
	if (set->n < KW_HOOKS_MAX)
		set->hooks[set->n++] = *h;
	else
		set->truncated = true;
}

/*
 * The first function @op is filtered to, or KW_HOOK_ALL_FUNCS.  The filter
 * hash is freed with call_rcu(), and read through nofault accessors: the
 * ops of a module is the module's to corrupt.
 */
static void kw_ftrace_funcs(struct ftrace_ops *op, struct kw_hook *h)
{
	struct ftrace_ops_hash *fh = READ_ONCE(op->func_hash);
	struct kw_ftrace_hash hash;
	struct hlist_node *node;
	unsigned long i, nb;
	void *hp;

	if (!fh || get_kernel_nofault(hp, (void **)&fh->filter_hash) || !hp ||
	    copy_from_kernel_nofault(&hash, hp, sizeof(hash)))
		return;
	if (!hash.count) {
		h->flags |= KW_HOOK_ALL_FUNCS;
		return;
	}
	nb = 1UL << min_t(unsigned long, hash.size_bits, KW_HASH_BITS_MAX);
	for (i = 0; i < nb; i++) {
		if (get_kernel_nofault(node, &hash.buckets[i].first))
			return;
		if (node) {
			struct ftrace_func_entry *e;

			e = hlist_entry(node, struct ftrace_func_entry, hlist);
			if (get_kernel_nofault(h->where, &e->ip))
				h->where = 0;
			return;
		}
	}
}

#ifndef KW_FTRACE_DIRECT_IN_OPS
/*
 * Before 6.5 a direct ops does not hold its target: the one that counts is
 * in ftrace's direct_functions hash, keyed by the site (its filter entries
 * keep the first registration's, which modify_ftrace_direct_multi()
 * leaves stale: BPF trampolines move on every attach).  Read, bounded.
 */
#define KW_DIRECT_CHAIN_MAX	64

static unsigned long kw_direct_of(unsigned long ip)
{
	struct ftrace_func_entry e;
	struct kw_ftrace_hash hash;
	struct hlist_node *node;
	unsigned int i;
	void *hp;

	if (!kw_direct_functions || !ip ||
	    get_kernel_nofault(hp, kw_direct_functions) || !hp ||
	    copy_from_kernel_nofault(&hash, hp, sizeof(hash)) ||
	    hash.size_bits > KW_HASH_BITS_MAX)
		return 0;
	i = hash.size_bits ? hash_long(ip, hash.size_bits) : 0;
	if (get_kernel_nofault(node, &hash.buckets[i].first))
		return 0;
	for (i = 0; node && i < KW_DIRECT_CHAIN_MAX; i++) {
		if (copy_from_kernel_nofault(&e, hlist_entry(node,
				struct ftrace_func_entry, hlist), sizeof(e)))
			return 0;
		if (e.ip == ip)
			return e.direct;
		node = e.hlist.next;
	}
	return 0;
}
#endif

/* Where the DIRECT ops @op sends its first site, @ip */
static unsigned long kw_direct_target(struct ftrace_ops *op, unsigned long ip)
{
#ifdef KW_FTRACE_DIRECT_IN_OPS
	return READ_ONCE(op->direct_call);
#else
	return kw_direct_of(ip);
#endif
}

static bool kw_is_fprobe(unsigned long fn)
{
	return fn && (fn == kw_fprobe_fn[0] || fn == kw_fprobe_fn[1]);
}

static void kw_ftrace_op(struct kw_hook_set *set, struct ftrace_ops *op)
{
	struct kw_hook h = {
		.kind = KW_KIND_ftrace_hook,
		.obj = (unsigned long)op,
	};
	unsigned long flags = READ_ONCE(op->flags);
	unsigned long fn[5] = {
		[1] = (unsigned long)READ_ONCE(op->func),
		[2] = (unsigned long)READ_ONCE(op->saved_func),
	};

	kw_ftrace_funcs(op, &h);
	if (flags & FTRACE_OPS_FL_DIRECT) {
		h.flags |= KW_HOOK_DIRECT;
		fn[0] = kw_direct_target(op, h.where);
	}
	/* an fprobe's own handlers are behind the kernel's fprobe_handler */
	if (kw_is_fprobe(fn[1]) || kw_is_fprobe(fn[2])) {
		struct fprobe *fp = container_of(op, struct fprobe, ops);

		fn[3] = (unsigned long)READ_ONCE(fp->entry_handler);
		fn[4] = (unsigned long)READ_ONCE(fp->exit_handler);
	}
	if (flags & FTRACE_OPS_FL_IPMODIFY)
		h.flags |= KW_HOOK_IPMODIFY;
	if (flags & FTRACE_OPS_FL_SAVE_REGS)
		h.flags |= KW_HOOK_REGS;
	if (kw_hook_pick(&h, fn, ARRAY_SIZE(fn)))
		kw_hook_add(set, &h);
}

/* Ops leave the list without a grace period: keep preemption off. */
static void kw_ftrace_walk(struct kw_hook_set *set)
{
	struct ftrace_ops *op;
	unsigned int n = 0;

	rcu_read_lock_sched();
	for (op = rcu_dereference_sched(*kw_ops_list);
	     op && op != kw_ops_end; op = rcu_dereference_sched(op->next)) {
		if (++n > KW_OPS_MAX) {
			set->truncated = true;
			break;
		}
		kw_ftrace_op(set, op);
	}
	rcu_read_unlock_sched();
}

static void kw_kprobe_one(struct kw_hook_set *set, struct kprobe *p)
{
	struct kw_hook h = {
		.kind = KW_KIND_kprobe_hook,
		.obj = (unsigned long)p,
	};
	unsigned long fn[2] = {
		(unsigned long)READ_ONCE(p->pre_handler),
		(unsigned long)READ_ONCE(p->post_handler),
	};

	/* a kretprobe's own handlers are behind the kernel's pre handler */
	if (fn[0] && fn[0] == kw_kretprobe_pre) {
		struct kretprobe *rp = container_of(p, struct kretprobe, kp);

		h.flags |= KW_HOOK_RETURN;
		fn[0] = (unsigned long)READ_ONCE(rp->entry_handler);
		fn[1] = (unsigned long)READ_ONCE(rp->handler);
	}
	if (!kw_hook_pick(&h, fn, ARRAY_SIZE(fn)))
		return;
	h.where = (unsigned long)READ_ONCE(p->addr);
	kw_hook_add(set, &h);
}

/*
 * The kprobes of one bucket, those behind an aggregate probe included.
 * Returns false once @budget kprobes were looked at.
 */
static bool kw_kprobe_bucket(struct kw_hook_set *set, struct hlist_head *head,
			     unsigned int *budget)
{
	struct kprobe *p, *kp;

	hlist_for_each_entry_rcu(p, head, hlist) {
		if (!(*budget)--)
			return false;
		if ((unsigned long)READ_ONCE(p->pre_handler) != kw_aggr_pre) {
			kw_kprobe_one(set, p);
			continue;
		}
		list_for_each_entry_rcu(kp, &p->list, list) {
			if (!(*budget)--)
				return false;
			kw_kprobe_one(set, kp);
		}
	}
	return true;
}

/*
 * Kprobes are freed after synchronize_rcu() or synchronize_rcu_tasks():
 * each bucket is walked with preemption off, and nothing is kept across.
 */
static void kw_kprobes_walk(struct kw_hook_set *set)
{
	unsigned int budget = KW_KPROBES_MAX;
	unsigned long i;
	bool more = true;

	for (i = 0; i < KW_KPROBE_BUCKETS && more; i++) {
		rcu_read_lock_sched();
		more = kw_kprobe_bucket(set, &kw_kprobe_table[i], &budget);
		rcu_read_unlock_sched();
		cond_resched();
	}
	if (!more)
		set->truncated = true;
}

/*
 * Baseline and current bytes at the hooked address.  Returns false when
 * the address is not watched, so that there are none, or when only the
 * current bytes are known (block digests: no golden copy to compare).
 */
static bool kw_hook_bytes(struct kw_alert *a)
{
	struct kw_region *r;
	unsigned int i;

	lockdep_assert_held(&kw_region_lock);
	list_for_each_entry(r, kw_regions(), node) {
		if (!r->text || a->addr < r->start ||
		    a->addr + KW_BYTES_LEN > r->end)
			continue;
		if (copy_from_kernel_nofault(a->new, (void *)a->addr,
					     KW_BYTES_LEN))
			return false;
		if (!r->golden) {
			a->has |= KW_AF_NEW;
			return false;
		}
		memcpy(a->old, r->golden + (a->addr - r->start), KW_BYTES_LEN);
		for (i = 0; i < KW_BYTES_LEN; i++)
			a->len += a->old[i] != a->new[i];
		return true;
	}
	return false;
}

static void kw_hook_flags_str(char *buf, size_t len, u32 flags)
{
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(kw_hook_flag_names); i++)
		if (flags & (1U << i))
			n += scnprintf(buf + n, len - n, "%s%s", n ? " " : "",
				       kw_hook_flag_names[i]);
}

/*
 * Report @h.  ftrace and kprobes put a hook on their lists before they
 * patch its site: one whose watched site still holds its baseline bytes
 * waits a few passes to be armed, then is reported anyway.  Returns
 * whether it was reported.
 */
static bool kw_hook_report(struct kw_hook *h)
{
	struct kw_alert a = {
		.kind = h->kind,
		.action = KW_ACTION_logged,
		.slot = -1,
		.addr = h->where,
		.target = h->handler,
	};
	u64 off;

	if (h->where && kw_hook_bytes(&a) && !a.len &&
	    h->passes++ < KW_HOOK_SETTLE)
		return false;
	strscpy(a.region, h->kind == KW_KIND_ftrace_hook ? "ftrace_ops" :
		"kprobes", sizeof(a.region));
	strscpy(a.module, h->module, sizeof(a.module));
	kw_hook_flags_str(a.hook_flags, sizeof(a.hook_flags), h->flags);
	kw_describe(h->handler, a.target_sym, sizeof(a.target_sym), &off,
		    NULL, 0);
	if (h->where)
		kw_describe(h->where, a.symbol, sizeof(a.symbol), &a.offset,
			    NULL, 0);
	kw_alert_raise(&a);
	return true;
}

/* @h as the last pass found it, or NULL */
static const struct kw_hook *kw_hook_last(const struct kw_hook_set *set,
					  const struct kw_hook *h)
{
	unsigned int i;

	for (i = 0; i < set->n; i++)
		if (set->hooks[i].kind == h->kind &&
		    set->hooks[i].obj == h->obj &&
		    set->hooks[i].handler == h->handler)
			return &set->hooks[i];
	return NULL;
}

/*
 * One pass: every hook found is reported, once.  Runs from the scanner,
 * under kw_region_lock, which also guards kw_found.
 */
void kw_hooks_check(void)
{
	struct kw_hook_set *last = &kw_found[kw_last];
	struct kw_hook_set *set = &kw_found[!kw_last];
	const struct kw_hook *prev;
	struct kw_hook *h;
	unsigned int i;

	if (!kw_hooks_on)
		return;
	lockdep_assert_held(&kw_region_lock);
	set->n = 0;
	set->truncated = false;
	if (kw_ops_list)
		kw_ftrace_walk(set);
	if (kw_kprobe_table)
		kw_kprobes_walk(set);
	for (i = 0; i < set->n; i++) {
		h = &set->hooks[i];
		prev = kw_hook_last(last, h);
		if (prev) {
			h->passes = prev->passes;
			h->reported = prev->reported;
		}
		if (!h->reported)
			h->reported = kw_hook_report(h);
	}
	if (set->truncated && !last->truncated)
		pr_warn("more than %u hooks, or too many ftrace ops or kprobes to look at: some hooks go unreported\n",
			KW_HOOKS_MAX);
	kw_last = !kw_last;
}

/*
 * KPROBE_TABLE_SIZE is private to kernel/kprobes.c (64 buckets since
 * 2.6); kallsyms ("kprobe_table+0x0/0x400") must agree that the table is
 * at least that large.
 */
static bool kw_kprobe_table_ok(void)
{
	char buf[KSYM_SYMBOL_LEN];
	unsigned long size;
	char *s;

	sprint_symbol(buf, (unsigned long)kw_kprobe_table);
	s = strstr(buf, "+0x0/");
	if (!s || kstrtoul(s + strlen("+0x0/"), 0, &size))
		return false;
	return size >= KW_KPROBE_BUCKETS * sizeof(struct hlist_head);
}

static void kw_hooks_kprobes_init(void)
{
	kw_kprobe_table = (void *)kw_lookup_name("kprobe_table");
	kw_aggr_pre = kw_lookup_name("aggr_pre_handler");
	kw_kretprobe_pre = kw_lookup_name("pre_handler_kretprobe");
	if (!kw_kprobe_table || !kw_aggr_pre || !kw_kprobe_table_ok()) {
		pr_warn("kprobe table unknown: kprobe hooks go unseen\n");
		kw_kprobe_table = NULL;
		return;
	}
	if (!kw_kretprobe_pre)
		pr_warn("kretprobe handlers go unseen\n");
}

static void kw_hooks_ftrace_init(void)
{
	kw_ops_list = (void *)kw_lookup_name("ftrace_ops_list");
	kw_ops_end = (void *)kw_lookup_name("ftrace_list_end");
	kw_fprobe_fn[0] = kw_lookup_name("fprobe_handler");
	kw_fprobe_fn[1] = kw_lookup_name("fprobe_kprobe_handler");
#ifndef KW_FTRACE_DIRECT_IN_OPS
	kw_direct_functions = (void *)kw_lookup_name("direct_functions");
#endif
	if (!kw_ops_list || !kw_ops_end) {
		pr_warn("ftrace ops list unknown: ftrace hooks go unseen\n");
		kw_ops_list = NULL;
	}
}

void kw_hooks_init(void)
{
	kw_stext = kw_lookup_name("_stext");
	kw_etext = kw_lookup_name("_etext");
	if (!kw_stext || !kw_etext) {
		pr_warn("kernel text unknown: hooks go unseen\n");
		return;
	}
	kw_hooks_ftrace_init();
	kw_hooks_kprobes_init();
	kw_hooks_on = true;
}
