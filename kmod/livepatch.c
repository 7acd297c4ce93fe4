// SPDX-License-Identifier: GPL-2.0
/*
 * kwarden - livepatches, reported as what they are
 *
 * A livepatch module replaces kernel functions through the kernel's own
 * livepatch core: klp_enable_patch() puts its struct klp_patch on the
 * kernel's klp_patches list, and ftrace sends every call of an old
 * function to the new one.  The bytes this leaves are ftrace's and its
 * handler, klp_ftrace_handler(), is core text, so the integrity checks
 * accept them; the replacement itself is reported here.
 *
 * Every pass (scan.c) reads klp_patches under the kernel's own klp_mutex,
 * taken with mutex_trylock() so the scanner never waits on a livepatch
 * transition: when the mutex is busy the next pass looks.  A function is
 * applied while its patch is enabled and the function is patched (nops of
 * an atomic-replace patch, which only undo older patches, are not).  Each
 * function applied that the last pass did not see raises
 * livepatch_applied; each one seen that is no longer applied raises
 * livepatch_reverted: its patch was disabled (sysfs), replaced by an
 * atomic-replace patch, or failed.  What was seen is kept here, as the
 * patch may be freed by then.  Polling rather than a probe on
 * klp_enable_patch(): it reports the state the kernel is in (a patch that
 * fails to enable raises nothing) and sees every way a patch goes.  A
 * patch applied and reverted between two passes is not seen.
 *
 * Severity: notice when the module-load policy vouches for the livepatch
 * module (policy.c: an allow rule naming it by name, hash or signature),
 * crit otherwise.  Walks and the table are bounded.  The structures are
 * the public ones of <linux/livepatch.h>, the same in 6.1 and 6.12.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "kwarden.h"

/*
 * TEST ONLY: KCFLAGS=-DKW_TEST_LIVEPATCH_OFF=1 builds a kwarden.ko that
 * does not watch livepatches, so that their tests can be seen to fail.
 */
#ifndef KW_TEST_LIVEPATCH_OFF
#define KW_TEST_LIVEPATCH_OFF	0
#endif

#if IS_ENABLED(CONFIG_LIVEPATCH)

#define KW_LP_FUNCS	256	/* applied functions remembered */
#define KW_LP_NODES	4096	/* patches, objects, functions a pass reads */

/* One replaced function, as the passes saw it */
struct kw_lp_func {
	bool used;
	bool seen;			/* by this pass */
	bool fresh;			/* not reported yet */
	const void *patch;		/* compared only, never dereferenced */
	const void *func;		/* compared only */
	unsigned long old_addr;
	unsigned long new_addr;
	u32 sig_ok;
	u32 taints;
	u32 severity;			/* of its livepatch_applied */
	u32 verdict;			/* what the policy said of its module */
	char rule[KW_RULE_LEN];
	char module[KW_NAME_LEN];	/* the livepatch module */
	char object[KW_NAME_LEN];	/* "vmlinux" or the patched module */
	char old_name[KW_SYM_LEN];
};

static struct list_head *kw_klp_patches;
static struct mutex *kw_klp_mutex;
static struct kw_lp_func *kw_lp;
static DEFINE_MUTEX(kw_lp_lock);	/* kw_lp; taken before klp_mutex */
static bool kw_lp_full_said, kw_lp_cut_said;

static struct kw_lp_func *kw_lp_find(const void *patch, const void *func)
{
	unsigned int i;

	for (i = 0; i < KW_LP_FUNCS; i++)
		if (kw_lp[i].used && kw_lp[i].patch == patch &&
		    kw_lp[i].func == func)
			return &kw_lp[i];
	return NULL;
}

static struct kw_lp_func *kw_lp_slot(void)
{
	unsigned int i;

	for (i = 0; i < KW_LP_FUNCS; i++)
		if (!kw_lp[i].used)
			return &kw_lp[i];
	return NULL;
}

/* A string of the livepatch module's, read without trusting it */
static void kw_lp_str(char *dst, const char *src, size_t len,
		      const char *none)
{
	size_t i;

	for (i = 0; src && i < len - 1; i++)
		if (get_kernel_nofault(dst[i], src + i) || !dst[i])
			break;
	dst[i] = '\0';
	if (!i)
		strscpy(dst, none, len);
}

/* @func of @obj of @patch is applied now; klp_mutex is held */
static void kw_lp_seen(struct klp_patch *patch, struct klp_object *obj,
		       struct klp_func *func)
{
	struct kw_lp_func *f = kw_lp_find(patch, func);

	if (f) {
		f->seen = true;
		return;
	}
	f = kw_lp_slot();		/* zeroed when freed */
	if (!f) {
		if (!kw_lp_full_said)
			pr_warn("more than %u livepatched functions: some go unreported\n",
				KW_LP_FUNCS);
		kw_lp_full_said = true;
		return;
	}
	f->used = f->seen = f->fresh = true;
	f->patch = patch;
	f->func = func;
	f->old_addr = (unsigned long)func->old_func;
	f->new_addr = (unsigned long)func->new_func;
	strscpy(f->module, patch->mod->name, sizeof(f->module));
#ifdef CONFIG_MODULE_SIG
	f->sig_ok = patch->mod->sig_ok;
#endif
	f->taints = patch->mod->taints;
	kw_lp_str(f->object, obj->name, sizeof(f->object), "vmlinux");
	kw_lp_str(f->old_name, func->old_name, sizeof(f->old_name), "?");
}

/*
 * Mark what is applied now.  Returns false when the walk was cut short
 * by its bound: then nothing unseen may be taken for reverted.
 */
static bool kw_lp_walk(void)
{
	unsigned int budget = KW_LP_NODES;
	struct klp_patch *patch;
	struct klp_object *obj;
	struct klp_func *func;

	list_for_each_entry(patch, kw_klp_patches, list) {
		if (!budget--)
			return false;
		if (!patch->enabled)
			continue;
		list_for_each_entry(obj, &patch->obj_list, node) {
			if (!budget--)
				return false;
			if (!obj->patched)
				continue;
			list_for_each_entry(func, &obj->func_list, node) {
				if (!budget--)
					return false;
				if (func->patched && !func->nop)
					kw_lp_seen(patch, obj, func);
			}
		}
	}
	return true;
}

/* What the policy says of the module now; its severity with it */
static void kw_lp_judge(struct kw_lp_func *f, const struct kw_load *load)
{
	bool vouched;

	vouched = kw_policy_vouches(f->module, f->sig_ok, f->taints, load,
				    &f->verdict, f->rule, sizeof(f->rule));
	f->severity = vouched ? KW_SEV_NOTICE : KW_SEV_CRIT;
}

static void kw_lp_report(struct kw_lp_func *f, enum kw_kind kind)
{
	struct kw_alert *a = kzalloc(sizeof(*a), GFP_KERNEL);
	struct kw_load load;
	u64 off;

	if (!a) {
		pr_warn_ratelimited("%s %s: %s, no alert: out of memory\n",
				    kw_kind_name(kind), f->module, f->old_name);
		return;
	}
	/* the module's load record: gone if it was unloaded already */
	kw_modinfo_load(f->module, &load);
	if (kind == KW_KIND_livepatch_applied)
		kw_lp_judge(f, &load);
	a->kind = kind;
	a->severity = f->severity;
	a->action = KW_ACTION_logged;
	a->has = KW_AF_MODLOAD | KW_AF_SEVERITY |
		 (load.has & (KW_AF_HASH | KW_AF_FILE_HASH));
	a->slot = -1;
	a->addr = f->old_addr;
	a->target = f->new_addr;
	strscpy(a->region, "livepatch", sizeof(a->region));
	strscpy(a->module, f->module, sizeof(a->module));
	strscpy(a->object, f->object, sizeof(a->object));
	strscpy(a->symbol, f->old_name, sizeof(a->symbol));
	kw_describe(f->new_addr, a->target_sym, sizeof(a->target_sym), &off,
		    NULL, 0);
	a->sig_ok = f->sig_ok;
	a->taints = f->taints;
	a->verdict = f->verdict;
	strscpy(a->rule, f->rule, sizeof(a->rule));
	a->via = load.via;
	memcpy(a->hash, load.hash, KW_HASH_LEN);
	memcpy(a->file_hash, load.file_hash, KW_HASH_LEN);
	strscpy(a->path, load.path, sizeof(a->path));
	kw_alert_raise(a);
	kfree(a);
}

/* One pass, from the scanner, outside kw_region_lock */
void kw_livepatch_check(void)
{
	struct kw_lp_func *f;
	unsigned int i;
	bool whole;

	mutex_lock(&kw_lp_lock);
	if (!kw_lp || !mutex_trylock(kw_klp_mutex)) {
		mutex_unlock(&kw_lp_lock);
		return;
	}
	for (i = 0; i < KW_LP_FUNCS; i++)
		kw_lp[i].seen = false;
	whole = kw_lp_walk();
	mutex_unlock(kw_klp_mutex);

	if (!whole && !kw_lp_cut_said)
		pr_warn("more than %u livepatch entries: reverts go unreported\n",
			KW_LP_NODES);
	kw_lp_cut_said |= !whole;
	for (i = 0; i < KW_LP_FUNCS; i++) {
		f = &kw_lp[i];
		if (!f->used)
			continue;
		if (f->seen && f->fresh) {
			kw_lp_report(f, KW_KIND_livepatch_applied);
			f->fresh = false;
		} else if (!f->seen && whole) {
			kw_lp_report(f, KW_KIND_livepatch_reverted);
			memset(f, 0, sizeof(*f));
		}
	}
	mutex_unlock(&kw_lp_lock);
}

/* Nothing lost silently: a kwarden that cannot watch them says so */
static void kw_lp_say(const void *table)
{
	if (!table)
		pr_warn("livepatch list unknown, or no memory: livepatches go unreported\n");
}

void kw_livepatch_init(void)
{
	if (KW_TEST_LIVEPATCH_OFF) {
		pr_crit("TEST BUILD: livepatches are not watched (KW_TEST_LIVEPATCH_OFF)\n");
		return;
	}
	kw_klp_patches = (struct list_head *)kw_lookup_name("klp_patches");
	kw_klp_mutex = (struct mutex *)kw_lookup_name("klp_mutex");
	if (kw_klp_patches && kw_klp_mutex)
		kw_lp = vzalloc(array_size(KW_LP_FUNCS, sizeof(*kw_lp)));
	kw_lp_say(kw_lp);
}

void kw_livepatch_exit(void)
{
	mutex_lock(&kw_lp_lock);
	vfree(kw_lp);
	kw_lp = NULL;
	mutex_unlock(&kw_lp_lock);
}

#else /* !CONFIG_LIVEPATCH: no livepatch can be applied */

void kw_livepatch_init(void)
{
}

void kw_livepatch_exit(void)
{
}

void kw_livepatch_check(void)
{
}

#endif
