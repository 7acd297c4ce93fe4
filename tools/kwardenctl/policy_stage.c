// SPDX-License-Identifier: GPL-2.0
/*
 * kwardenctl's side of the staged policy (docs/policy-staging.md):
 *
 *   policy history            every version kwardend keeps, and the stage
 *   policy rollback [VERSION] back to VERSION (default: the previous one)
 *
 * and the checks "policy check/apply" make beyond the modules loaded now:
 * every module the last healthy boot loaded (kwardend's boot records)
 * and kwarden itself must still be let in.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/kwarden_glob.h>
#include "alert.h"
#include "kwardenctl.h"
#include "names.h"
#include "policy.h"

/*
 * Whether an allow rule names @name but asks for facts a boot record
 * does not keep (hash, path, signature, taints): then a deny by
 * name alone proves nothing.
 */
static bool needs_facts(const struct kw_policy *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->nrules; i++) {
		const struct kw_rule *r = &p->rules[i];

		if (r->action != KW_RULE_ALLOW)
			continue;
		if ((r->has & KW_RH_NAME) && !kw_glob_match(r->name, name))
			continue;
		if ((r->has & (KW_RH_HASH | KW_RH_FILE_HASH | KW_RH_PATH)) ||
		    r->sig || r->taints)
			return true;
	}
	return false;
}

static bool is_loaded(const struct live_module *m, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(m[i].name, name))
			return true;
	return false;
}

/* One module known by name only: 1 if p denies it, with the rule in line */
static int name_denied(const struct kw_policy *p, const char *name,
		       char *line, size_t len)
{
	struct kw_policy as_enforce = *p;
	struct kw_mod_facts f = { .name = name, .sig_ok = true };
	const struct kw_rule *r;
	unsigned int v;

	if (p->mode == KW_POL_OFF)
		return 0;
	as_enforce.mode = KW_POL_ENFORCE;
	r = kw_policy_match(&as_enforce, &f, false, &v);
	if (v != KW_VERDICT_DENIED)
		return 0;
	if (r)
		kw_rule_format(r, line, len);
	else
		snprintf(line, len, "default deny");
	return 1;
}

static void add_denial(json_object *arr, const char *name, const char *rule,
		       const char *why)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(name));
	json_object_object_add(o, "rule", json_object_new_string(rule));
	json_object_object_add(o, "why", json_object_new_string(why));
	json_object_array_add(arr, o);
}

int policy_stage_checks(const struct ctl *ctl, const char *path,
			const struct kw_policy *p,
			const struct live_module *mods, size_t n,
			json_object *report)
{
	json_object *reply = NULL, *boot, *list, *den, *unv;
	char line[KW_POLICY_LINE_MAX];
	const char *id, *name;
	size_t i, k;
	int bad = 0;

	den = json_object_new_array();
	unv = json_object_new_array();
	/* kwarden itself, even when it is not loaded now */
	if (!is_loaded(mods, n, "kwarden") &&
	    name_denied(p, "kwarden", line, sizeof(line))) {
		add_denial(den, "kwarden", line, "kwarden itself");
		json_object_object_add(report, "denies_kwarden",
				       json_object_new_boolean(1));
		if (!ctl->json)
			fprintf(stderr, "%s: kwarden.ko itself would be denied by %s\n",
				path, line);
		bad++;
	}
	if (policy_request(ctl, KW_POLICY_SHOW, NULL, &reply)) {
		json_object_object_add(report, "last_healthy_boot", NULL);
		json_object_object_add(report, "boot_check",
				       json_object_new_string("kwardend unreachable: boot records not checked"));
		if (!ctl->json)
			fprintf(stderr, "%s: kwardend unreachable: the last healthy boot's modules were not checked\n",
				path);
		goto out;
	}
	boot = kw_rec_obj(reply, "last_healthy_boot");
	id = kw_rec_str(boot, "id");
	list = kw_rec_obj(boot, "modules");
	json_object_object_add(report, "last_healthy_boot",
			       id ? json_object_new_string(id) : NULL);
	k = list ? json_object_array_length(list) : 0;
	json_object_object_add(report, "last_healthy_boot_modules",
			       json_object_new_int64((int64_t)k));
	for (i = 0; i < k; i++) {
		name = json_object_get_string(json_object_array_get_idx(list, i));
		if (!name || is_loaded(mods, n, name) ||
		    !name_denied(p, name, line, sizeof(line)))
			continue;
		if (needs_facts(p, name)) {
			add_denial(unv, name, line,
				   "an allow rule for it needs facts the boot record does not keep");
			continue;
		}
		add_denial(den, name, line, "loaded by the last healthy boot");
		if (!ctl->json)
			fprintf(stderr, "%s: module %s, loaded by the last healthy boot (%s), would be denied by %s\n",
				path, name, id, line);
		bad++;
	}
	json_object_put(reply);
out:
	json_object_object_add(report, "would_deny_boot", den);
	json_object_object_add(report, "unverifiable_boot", unv);
	return bad;
}

static void show_history(json_object *h)
{
	json_object *st = kw_rec_obj(h, "state"), *v = kw_rec_obj(h, "versions");
	size_t i, n = v ? json_object_array_length(v) : 0;

	printf("current:  v%llu, stage %s since %s\n",
	       (unsigned long long)kw_rec_u64(st, "version"),
	       kw_rec_str(st, "stage") ?: "?", kw_rec_str(st, "since") ?: "-");
	printf("counts:   %llu would-deny in audit, %llu denied in enforce, %llu boots\n",
	       (unsigned long long)kw_rec_u64(st, "would_deny"),
	       (unsigned long long)kw_rec_u64(st, "denied"),
	       (unsigned long long)kw_rec_u64(st, "boots"));
	if (kw_rec_str(st, "promote_at"))
		printf("promote:  at %s if at most %llu would-deny\n",
		       kw_rec_str(st, "promote_at"),
		       (unsigned long long)kw_rec_u64(st, "max_would_deny"));
	printf("%-8s %-20s %-8s %s\n", "VERSION", "ADDED", "PREVIOUS", "OUTCOME");
	for (i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(v, i);

		printf("%s%-7llu %-20.20s v%-7llu %s\n",
		       json_object_get_boolean(kw_rec_obj(e, "current")) ? "*" : " ",
		       (unsigned long long)kw_rec_u64(e, "version"),
		       kw_rec_str(e, "added") ?: "?",
		       (unsigned long long)kw_rec_u64(e, "previous"),
		       kw_rec_str(e, "outcome") ?: "");
	}
}

int policy_history(const struct ctl *ctl)
{
	json_object *reply = NULL, *h;
	int r = policy_request(ctl, KW_POLICY_HISTORY, NULL, &reply);

	if (r)
		return r;
	h = kw_rec_obj(reply, "history");
	if (ctl->json)
		print_json(h);
	else
		show_history(h);
	json_object_put(reply);
	return 0;
}

int policy_rollback(const struct ctl *ctl, const char *version)
{
	json_object *reply = NULL, *st;
	unsigned long v = 0;
	char *end;
	int r;

	if (version) {
		if (version[0] == 'v')
			version++;
		errno = 0;
		v = strtoul(version, &end, 10);
		if (errno || *end || !v || v > 100000)
			return usage_error("policy rollback: '%s' is not a version",
					   version);
	}
	r = policy_request_version(ctl, KW_POLICY_ROLLBACK, (unsigned int)v,
				   &reply);
	if (r)
		return r;
	st = kw_rec_obj(reply, "state");
	if (ctl->json)
		print_json(reply);
	else
		printf("rolled back: v%llu in force, stage %s\n",
		       (unsigned long long)kw_rec_u64(st, "version"),
		       kw_rec_str(st, "stage") ?: "?");
	json_object_put(reply);
	return 0;
}
