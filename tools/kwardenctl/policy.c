// SPDX-License-Identifier: GPL-2.0
/*
 * kwardenctl policy show | check [--offline] FILE | learn [--hash] [-o OUT] |
 *                   apply FILE | history | rollback [VERSION]
 *
 * check and apply validate the file (every problem as "file:line:
 * message"), then evaluate every module loaded now against it: a policy
 * that would deny a loaded module (kwarden itself included) if it were
 * loaded again is refused, with the list. apply then hands the file to
 * kwardend, which alone may write /etc/kwarden, installs it and pushes it
 * to kwarden.ko. The steps are separate functions so that a staged
 * promotion (audit first, enforce when healthy) can wrap them.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "alert.h"
#include "kwardenctl.h"
#include "names.h"
#include "policy.h"
#include "proto.h"

#define POLICY_TIMEOUT_MS	30000

static void to_stderr(void *ctx, const char *msg)
{
	fprintf(stderr, "%s\n", msg);
	(*(int *)ctx)++;
}

/* Modules loaded now that p would not let in again */
struct denial {
	const struct live_module *m;
	const struct kw_rule *r;
	unsigned int verdict;
};

static size_t evaluate(const struct kw_policy *p, const struct live_module *m,
		       size_t n, struct denial *out)
{
	struct kw_mod_facts f;
	const struct kw_rule *r;
	unsigned int v;
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		f = (struct kw_mod_facts) {
			.name = m[i].name,
			.path = m[i].path[0] ? m[i].path : NULL,
			.sig_ok = m[i].sig_ok,
			.taints = m[i].taints,
			.hash = m[i].have_hash ? m[i].hash : NULL,
			.file_hash = m[i].have_file_hash ? m[i].file_hash : NULL,
		};
		/* as enforce would: audit is the rehearsal of enforce */
		r = kw_policy_match(&(struct kw_policy) {
			.mode = p->mode == KW_POL_OFF ? KW_POL_OFF : KW_POL_ENFORCE,
			.def = p->def, .rules = p->rules, .nrules = p->nrules,
		}, &f, false, &v);
		if (v == KW_VERDICT_DENIED)
			out[k++] = (struct denial){ .m = &m[i], .r = r, .verdict = v };
	}
	return k;
}

/*
 * 0: valid and no loaded module denied; EXIT_DATAERR; EXIT_POLICY_DENIES;
 * EXIT_TALK if the loaded modules cannot be read.
 */
static int check_file(const struct ctl *ctl, const char *path,
		      json_object *report, bool offline)
{
	struct live_module *mods = NULL;
	struct denial *den = NULL;
	struct kw_policy p;
	bool kw = false, self = false;
	json_object *arr;
	size_t n = 0, nd, i;
	int probs = 0, r;
	char line[KW_POLICY_LINE_MAX];

	r = kw_policy_load(&p, path, to_stderr, &probs);
	if (r < 0) {
		fprintf(stderr, "kwardenctl: %s: %s\n", path, strerror(-r));
		return EXIT_DATAERR;
	}
	json_object_object_add(report, "file", json_object_new_string(path));
	json_object_object_add(report, "problems", json_object_new_int(probs));
	if (probs) {
		kw_policy_free(&p);
		return EXIT_DATAERR;
	}
	json_object_object_add(report, "mode", json_object_new_string(
		kw_pol_mode_name(p.mode) ?: "off"));
	json_object_object_add(report, "rules",
			       json_object_new_int64((int64_t)p.nrules));
	json_object_object_add(report, "offline", json_object_new_boolean(offline));
	if (offline) {
		kw_policy_free(&p);
		return 0;
	}
	r = live_modules(ctl, &mods, &n, &kw);
	if (r) {
		fprintf(stderr, "kwardenctl: cannot list the loaded modules\n");
		kw_policy_free(&p);
		return r;
	}
	den = calloc(n ? n : 1, sizeof(*den));
	nd = den ? evaluate(&p, mods, n, den) : 0;
	json_object_object_add(report, "loaded", json_object_new_int64((int64_t)n));
	json_object_object_add(report, "facts", json_object_new_string(
		kw ? "kwarden.ko" : "/proc/modules"));
	arr = json_object_new_array();
	for (i = 0; i < nd; i++) {
		json_object *o = json_object_new_object();

		self = self || !strcmp(den[i].m->name, "kwarden");
		json_object_object_add(o, "name",
				       json_object_new_string(den[i].m->name));
		if (den[i].r)
			kw_rule_format(den[i].r, line, sizeof(line));
		else
			snprintf(line, sizeof(line), "default deny");
		json_object_object_add(o, "rule", json_object_new_string(line));
		if (den[i].r && den[i].r->line)
			json_object_object_add(o, "line",
					       json_object_new_int((int)den[i].r->line));
		json_object_object_add(o, "hash_known",
				       json_object_new_boolean(den[i].m->have_hash));
		json_object_array_add(arr, o);
		if (!ctl->json)
			fprintf(stderr, "%s: loaded module %s would be denied by %s%s\n",
				path, den[i].m->name, line,
				den[i].m->have_hash ? "" :
				" (no hash known: loaded before kwarden or without it)");
	}
	json_object_object_add(report, "would_deny", arr);
	json_object_object_add(report, "denies_kwarden",
			       json_object_new_boolean(self));
	nd += (size_t)policy_stage_checks(ctl, path, &p, mods, n, report);
	free(den);
	free(mods);
	kw_policy_free(&p);
	if (!den && n)
		return EXIT_TALK;
	return nd ? EXIT_POLICY_DENIES : 0;
}

int policy_request_version(const struct ctl *ctl, enum kw_policy_op op,
			   unsigned int version, json_object **body)
{
	struct kw_request req = { .cmd = KW_CMD_POLICY, .policy_op = op,
				  .version = version };
	int rc;

	kw_filter_init(&req.filter);
	*body = ctl_ask(ctl, &req, POLICY_TIMEOUT_MS, &rc);
	return rc;
}

static bool apply_now;	/* policy apply --now */

int policy_request(const struct ctl *ctl, enum kw_policy_op op,
		   const char *path, json_object **body)
{
	struct kw_request req = { .cmd = KW_CMD_POLICY, .policy_op = op,
				  .now = op == KW_POLICY_APPLY && apply_now };
	int rc;

	kw_filter_init(&req.filter);
	if (path)
		snprintf(req.path, sizeof(req.path), "%s", path);
	*body = ctl_ask(ctl, &req, POLICY_TIMEOUT_MS, &rc);
	return rc;
}

static void show_policy(json_object *pol)
{
	json_object *rules = kw_rec_obj(pol, "rules");
	const char *err = kw_rec_str(pol, "error");
	size_t i, n = rules ? json_object_array_length(rules) : 0;

	printf("file:        %s%s\n", kw_rec_str(pol, "file") ?: "?",
	       json_object_get_boolean(kw_rec_obj(pol, "from_file")) ? "" :
	       " (not there: mode off)");
	printf("mode:        %s\n", kw_rec_str(pol, "mode") ?: "?");
	printf("default:     %s\n", kw_rec_str(pol, "default") ?: "?");
	printf("rules:       %zu, and %lld blocked modules\n", n,
	       (long long)kw_rec_u64(pol, "blocks"));
	printf("generation:  %llu (kwarden.ko has %llu)\n",
	       (unsigned long long)kw_rec_u64(pol, "generation"),
	       (unsigned long long)kw_rec_u64(pol, "pushed_generation"));
	if (kw_rec_obj(pol, "staging"))
		printf("stage:       v%llu %s (file says %s), %llu would-deny, %llu denied%s%s\n",
		       (unsigned long long)kw_rec_u64(kw_rec_obj(pol, "staging"), "version"),
		       kw_rec_str(kw_rec_obj(pol, "staging"), "stage") ?: "?",
		       kw_rec_str(pol, "file_mode") ?: "?",
		       (unsigned long long)kw_rec_u64(kw_rec_obj(pol, "staging"), "would_deny"),
		       (unsigned long long)kw_rec_u64(kw_rec_obj(pol, "staging"), "denied"),
		       kw_rec_str(kw_rec_obj(pol, "staging"), "promote_at") ?
		       ", promotion at " : "",
		       kw_rec_str(kw_rec_obj(pol, "staging"), "promote_at") ?: "");
	if (err)
		printf("error:       %s\n", err);
	for (i = 0; i < n; i++)
		printf("  %s\n", json_object_get_string(
			json_object_array_get_idx(rules, i)));
}

static int do_show(const struct ctl *ctl)
{
	json_object *reply = NULL, *pol;
	int r = policy_request(ctl, KW_POLICY_SHOW, NULL, &reply);

	if (r)
		return r;
	pol = kw_rec_obj(reply, "policy");
	if (ctl->json)
		print_json(pol);
	else
		show_policy(pol);
	json_object_put(reply);
	return 0;
}

static int do_check(const struct ctl *ctl, const char *path, bool offline)
{
	json_object *rep = json_object_new_object();
	int r = check_file(ctl, path, rep, offline);

	json_object_object_add(rep, "valid", json_object_new_boolean(r == 0));
	if (ctl->json)
		print_json(rep);
	else if (!r && offline)
		printf("%s: valid (syntax and schema; the live system not checked)\n",
		       path);
	else if (!r)
		printf("%s: valid; no loaded module, none of the last healthy boot's, and not kwarden would be denied\n",
		       path);
	json_object_put(rep);
	return r;
}

/* Validate, then have kwardend install and push it */
static int do_apply(const struct ctl *ctl, const char *path)
{
	json_object *rep = json_object_new_object(), *reply = NULL;
	char abs[PATH_MAX];
	int r = check_file(ctl, path, rep, false);

	if (r) {
		if (ctl->json)
			print_json(rep);
		fprintf(stderr, "kwardenctl: %s not applied\n", path);
		json_object_put(rep);
		return r;
	}
	json_object_put(rep);
	if (!realpath(path, abs)) {
		fprintf(stderr, "kwardenctl: %s: %s\n", path, strerror(errno));
		return EXIT_DATAERR;
	}
	r = policy_request(ctl, KW_POLICY_APPLY, abs, &reply);
	if (r)
		return r;
	if (ctl->json)
		print_json(reply);
	else
		printf("%s applied as v%llu: mode %s (stage %s), %zu rules, generation %llu\n",
		       path,
		       (unsigned long long)kw_rec_u64(kw_rec_obj(kw_rec_obj(reply, "policy"),
								 "staging"), "version"),
		       kw_rec_str(kw_rec_obj(reply, "policy"), "mode") ?: "?",
		       kw_rec_str(kw_rec_obj(kw_rec_obj(reply, "policy"), "staging"),
				  "stage") ?: "?",
		       json_object_array_length(kw_rec_obj(kw_rec_obj(reply, "policy"),
							   "rules")),
		       (unsigned long long)kw_rec_u64(kw_rec_obj(reply, "policy"),
						      "generation"));
	json_object_put(reply);
	return 0;
}

static int do_learn(const struct ctl *ctl, bool hash, const char *out_path)
{
	struct live_module *mods = NULL;
	struct kw_policy p;
	struct kw_rule r;
	size_t n = 0, i, nohash = 0;
	bool kw = false;
	FILE *out = stdout;
	int err = live_modules(ctl, &mods, &n, &kw);

	if (err) {
		fprintf(stderr, "kwardenctl: cannot list the loaded modules\n");
		return err;
	}
	kw_policy_init(&p);
	p.mode = KW_POL_AUDIT;
	p.def = KW_RULE_DENY;
	for (i = 0; i < n; i++) {
		memset(&r, 0, sizeof(r));
		r.action = KW_RULE_ALLOW;
		r.has = KW_RH_NAME;
		snprintf(r.name, sizeof(r.name), "%s", mods[i].name);
		if (hash && mods[i].have_hash) {
			memcpy(r.hash, mods[i].hash, KW_HASH_LEN);
			r.has |= KW_RH_HASH;
		} else if (hash) {
			nohash++;
		}
		if (kw_policy_add(&p, &r))
			break;
	}
	if (out_path) {
		out = fopen(out_path, "we");
		if (!out) {
			fprintf(stderr, "kwardenctl: %s: %s\n", out_path,
				strerror(errno));
			free(mods);
			kw_policy_free(&p);
			return EXIT_TALK;
		}
	}
	fprintf(out, "# kwarden module-load policy learned from the %zu modules loaded now\n"
		"# (%s). Review it, then: kwardenctl policy apply FILE\n", n,
		kw ? "kwarden.ko's inventory" : "/proc/modules");
	if (nohash)
		fprintf(out, "# %zu modules without sha256: loaded before kwarden.ko (or without it), their hash is unknown\n",
			nohash);
	kw_policy_write(out, &p);
	err = out != stdout ? fclose(out) : fflush(out);
	free(mods);
	kw_policy_free(&p);
	if (!ctl->json && out_path)
		fprintf(stderr, "%s: %zu modules\n", out_path, n);
	return err ? EXIT_TALK : 0;
}

int cmd_policy(struct ctl *ctl, int argc, char **argv)
{
	static const struct option learn_opts[] = {
		{ "hash", no_argument, NULL, 'H' },
		{ "output", required_argument, NULL, 'o' },
		{}
	};
	const char *sub = argc > 1 ? argv[1] : NULL, *out = NULL;
	bool hash = false;
	int c;

	if (!sub)
		return usage_error("%s", "policy: missing show, check, learn, apply, history or rollback");
	if (!strcmp(sub, "show")) {
		if (argc != 2)
			return usage_error("policy show: unexpected argument '%s'", argv[2]);
		return do_show(ctl);
	}
	if (!strcmp(sub, "check") && argc == 4 && !strcmp(argv[2], "--offline"))
		return do_check(ctl, argv[3], true);
	if (!strcmp(sub, "apply") && argc == 4 && !strcmp(argv[2], "--now")) {
		apply_now = true;
		return do_apply(ctl, argv[3]);
	}
	if (!strcmp(sub, "check") || !strcmp(sub, "apply")) {
		if (argc != 3)
			return usage_error("policy %s: needs exactly one FILE", sub);
		return sub[0] == 'c' ? do_check(ctl, argv[2], false) :
				       do_apply(ctl, argv[2]);
	}
	if (!strcmp(sub, "history")) {
		if (argc != 2)
			return usage_error("policy history: unexpected argument '%s'", argv[2]);
		return policy_history(ctl);
	}
	if (!strcmp(sub, "rollback")) {
		if (argc > 3)
			return usage_error("policy rollback: unexpected argument '%s'", argv[3]);
		return policy_rollback(ctl, argc == 3 ? argv[2] : NULL);
	}
	if (!strcmp(sub, "learn")) {
		optind = 1;
		argc--;
		argv++;
		while ((c = getopt_long(argc, argv, "+Ho:", learn_opts, NULL)) != -1) {
			if (c == 'H')
				hash = true;
			else if (c == 'o')
				out = optarg;
			else
				return usage_error("%s", "bad option for 'policy learn'");
		}
		if (optind < argc)
			return usage_error("policy learn: unexpected argument '%s'",
					   argv[optind]);
		return do_learn(ctl, hash, out);
	}
	return usage_error("policy: unknown subcommand '%s'", sub);
}
