// SPDX-License-Identifier: GPL-2.0
/*
 * kwarden - the module-load policy, and the gate that applies it
 *
 * kwardend sends the whole policy in one KWARDEN_CMD_POLICY request: a
 * mode (off, audit, enforce), a default action (allow, deny) and up to
 * KW_MAX_RULES rules, each already parsed and validated by netlink
 * attribute policies (no text is parsed here).  A rule matches when every
 * field it has matches: name glob, sha256 of the image, sha256 of the
 * file, signature state, any of a taint mask, path glob.  BLOCK rules
 * (disabled and quarantined modules) are tried first; then the others in
 * order, first match wins; else the default.  BLOCK denies in every mode;
 * safe mode turns every denial into "would_deny".
 *
 * The gate is a module notifier at the highest priority: at
 * MODULE_STATE_COMING it runs before anyone else (modwatch.c's baseline
 * included) and returns -EPERM through notifier_from_errno() to deny, so
 * load_module() unwinds before the module's init runs.  Every decided
 * load raises one module_load or module_load_denied alert.  The policy is
 * swapped under RCU; matching is bounded by the rule count and the
 * lengths the netlink policies allow.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/cred.h>
#include <linux/kwarden_glob.h>
#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/genetlink.h>

#include "kwarden.h"

/*
 * TEST ONLY: a build with KCFLAGS=-DKW_TEST_GATE_BROKEN=1 drops every rule
 * kwardend sends (the gate holds none), =2 keeps them but lets every
 * module in, so that the tests of the gate can be seen to fail
 * (tools/vm/broken-gate).  Regular builds have 0 and no such code.
 */
#ifndef KW_TEST_GATE_BROKEN
#define KW_TEST_GATE_BROKEN	0
#endif

/* Which fields a rule has */
#define KW_RH_NAME	(1U << 0)
#define KW_RH_HASH	(1U << 1)
#define KW_RH_FILE_HASH	(1U << 2)
#define KW_RH_PATH	(1U << 3)

struct kw_rule {
	u32 action;		/* enum kw_rule_action */
	u32 id;			/* line in the policy file */
	u32 has;		/* KW_RH_* */
	u32 sig;		/* KW_RULE_SIG_* */
	u32 taints;		/* 0: any */
	u8 hash[KW_HASH_LEN];
	u8 file_hash[KW_HASH_LEN];
	char name[KW_NAME_LEN];
	char path[KW_PATH_LEN];
	char reason[KW_REASON_LEN];
};

struct kw_policy {
	u32 mode;		/* enum kw_pol_mode */
	u32 def;		/* KW_RULE_ALLOW or KW_RULE_DENY */
	u64 gen;
	u32 nrules;
	struct kw_rule rules[];
};

/* Until kwardend sends one: report loads, deny nothing */
static struct kw_policy kw_policy_none = {
	.mode = KW_POL_OFF,
	.def = KW_RULE_ALLOW,
};

static struct kw_policy __rcu *kw_pol = &kw_policy_none;
static DEFINE_MUTEX(kw_pol_mutex);
static atomic64_t kw_loads, kw_denied, kw_would_deny;

/* What is known of the module at COMING */
struct kw_facts {
	const char *name;
	u32 sig_ok;
	u32 taints;
	const struct kw_load *load;
};

static bool kw_rule_match(const struct kw_rule *r, const struct kw_facts *f)
{
	const struct kw_load *l = f->load;

	if ((r->has & KW_RH_NAME) && !kw_glob_match(r->name, f->name))
		return false;
	if ((r->has & KW_RH_HASH) &&
	    (!(l->has & KW_AF_HASH) || memcmp(r->hash, l->hash, KW_HASH_LEN)))
		return false;
	if ((r->has & KW_RH_FILE_HASH) &&
	    (!(l->has & KW_AF_FILE_HASH) ||
	     memcmp(r->file_hash, l->file_hash, KW_HASH_LEN)))
		return false;
	if (r->sig == KW_RULE_SIG_SIGNED && !f->sig_ok)
		return false;
	if (r->sig == KW_RULE_SIG_UNSIGNED && f->sig_ok)
		return false;
	if (r->taints && !(r->taints & f->taints))
		return false;
	if ((r->has & KW_RH_PATH) &&
	    (!l->path[0] || !kw_glob_match(r->path, l->path)))
		return false;
	return true;
}

/* First BLOCK rule that matches, else the first other rule; or NULL */
static const struct kw_rule *kw_rule_find(const struct kw_policy *pol,
					  const struct kw_facts *f)
{
	const struct kw_rule *r;
	u32 i;

	for (i = 0; i < pol->nrules; i++) {
		r = &pol->rules[i];
		if (r->action == KW_RULE_BLOCK && kw_rule_match(r, f))
			return r;
	}
	for (i = 0; i < pol->nrules; i++) {
		r = &pol->rules[i];
		if (r->action != KW_RULE_BLOCK && kw_rule_match(r, f))
			return r;
	}
	return NULL;
}

static void kw_rule_text(char *buf, size_t len, const struct kw_rule *r,
			 u32 index)
{
	if (r->action == KW_RULE_BLOCK)
		scnprintf(buf, len, "block: %s", r->reason[0] ? r->reason :
			  r->name);
	else if (r->reason[0])
		scnprintf(buf, len, "rule %u (line %u): %s", index + 1, r->id,
			  r->reason);
	else
		scnprintf(buf, len, "rule %u (line %u)", index + 1, r->id);
}

/* What the gate decided, and why */
struct kw_decision {
	u32 verdict;
	char rule[KW_RULE_LEN];
};

/* Fills @a; true if the load must be refused */
static bool kw_decide(const struct kw_facts *f, struct kw_decision *a)
{
	const struct kw_policy *pol;
	const struct kw_rule *r;
	/* safe mode, or degraded by a failed self-check: deny nothing */
	bool degraded = kw_degraded();
	bool safe = kw_safe_mode() || degraded, deny = false;
	u32 action;

	rcu_read_lock();
	pol = rcu_dereference(kw_pol);
	r = kw_rule_find(pol, f);
	if (pol->mode == KW_POL_OFF && !(r && r->action == KW_RULE_BLOCK)) {
		a->verdict = KW_VERDICT_NONE;
		strscpy(a->rule, "policy off", sizeof(a->rule));
		rcu_read_unlock();
		return false;
	}
	action = r ? r->action : pol->def;
	if (r)
		kw_rule_text(a->rule, sizeof(a->rule), r, r - pol->rules);
	else
		scnprintf(a->rule, sizeof(a->rule), "default %s",
			  pol->def == KW_RULE_DENY ? "deny" : "allow");
	if (action == KW_RULE_ALLOW) {	/* BLOCK and DENY deny */
		a->verdict = KW_VERDICT_ALLOWED;
	} else if (!safe && (pol->mode == KW_POL_ENFORCE ||
			     (r && r->action == KW_RULE_BLOCK))) {
		a->verdict = KW_VERDICT_DENIED;
		deny = true;
	} else {
		a->verdict = KW_VERDICT_WOULD_DENY;
	}
	rcu_read_unlock();
	if (safe && a->verdict == KW_VERDICT_WOULD_DENY)
		strlcat(a->rule, degraded ? ", kwarden degraded" : ", safe mode",
			sizeof(a->rule));
	if (KW_TEST_GATE_BROKEN == 2 && deny) {
		a->verdict = KW_VERDICT_ALLOWED;
		deny = false;
	}
	return deny;
}

/*
 * An allow rule that names a module: by its exact name (no glob), a hash
 * of it, or its verified signature.  Paths, taints and globs only sort
 * modules; they do not say which one.
 */
static bool kw_rule_names(const struct kw_rule *r)
{
	if (r->action != KW_RULE_ALLOW)
		return false;
	if ((r->has & KW_RH_NAME) && !strpbrk(r->name, "*?["))
		return true;
	return (r->has & (KW_RH_HASH | KW_RH_FILE_HASH)) ||
	       r->sig == KW_RULE_SIG_SIGNED;
}

/*
 * What the policy in force says of module @name, with its signature state,
 * taints and how it was loaded (a livepatch's owner, after its load): @verdict and @rule as the gate
 * would decide now.  True when a rule that names it allows it, in audit
 * or enforce mode: the policy vouches for it.
 */
bool kw_policy_vouches(const char *name, u32 sig_ok, u32 taints,
		       const struct kw_load *load, u32 *verdict, char *rule,
		       size_t len)
{
	struct kw_facts f = {
		.name = name,
		.sig_ok = sig_ok,
		.taints = taints,
		.load = load,
	};
	struct kw_decision dec = {};
	const struct kw_policy *pol;
	const struct kw_rule *r;
	bool vouched;

	kw_decide(&f, &dec);
	rcu_read_lock();
	pol = rcu_dereference(kw_pol);
	r = kw_rule_find(pol, &f);
	vouched = pol->mode != KW_POL_OFF && r && kw_rule_names(r);
	rcu_read_unlock();
	*verdict = dec.verdict;
	strscpy(rule, dec.rule, len);
	return vouched && dec.verdict == KW_VERDICT_ALLOWED;
}

/* The kernel log is all that is left to say it */
static void kw_gate_unreported(const struct module *mod, bool deny,
			       const struct kw_decision *dec)
{
	pr_warn_ratelimited("module %s %s (%s), no alert: out of memory\n",
			    mod->name, deny ? "denied" : "let in", dec->rule);
}

/* The gate, at MODULE_STATE_COMING in the loading task */
static int kw_gate(struct module *mod)
{
	struct kw_load load;
	struct kw_facts f = { .name = mod->name, .load = &load };
	struct kw_decision dec = {};
	struct kw_alert *a;
	bool deny;

	kw_modgate_take(&load);
	pr_debug("%s: sha256 of %llu bytes in %llu ns (in kprobes)\n",
		 mod->name, load.hashed, load.hash_ns);
#ifdef CONFIG_MODULE_SIG
	f.sig_ok = mod->sig_ok;
#endif
	f.taints = mod->taints;
	deny = kw_decide(&f, &dec);
	atomic64_inc(&kw_loads);
	if (dec.verdict == KW_VERDICT_DENIED)
		atomic64_inc(&kw_denied);
	else if (dec.verdict == KW_VERDICT_WOULD_DENY)
		atomic64_inc(&kw_would_deny);

	/* the decision stands without memory for the alert; say so */
	a = kzalloc(sizeof(*a), GFP_KERNEL);
	if (!a) {
		kw_gate_unreported(mod, deny, &dec);
		return deny ? -EPERM : 0;
	}
	a->kind = deny ? KW_KIND_module_load_denied : KW_KIND_module_load;
	a->action = deny ? KW_ACTION_denied : KW_ACTION_logged;
	a->slot = -1;
	a->has = KW_AF_MODLOAD | KW_AF_TASK |
		 (load.has & (KW_AF_HASH | KW_AF_FILE_HASH));
	a->verdict = dec.verdict;
	strscpy(a->rule, dec.rule, sizeof(a->rule));
	strscpy(a->module, mod->name, sizeof(a->module));
	memcpy(a->hash, load.hash, KW_HASH_LEN);
	memcpy(a->file_hash, load.file_hash, KW_HASH_LEN);
	strscpy(a->path, load.path, sizeof(a->path));
	a->via = load.via;
	a->sig_ok = f.sig_ok;
	a->taints = f.taints;
	a->pid = task_tgid_nr(current);
	a->uid = from_kuid_munged(&init_user_ns, current_uid());
	get_task_comm(a->comm, current);
	kw_alert_raise(a);
	if (!deny) {
		a->time_ns = ktime_get_real_ns();
		kw_modinfo_add(a);
	}
	kfree(a);
	return deny ? -EPERM : 0;
}

static int kw_gate_notify(struct notifier_block *nb, unsigned long state,
			  void *data)
{
	struct module *mod = data;

	if (state == MODULE_STATE_COMING)
		return notifier_from_errno(kw_gate(mod));
	if (state == MODULE_STATE_GOING)
		kw_modinfo_del(mod->name);
	return NOTIFY_OK;
}

static struct notifier_block kw_gate_nb = {
	.notifier_call = kw_gate_notify,
	.priority = INT_MAX,	/* before anyone else acts on the module */
};

static void kw_rule_fill(struct kw_rule *r, struct nlattr **tb)
{
	r->action = nla_get_u32(tb[KWARDEN_R_ACTION]);
	if (tb[KWARDEN_R_NAME]) {
		nla_strscpy(r->name, tb[KWARDEN_R_NAME], sizeof(r->name));
		r->has |= KW_RH_NAME;
	}
	if (tb[KWARDEN_R_HASH]) {
		nla_memcpy(r->hash, tb[KWARDEN_R_HASH], KW_HASH_LEN);
		r->has |= KW_RH_HASH;
	}
	if (tb[KWARDEN_R_FILE_HASH]) {
		nla_memcpy(r->file_hash, tb[KWARDEN_R_FILE_HASH], KW_HASH_LEN);
		r->has |= KW_RH_FILE_HASH;
	}
	if (tb[KWARDEN_R_PATH]) {
		nla_strscpy(r->path, tb[KWARDEN_R_PATH], sizeof(r->path));
		r->has |= KW_RH_PATH;
	}
	if (tb[KWARDEN_R_SIG])
		r->sig = nla_get_u32(tb[KWARDEN_R_SIG]);
	if (tb[KWARDEN_R_TAINTS])
		r->taints = nla_get_u32(tb[KWARDEN_R_TAINTS]);
	if (tb[KWARDEN_R_ID])
		r->id = nla_get_u32(tb[KWARDEN_R_ID]);
	if (tb[KWARDEN_R_REASON])
		nla_strscpy(r->reason, tb[KWARDEN_R_REASON], sizeof(r->reason));
}

/* KWARDEN_CMD_POLICY: replace the whole policy; attributes are validated */
int kw_policy_set(struct genl_info *info)
{
	struct nlattr *tb[KWARDEN_R_MAX + 1], *nla;
	struct kw_policy *pol, *old;
	u32 n = 0, i = 0;
	int rem, err;

	if (!info->attrs[KWARDEN_A_POL_MODE] ||
	    !info->attrs[KWARDEN_A_POL_DEFAULT]) {
		NL_SET_ERR_MSG(info->extack, "policy needs a mode and a default");
		return -EINVAL;
	}
	nlmsg_for_each_attr(nla, info->nlhdr, GENL_HDRLEN, rem)
		if (nla_type(nla) == KWARDEN_A_POL_RULE && ++n > KW_MAX_RULES) {
			NL_SET_ERR_MSG(info->extack, "too many rules");
			return -E2BIG;
		}
	pol = kvzalloc(struct_size(pol, rules, n), GFP_KERNEL);
	if (!pol)
		return -ENOMEM;
	pol->mode = nla_get_u32(info->attrs[KWARDEN_A_POL_MODE]);
	pol->def = nla_get_u32(info->attrs[KWARDEN_A_POL_DEFAULT]);
	if (info->attrs[KWARDEN_A_POL_GEN])
		pol->gen = nla_get_u64(info->attrs[KWARDEN_A_POL_GEN]);
	nlmsg_for_each_attr(nla, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(nla) != KWARDEN_A_POL_RULE || i >= n)
			continue;
		err = nla_parse_nested(tb, KWARDEN_R_MAX, nla,
				       kw_rule_nl_policy, info->extack);
		if (!err && !tb[KWARDEN_R_ACTION]) {
			NL_SET_ERR_MSG_ATTR(info->extack, nla, "rule without an action");
			err = -EINVAL;
		}
		if (err) {
			kvfree(pol);
			return err;
		}
		kw_rule_fill(&pol->rules[i++], tb);
	}
	pol->nrules = KW_TEST_GATE_BROKEN == 1 ? 0 : i;

	mutex_lock(&kw_pol_mutex);
	old = rcu_replace_pointer(kw_pol, pol, lockdep_is_held(&kw_pol_mutex));
	mutex_unlock(&kw_pol_mutex);
	synchronize_rcu();
	if (old != &kw_policy_none)
		kvfree(old);
	pr_info("module policy %llu: mode %u, default %s, %u rules\n",
		pol->gen, pol->mode, pol->def == KW_RULE_DENY ? "deny" : "allow",
		pol->nrules);
	return 0;
}

int kw_policy_put_status(struct sk_buff *skb)
{
	const struct kw_policy *pol;
	u32 mode, nrules;
	u64 gen;

	rcu_read_lock();
	pol = rcu_dereference(kw_pol);
	mode = pol->mode;
	nrules = pol->nrules;
	gen = pol->gen;
	rcu_read_unlock();
	if (nla_put_u32(skb, KWARDEN_A_ST_POL_MODE, mode) ||
	    nla_put_u32(skb, KWARDEN_A_ST_POL_RULES, nrules) ||
	    nla_put_u64_64bit(skb, KWARDEN_A_ST_POL_GEN, gen, KWARDEN_A_UNSPEC) ||
	    nla_put_u64_64bit(skb, KWARDEN_A_ST_LOADS,
			      atomic64_read(&kw_loads), KWARDEN_A_UNSPEC) ||
	    nla_put_u64_64bit(skb, KWARDEN_A_ST_DENIED,
			      atomic64_read(&kw_denied), KWARDEN_A_UNSPEC) ||
	    nla_put_u64_64bit(skb, KWARDEN_A_ST_WOULD_DENY,
			      atomic64_read(&kw_would_deny), KWARDEN_A_UNSPEC))
		return -EMSGSIZE;
	return 0;
}

int kw_policy_init(void)
{
	if (KW_TEST_GATE_BROKEN)
		pr_crit("TEST BUILD: the module gate is broken on purpose (KW_TEST_GATE_BROKEN=%d)\n",
			KW_TEST_GATE_BROKEN);
	return register_module_notifier(&kw_gate_nb);
}

void kw_policy_exit(void)
{
	struct kw_policy *old;

	unregister_module_notifier(&kw_gate_nb);
	mutex_lock(&kw_pol_mutex);
	old = rcu_replace_pointer(kw_pol, &kw_policy_none,
				  lockdep_is_held(&kw_pol_mutex));
	mutex_unlock(&kw_pol_mutex);
	synchronize_rcu();
	if (old != &kw_policy_none)
		kvfree(old);
}
