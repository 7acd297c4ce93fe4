// SPDX-License-Identifier: GPL-2.0
/*
 * kwarden - what kernel code an address belongs to
 *
 * __module_address(), __module_text_address(), ftrace_location_range(),
 * is_ftrace_trampoline() and is_bpf_text_address() are not exported, and
 * the kernel seals them on IBT builds: an indirect call to them would raise
 * #CP where IBT is enforced.  So kwarden reads the tables they read, the
 * same way and under the same protection (RCU, the latch trees' sequence
 * counts), with every walk bounded:
 *
 *   mod_tree            the latch tree of module memory
 *   ftrace_pages_start  the sorted pages of ftrace call sites
 *   ftrace_ops_list     the registered ftrace_ops and their trampolines
 *   bpf_tree            the latch tree of BPF programs, trampolines and
 *                       dispatchers
 *
 * A table that cannot be found leaves its question unanswered (NULL, 0 or
 * false) and says so once at load.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bpf.h>
#include <linux/ftrace.h>
#include <linux/module.h>
#include <linux/rbtree_latch.h>
#include <linux/rcupdate.h>

#include "kwarden.h"

#define KW_WALK_MAX	(1U << 20)	/* ftrace pages or ops: a bound */

static struct latch_tree_root *kw_mod_tree;
static struct kw_ftrace_page **kw_ftrace_pages;
static struct ftrace_ops __rcu **kw_ftrace_ops;
static struct ftrace_ops *kw_ftrace_end;
static struct latch_tree_root *kw_bpf_tree;

/* ---- modules ---- */

static int kw_mod_comp(void *key, struct latch_tree_node *n)
{
	const struct mod_tree_node *mtn =
		container_of(n, struct mod_tree_node, node);
	unsigned long addr = (unsigned long)key, base, size;

	kw_mtn_range(mtn, &base, &size);
	if (addr < base)
		return -1;
	return addr - base < size ? 0 : 1;
}

static const struct latch_tree_ops kw_mod_tree_ops = {
	.comp = kw_mod_comp,
};

static const struct mod_tree_node *kw_mod_node(unsigned long addr)
{
	struct latch_tree_node *n;
	const struct mod_tree_node *mtn;

	if (!kw_mod_tree)
		return NULL;
	n = latch_tree_find((void *)addr, kw_mod_tree, &kw_mod_tree_ops);
	if (!n)
		return NULL;
	mtn = container_of(n, struct mod_tree_node, node);
	return mtn->mod->state == MODULE_STATE_UNFORMED ? NULL : mtn;
}

/*
 * The module whose memory holds @addr, as the module tree says (not the
 * module list).  Call with preemption disabled, as for __module_address().
 */
struct module *kw_module_at(unsigned long addr)
{
	const struct mod_tree_node *mtn = kw_mod_node(addr);

	return mtn ? mtn->mod : NULL;
}

/* The module whose code holds @addr; preemption disabled. */
struct module *kw_module_text_at(unsigned long addr)
{
	const struct mod_tree_node *mtn = kw_mod_node(addr);

	return mtn && kw_mtn_text(mtn, addr) ? mtn->mod : NULL;
}

/* ---- ftrace ---- */

/* The first record of @pg at or after @addr */
static int kw_ftrace_lower(const struct kw_ftrace_page *pg, unsigned long addr)
{
	int lo = 0, hi = pg->index;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		if (pg->records[mid].ip < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The site of @pg that covers @addr, or 0 */
static unsigned long kw_ftrace_in_page(const struct kw_ftrace_page *pg,
				       unsigned long addr)
{
	int i = kw_ftrace_lower(pg, addr - (KW_FTRACE_SITE_LEN - 1));

	return i < pg->index && pg->records[i].ip <= addr ?
	       pg->records[i].ip : 0;
}

/* Start of the ftrace call site that covers @addr, or 0. */
unsigned long kw_ftrace_location(unsigned long addr)
{
	const struct kw_ftrace_page *pg;
	unsigned long ip = 0;
	unsigned int n = 0;

	if (!kw_ftrace_pages)
		return 0;
	rcu_read_lock();
	for (pg = READ_ONCE(*kw_ftrace_pages); pg && n < KW_WALK_MAX;
	     pg = READ_ONCE(pg->next), n++) {
		if (pg->index <= 0 || addr < pg->records[0].ip ||
		    addr >= pg->records[pg->index - 1].ip + KW_FTRACE_SITE_LEN)
			continue;
		ip = kw_ftrace_in_page(pg, addr);
		if (ip)
			break;
	}
	rcu_read_unlock();
	return ip;
}

/* The ftrace call sites that overlap [@start, @end) */
void kw_ftrace_spans(unsigned long start, unsigned long end,
		     struct kw_spans *sp)
{
	unsigned long from = start - (KW_FTRACE_SITE_LEN - 1);
	const struct kw_ftrace_page *pg;
	unsigned int n = 0;
	int i;

	if (!kw_ftrace_pages)
		return;
	rcu_read_lock();
	for (pg = READ_ONCE(*kw_ftrace_pages); pg && n < KW_WALK_MAX;
	     pg = READ_ONCE(pg->next), n++) {
		if (pg->index <= 0 || end <= pg->records[0].ip ||
		    from > pg->records[pg->index - 1].ip)
			continue;
		for (i = kw_ftrace_lower(pg, from);
		     i < pg->index && pg->records[i].ip < end; i++)
			kw_span_add(sp, pg->records[i].ip, KW_FTRACE_SITE_LEN,
				    true);
	}
	rcu_read_unlock();
}

/* Whether @addr is in the trampoline of a registered ftrace_ops. */
bool kw_ftrace_tramp(unsigned long addr)
{
	struct ftrace_ops *op;
	unsigned int n = 0;
	bool found = false;

	if (!kw_ftrace_ops || !kw_ftrace_end)
		return false;
	preempt_disable_notrace();
	for (op = rcu_dereference_raw(*kw_ftrace_ops);
	     op && op != kw_ftrace_end && n < KW_WALK_MAX;
	     op = rcu_dereference_raw(op->next), n++) {
		if (op->trampoline && addr >= op->trampoline &&
		    addr - op->trampoline < op->trampoline_size) {
			found = true;
			break;
		}
	}
	preempt_enable_notrace();
	return found;
}

/* ---- BPF ---- */

static int kw_bpf_comp(void *key, struct latch_tree_node *n)
{
	const struct bpf_ksym *ksym = container_of(n, struct bpf_ksym, tnode);
	unsigned long addr = (unsigned long)key;

	if (addr < ksym->start)
		return -1;
	return addr >= ksym->end ? 1 : 0;
}

static const struct latch_tree_ops kw_bpf_tree_ops = {
	.comp = kw_bpf_comp,
};

/* Whether @addr is BPF code: a program, trampoline or dispatcher. */
bool kw_bpf_text(unsigned long addr)
{
	bool found;

	if (!kw_bpf_tree)
		return false;
	rcu_read_lock();
	found = latch_tree_find((void *)addr, kw_bpf_tree, &kw_bpf_tree_ops);
	rcu_read_unlock();
	return found;
}

void kw_addr_init(void)
{
	kw_mod_tree = (void *)kw_lookup_name("mod_tree");
	kw_ftrace_pages = (void *)kw_lookup_name("ftrace_pages_start");
	kw_ftrace_ops = (void *)kw_lookup_name("ftrace_ops_list");
	kw_ftrace_end = (void *)kw_lookup_name("ftrace_list_end");
	kw_bpf_tree = (void *)kw_lookup_name("bpf_tree");
	if (!IS_ENABLED(CONFIG_MODULES_TREE_LOOKUP))
		kw_mod_tree = NULL;
	if (!kw_mod_tree)
		pr_warn("no module tree: module text pokes and the tree view are unknown\n");
	if (!kw_ftrace_pages || !kw_ftrace_ops || !kw_ftrace_end)
		pr_warn("ftrace tables unknown, ftrace patches will alert\n");
	if (!kw_bpf_tree)
		pr_warn("BPF text unknown, BPF trampolines will alert\n");
}
