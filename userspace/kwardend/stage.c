// SPDX-License-Identifier: GPL-2.0
/*
 * Staged module-load policy (docs/policy-staging.md).
 *
 * Every policy applied becomes a version in policy_store_dir
 * (lib/policy_store.h). A version whose file says "mode enforce" is first
 * pushed in audit for policy_audit_period: kwarden.ko's module_load
 * alerts with verdict would_deny are counted, and at the end of the
 * period it is promoted to enforce if they stayed within
 * policy_max_would_deny, else held in audit (policy_rolled_back, action
 * logged). Once enforced, policy_storm_denials module_load_denied alerts
 * within policy_storm_window, or an unhealthy boot among its first
 * policy_probation_boots, roll it back to the version in force before it
 * (policy_rolled_back, action rolled_back). The state survives kwardend
 * and reboots in the store's state file.
 *
 * A subscriber of the pipeline (sink.c): it counts would_deny and
 * denials; a rollback it calls for waits for the tick.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include "kwd.h"
#include "boot.h"
#include "genl.h"
#include "log.h"
#include "module_policy.h"
#include "sink.h"
#include "stage.h"
#include "names.h"
#include "policy.h"
#include "policy_store.h"
#include "timefmt.h"

struct kwd_stage {
	bool loaded;
	bool dirty;			/* counts to save at the next tick */
	struct kw_pstate st;
	struct kw_storm storm;
	char rollback_why[200];		/* a rollback to do at the next tick */
	bool now;			/* the next apply skips its audit */
};

/* Its state, reached as d->stage only; made once, before start */
int kwd_stage_init(struct kwd *d)
{
	d->stage = calloc(1, sizeof(*d->stage));
	if (!d->stage)
		return -ENOMEM;
	return 0;
}

static struct kw_stage_cfg stage_cfg(struct kwd *d)
{
	return (struct kw_stage_cfg) {
		.audit_period_ns = (uint64_t)d->cfg.policy_audit_period *
				   NSEC_PER_SEC,
		.max_would_deny = d->cfg.policy_max_would_deny,
		.probation_boots = d->cfg.policy_probation_boots,
	};
}

static void save(struct kwd *d)
{
	int err = kw_pstate_save(d->cfg.policy_store_dir, &d->stage->st);

	if (err)
		kwd_log(LOG_ERR, "policy store %s: state not saved: %s",
			d->cfg.policy_store_dir, strerror(-err));
	d->stage->dirty = false;
}

__printf(3, 4)
static void set_outcome(struct kwd *d, unsigned int ver, const char *fmt, ...)
{
	struct kw_pmeta m;
	va_list ap;

	if (kw_pmeta_load(d->cfg.policy_store_dir, ver, &m))
		memset(&m, 0, sizeof(m));
	va_start(ap, fmt);
	vsnprintf(m.outcome, sizeof(m.outcome), fmt, ap);
	va_end(ap);
	kw_pmeta_save(d->cfg.policy_store_dir, ver, &m);
}

/* "kwardenctl policy apply --now": the admin enforces at once */
void kwd_stage_skip_audit(struct kwd *d, bool now)
{
	d->stage->now = now;
}

/* The mode to push for a file whose own mode is file_mode */
unsigned int kwd_stage_mode(struct kwd *d, unsigned int file_mode)
{
	enum kw_stage s = d->stage->st.stage;

	if (file_mode == KW_POL_ENFORCE &&
	    (s == KW_STAGE_AUDIT || s == KW_STAGE_HELD))
		return KW_POL_AUDIT;
	return file_mode;
}

static json_object *state_json(const struct kw_pstate *st)
{
	json_object *o = json_object_new_object();
	char when[KW_TIME_LEN];

	json_object_object_add(o, "version", json_object_new_int64(st->version));
	json_object_object_add(o, "stage",
			       json_object_new_string(kw_stage_name(st->stage)));
	kw_time_format(st->since_ns, when, sizeof(when));
	json_object_object_add(o, "since", st->since_ns ?
			       json_object_new_string(when) : NULL);
	json_object_object_add(o, "previous", json_object_new_int64(st->previous));
	json_object_object_add(o, "previous_stage", json_object_new_string(
		kw_stage_name(st->previous_stage)));
	json_object_object_add(o, "would_deny",
			       json_object_new_uint64(st->would_deny));
	json_object_object_add(o, "denied", json_object_new_uint64(st->denied));
	json_object_object_add(o, "boots", json_object_new_int64(st->boots));
	return o;
}

json_object *kwd_stage_status(struct kwd *d)
{
	json_object *o = state_json(&d->stage->st);
	struct kw_pstate *st = &d->stage->st;
	char when[KW_TIME_LEN];

	json_object_object_add(o, "store", json_object_new_string(
		d->cfg.policy_store_dir));
	json_object_object_add(o, "audit_period_s", json_object_new_int64(
		d->cfg.policy_audit_period));
	json_object_object_add(o, "max_would_deny", json_object_new_int64(
		d->cfg.policy_max_would_deny));
	if (st->stage == KW_STAGE_AUDIT) {
		kw_time_format(st->since_ns + (uint64_t)d->cfg.policy_audit_period *
			       NSEC_PER_SEC, when, sizeof(when));
		json_object_object_add(o, "promote_at",
				       json_object_new_string(when));
	}
	return o;
}

/* policy_applied or policy_rolled_back, from the state as it is now */
static void raise_policy(struct kwd *d, unsigned int kind, unsigned int action,
			 const char *msg, const char *reason,
			 json_object *extra)
{
	struct kw_alert a = {
		.kind = kind, .action = action,
		.severity = kw_kind_severity(kind),
		.source = KW_SOURCE_DAEMON, .message = msg,
	};
	json_object *detail = state_json(&d->stage->st);

	json_object_object_add(detail, "reason", json_object_new_string(reason));
	json_object_object_add(detail, "audit_period_s", json_object_new_int64(
		d->cfg.policy_audit_period));
	json_object_object_add(detail, "max_would_deny", json_object_new_int64(
		d->cfg.policy_max_would_deny));
	kw_rec_merge(detail, extra);
	a.time_ns = kw_now_ns();
	a.detail = detail;
	kwd_raise(d, &a);
}

/* The policy in force gets the stage's mode again, and goes to kwarden.ko */
static void repush(struct kwd *d)
{
	kwd_policy_restage(d);
	if (kwd_genl_present(d))
		kwd_policy_push(d, NULL, NULL);
}

/*
 * A new version, before the file is installed: stored, and the state
 * made its. Its mode is what the file says; the stage decides the push.
 */
int kwd_stage_new(struct kwd *d, const char *buf, size_t len,
		  const struct kw_policy *p, const char *origin, char *err,
		  size_t errlen)
{
	struct kw_pstate *st = &d->stage->st, old = *st;
	json_object *extra;
	struct kw_pmeta m = {
		.added_ns = kw_now_ns(), .previous = st->version,
		.previous_stage = st->stage,
	};
	bool now = d->stage->now;
	unsigned int ver;
	char msg[300];
	int r;

	d->stage->now = false;
	snprintf(m.origin, sizeof(m.origin), "%s%s", origin,
		 now ? " (--now)" : "");
	snprintf(m.outcome, sizeof(m.outcome), "applied");
	r = kw_pstore_add(d->cfg.policy_store_dir, buf, len, &m, &ver);
	if (r) {
		snprintf(err, errlen, "policy store %s: %s",
			 d->cfg.policy_store_dir, strerror(-r));
		return r;
	}
	if (old.version)
		set_outcome(d, old.version, "replaced by v%u", ver);
	memset(st, 0, sizeof(*st));
	st->version = ver;
	st->since_ns = m.added_ns;
	st->previous = old.version;
	st->previous_stage = old.stage;
	snprintf(st->boot, sizeof(st->boot), "%s", d->boot_id);
	d->stage->loaded = true;	/* a damaged state is replaced now */
	if (p->mode != KW_POL_ENFORCE)
		st->stage = KW_STAGE_AS_FILE;
	else if (d->cfg.policy_audit_period && !now)
		st->stage = KW_STAGE_AUDIT;
	else
		st->stage = KW_STAGE_ENFORCE;
	save(d);
	if (st->stage == KW_STAGE_AUDIT)
		snprintf(msg, sizeof(msg),
			 "module policy v%u applied in audit for %u s before enforce (%s)",
			 ver, d->cfg.policy_audit_period, origin);
	else
		snprintf(msg, sizeof(msg), "module policy v%u applied, mode %s (%s)",
			 ver, kw_pol_mode_name(p->mode) ?: "off", origin);
	extra = json_object_new_object();
	json_object_object_add(extra, "audit_skipped", json_object_new_boolean(
		now && p->mode == KW_POL_ENFORCE));
	raise_policy(d, KW_KIND_policy_applied, KW_ACTION_logged, msg, "applied",
		     extra);
	return 0;
}

static void promote(struct kwd *d)
{
	struct kw_pstate *st = &d->stage->st;
	char msg[300];
	uint64_t wd = st->would_deny;

	st->stage = KW_STAGE_ENFORCE;
	st->since_ns = kw_now_ns();
	st->boots = 0;
	st->denied = 0;
	snprintf(st->boot, sizeof(st->boot), "%s", d->boot_id);
	save(d);
	set_outcome(d, st->version, "promoted to enforce (%llu would-deny in audit)",
		    (unsigned long long)wd);
	repush(d);
	snprintf(msg, sizeof(msg),
		 "module policy v%u promoted to enforce: %llu loads would have been denied during its audit (bound %u)",
		 st->version, (unsigned long long)wd, d->cfg.policy_max_would_deny);
	kwd_log(LOG_NOTICE, "%s", msg);
	raise_policy(d, KW_KIND_policy_applied, KW_ACTION_logged, msg,
		     "promoted", NULL);
}

static void hold(struct kwd *d)
{
	struct kw_pstate *st = &d->stage->st;
	char msg[300];

	st->stage = KW_STAGE_HELD;
	save(d);
	set_outcome(d, st->version, "not promoted: %llu would-deny in audit",
		    (unsigned long long)st->would_deny);
	snprintf(msg, sizeof(msg),
		 "module policy v%u NOT promoted to enforce: %llu loads would have been denied during its audit (bound %u); it stays in audit",
		 st->version, (unsigned long long)st->would_deny,
		 d->cfg.policy_max_would_deny);
	kwd_log(LOG_WARNING, "%s", msg);
	raise_policy(d, KW_KIND_policy_rolled_back, KW_ACTION_logged, msg,
		     "audit_would_deny", NULL);
}

/*
 * Makes version ver the policy in force: installed as the policy file,
 * stage as given, previous from its meta. NULL + err when it cannot.
 */
json_object *kwd_stage_rollback(struct kwd *d, unsigned int ver,
				bool automatic, const char *why, char *err,
				size_t errlen)
{
	struct kw_pstate *st = &d->stage->st, old = *st;
	struct kw_pmeta m;
	json_object *extra;
	enum kw_stage stage, file_stage;
	char *buf = NULL, msg[400];
	size_t len;
	int r;

	if (!ver)
		ver = st->previous;
	if (!ver) {
		snprintf(err, errlen, "no earlier policy version to roll back to");
		return NULL;
	}
	r = kw_pstore_read(d->cfg.policy_store_dir, ver, &buf, &len);
	if (r) {
		snprintf(err, errlen, "policy version %u: %s", ver, strerror(-r));
		return NULL;
	}
	if (kw_pmeta_load(d->cfg.policy_store_dir, ver, &m))
		memset(&m, 0, sizeof(m));
	/*
	 * Automatic: back to how the previous version stood. By hand: the
	 * admin's choice, as the file says (an enforce file is enforced).
	 */
	stage = automatic && ver == old.previous ? old.previous_stage :
		KW_STAGE_NONE;
	memset(st, 0, sizeof(*st));
	st->version = ver;
	st->stage = stage;
	st->since_ns = kw_now_ns();
	st->previous = m.previous;
	st->previous_stage = m.previous_stage;
	snprintf(st->boot, sizeof(st->boot), "%s", d->boot_id);
	r = kwd_policy_install(d, buf, len, err, errlen, &file_stage);
	free(buf);
	if (r) {
		*st = old;
		return NULL;
	}
	/* the stage for a by-hand rollback follows the file's mode */
	if (st->stage == KW_STAGE_NONE)
		st->stage = file_stage;
	if (st->stage == KW_STAGE_AUDIT)
		st->stage = KW_STAGE_HELD;	/* no second audit by itself */
	save(d);
	if (old.version)
		set_outcome(d, old.version, "rolled back to v%u: %s", ver, why);
	set_outcome(d, ver, "in force again (rollback from v%u)", old.version);
	repush(d);
	snprintf(msg, sizeof(msg), "module policy rolled back from v%u to v%u: %s",
		 old.version, ver, why);
	kwd_log(LOG_WARNING, "%s", msg);
	extra = json_object_new_object();
	json_object_object_add(extra, "from_version",
			       json_object_new_int64(old.version));
	json_object_object_add(extra, "from_stage", json_object_new_string(
		kw_stage_name(old.stage)));
	json_object_object_add(extra, "automatic",
			       json_object_new_boolean(automatic));
	json_object_object_add(extra, "denied_before",
			       json_object_new_uint64(old.denied));
	raise_policy(d, KW_KIND_policy_rolled_back, KW_ACTION_rolled_back, msg,
		     why, extra);
	return state_json(st);
}

void kwd_stage_start(struct kwd *d)
{
	struct kw_stage_cfg cfg = stage_cfg(d);
	struct kw_pstate *st = &d->stage->st;
	enum kw_stage_act act;
	char prev[KW_PSTORE_ID_LEN] = "", err[256], why[200];
	bool unhealthy = false;
	int r;

	r = kw_pstate_load(d->cfg.policy_store_dir, st);
	if (r) {
		kwd_log(LOG_ERR, "policy store %s: state unreadable (%s): no staging until the next apply",
			d->cfg.policy_store_dir, strerror(-r));
		memset(st, 0, sizeof(*st));
		return;
	}
	d->stage->loaded = true;
	kwd_boot_previous(d, prev, sizeof(prev), &unhealthy);
	if (kw_stage_boot(st, &cfg, d->boot_id, prev, unhealthy, &act))
		save(d);
	if (act == KW_SA_ROLLBACK) {
		snprintf(why, sizeof(why),
			 "boot %.36s, enforcing v%u, never became healthy",
			 prev, st->version);
		if (d->cfg.safe_mode) {
			kwd_log(LOG_WARNING, "safe_mode: %s, no rollback", why);
		} else if (!kwd_stage_rollback(d, 0, true, "unhealthy_boot", err,
					       sizeof(err))) {
			kwd_log(LOG_CRIT, "policy rollback after an unhealthy boot failed: %s",
				err);
		}
	}
	repush(d);
	if (st->version)
		kwd_log(LOG_INFO, "module policy v%u, stage %s", st->version,
			kw_stage_name(st->stage));
}

/* A module_load would_deny (audit) or module_load_denied (enforce) */
static void stage_note(struct kwd *d, const struct kwd_event *ev,
		       struct kwd_queue *q)
{
	struct kw_pstate *st = &d->stage->st;
	const char *verdict = ev->verdict;

	if (!st->version)
		return;
	if ((st->stage == KW_STAGE_AUDIT || st->stage == KW_STAGE_HELD) &&
	    ev->kind == KW_KIND_module_load && verdict &&
	    !strcmp(verdict, "would_deny")) {
		st->would_deny++;
		d->stage->dirty = true;
	} else if (st->stage == KW_STAGE_ENFORCE &&
		   ev->kind == KW_KIND_module_load_denied) {
		st->denied++;
		d->stage->dirty = true;
		if (kw_storm_add(&d->stage->storm, kw_now_ns(),
				 (uint64_t)d->cfg.policy_storm_window * NSEC_PER_SEC,
				 d->cfg.policy_storm_denials) &&
		    !d->stage->rollback_why[0] && st->previous)
			snprintf(d->stage->rollback_why,
				 sizeof(d->stage->rollback_why),
				 "denial_storm");
	}
}

/* A rollback it asks for waits for the next tick */
const struct kwd_subscriber kwd_stage_subscriber = {
	.name = "stage",
	.note = stage_note,
};

void kwd_stage_tick(struct kwd *d)
{
	struct kw_stage_cfg cfg = stage_cfg(d);
	char err[256];

	if (!d->stage->loaded)
		return;
	if (d->stage->rollback_why[0]) {
		if (d->cfg.safe_mode)
			kwd_log(LOG_WARNING, "safe_mode: denial storm, no rollback");
		else if (!kwd_stage_rollback(d, 0, true, d->stage->rollback_why,
					     err, sizeof(err)))
			kwd_log(LOG_CRIT, "policy rollback after a denial storm failed: %s",
				err);
		d->stage->rollback_why[0] = '\0';
		memset(&d->stage->storm, 0, sizeof(d->stage->storm));
	}
	switch (kw_stage_due(&d->stage->st, &cfg, kw_now_ns())) {
	case KW_SA_PROMOTE:
		promote(d);
		break;
	case KW_SA_HOLD:
		hold(d);
		break;
	default:
		break;
	}
	if (d->stage->dirty)
		save(d);
}

/* Every version kept, newest first, with its meta */
json_object *kwd_stage_history(struct kwd *d)
{
	json_object *o = json_object_new_object(), *arr = json_object_new_array();
	unsigned int *v = NULL;
	struct kw_pmeta m;
	char when[KW_TIME_LEN];
	size_t n = 0, i;

	kw_pstore_versions(d->cfg.policy_store_dir, &v, &n);
	for (i = n; i > 0; i--) {
		json_object *e = json_object_new_object();

		json_object_object_add(e, "version", json_object_new_int64(v[i - 1]));
		json_object_object_add(e, "current", json_object_new_boolean(
			v[i - 1] == d->stage->st.version));
		if (!kw_pmeta_load(d->cfg.policy_store_dir, v[i - 1], &m)) {
			kw_time_format(m.added_ns, when, sizeof(when));
			json_object_object_add(e, "added", json_object_new_string(when));
			json_object_object_add(e, "previous",
					       json_object_new_int64(m.previous));
			json_object_object_add(e, "origin",
					       json_object_new_string(m.origin));
			json_object_object_add(e, "outcome",
					       json_object_new_string(m.outcome));
		}
		json_object_array_add(arr, e);
		if (n - i >= 200)	/* the reply line stays small */
			break;
	}
	free(v);
	json_object_object_add(o, "state", kwd_stage_status(d));
	json_object_object_add(o, "versions_total", json_object_new_int64((int64_t)n));
	json_object_object_add(o, "versions", arr);
	return o;
}
