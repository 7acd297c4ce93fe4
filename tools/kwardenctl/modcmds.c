// SPDX-License-Identifier: GPL-2.0
/*
 * kwardenctl's module commands: the inventory (`modules`), one module's
 * facts (`module show`), `disable`, `quarantine`, `release`, and `top`,
 * a live view of faults and hooks per module.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "alert.h"
#include "blocklist.h"
#include "kwardenctl.h"
#include "proto.h"

#define MODULES_TIMEOUT_MS	30000
#define DISABLE_TIMEOUT_MS	120000	/* unbinding devices may take a while */
#define TOP_MAX			4096

static const char *s_or(json_object *o, const char *key, const char *dflt)
{
	const char *s = kw_rec_str(o, key);

	return s && *s ? s : dflt;
}

static uint64_t n_of(json_object *o, const char *key)
{
	return kw_rec_u64(o, key);
}

/* Only --json (-j) may follow; NAME when want_name */
static int simple_args(struct ctl *ctl, int argc, char **argv,
		       const char **name)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "-j")) {
			ctl->json = true;
		} else if (name && !*name && argv[i][0] != '-') {
			*name = argv[i];
		} else {
			return usage_error("unexpected argument '%s'", argv[i]);
		}
	}
	if (name && !*name)
		return usage_error("%s", "missing module NAME");
	return 0;
}

static int set_name(struct kw_request *req, const char *name)
{
	if (kw_block_name(name, req->name))
		return usage_error("'%s' is not a module name (A-Z a-z 0-9 _ -, at most 55)",
				   name);
	return 0;
}

static void short_hash(const char *h, char *buf, size_t len)
{
	snprintf(buf, len, "%.12s", h && *h ? h : "-");
}

static const char *yes_no(json_object *o, const char *key)
{
	json_object *v = kw_rec_obj(o, key);

	if (!v)
		return "?";
	return json_object_get_boolean(v) ? "yes" : "no";
}

static void modules_header(void)
{
	printf("%-20s %8s %-12s %-6s %-6s %6s %5s %-11s %s\n", "NAME", "SIZE",
	       "SHA256", "SIGNED", "TAINTS", "FAULTS", "HOOKS", "VERDICT",
	       "LOADED (UTC)");
}

static void module_row(json_object *m)
{
	char hash[16], when[24];
	const char *verdict = s_or(m, "blocked", s_or(m, "verdict", "-"));

	short_hash(s_or(m, "sha256", s_or(m, "file_sha256", NULL)), hash,
		   sizeof(hash));
	snprintf(when, sizeof(when), "%s", s_or(m, "load_time", "-"));
	if (strlen(when) >= 19) {
		when[10] = ' ';
		when[19] = '\0';
	}
	show_clean(s_or(m, "name", "?"), 20);
	if (kw_rec_obj(m, "size"))
		printf(" %8" PRIu64 " ", n_of(m, "size"));
	else
		printf(" %8s ", json_object_get_boolean(kw_rec_obj(m, "loaded")) ?
		       "?" : "-");
	show_clean(hash, 12);
	printf(" %-6s ", yes_no(m, "signed"));
	show_clean(s_or(m, "taints", "-"), 6);
	printf(" %6" PRIu64 " %5" PRIu64 " ", n_of(m, "faults"), n_of(m, "hooks"));
	show_clean(json_object_get_boolean(kw_rec_obj(m, "hidden")) ?
		   "HIDDEN" : verdict, 11);
	putchar(' ');
	show_clean(when, 0);
	putchar('\n');
}

int cmd_modules(struct ctl *ctl, int argc, char **argv)
{
	struct kw_request req = { .cmd = KW_CMD_MODULES };
	json_object *reply, *mods;
	size_t i, n;
	int err = simple_args(ctl, argc, argv, NULL);

	if (err)
		return err;
	kw_filter_init(&req.filter);
	reply = ctl_ask(ctl, &req, MODULES_TIMEOUT_MS, &err);
	if (!reply)
		return err;
	mods = kw_rec_obj(reply, "modules");
	n = mods ? json_object_array_length(mods) : 0;
	if (!ctl->json)
		modules_header();
	for (i = 0; i < n; i++) {
		if (ctl->json)
			print_json(json_object_array_get_idx(mods, i));
		else
			module_row(json_object_array_get_idx(mods, i));
	}
	json_object_put(reply);
	return 0;
}

static void show_list(const char *label, json_object *a)
{
	size_t i, n = a ? json_object_array_length(a) : 0;

	printf("%16s: ", label);
	if (!n)
		printf("none");
	for (i = 0; i < n; i++)
		printf("%s%s", i ? ", " : "",
		       json_object_get_string(json_object_array_get_idx(a, i)));
	putchar('\n');
}

static void show_module(json_object *m)
{
	json_object *v, *block = kw_rec_obj(m, "block");
	size_t i, n;

	printf("%16s: %s%s%s\n", "module", s_or(m, "name", "?"),
	       json_object_get_boolean(kw_rec_obj(m, "loaded")) ? ", loaded" :
	       ", not loaded",
	       json_object_get_boolean(kw_rec_obj(m, "hidden")) ? ", HIDDEN" : "");
	printf("%16s: %s, refcnt %s, size %s\n", "state",
	       s_or(m, "state", "-"),
	       kw_rec_obj(m, "refcnt") ? json_object_get_string(kw_rec_obj(m, "refcnt")) : "-",
	       kw_rec_obj(m, "size") ? json_object_get_string(kw_rec_obj(m, "size")) : "-");
	show_list("holders", kw_rec_obj(m, "holders"));
	printf("%16s: %s\n", "taints", s_or(m, "taints", "none"));
	printf("%16s: %s\n", "signed", yes_no(m, "signed"));
	printf("%16s: %s\n", "loaded from", s_or(m, "load_path", "-"));
	printf("%16s: %s (%s)\n", "load", s_or(m, "load_time", "-"),
	       s_or(m, "verdict", "no verdict"));
	printf("%16s: %s\n", "image sha256", s_or(m, "sha256", "-"));
	printf("%16s: %s\n", "file", s_or(m, "file", "-"));
	printf("%16s: %s\n", "file sha256", s_or(m, "file_sha256", "-"));
	printf("%16s: %" PRIu64 " this boot, %" PRIu64 " in the journal\n",
	       "faults", n_of(m, "faults"), n_of(m, "faults_total"));
	v = kw_rec_obj(m, "hook_list");
	n = v ? json_object_array_length(v) : 0;
	printf("%16s: %zu\n", "hooks", n);
	for (i = 0; i < n; i++) {
		json_object *h = json_object_array_get_idx(v, i);

		printf("%18s%s at %s%s%s\n", "", s_or(h, "kind", "?"),
		       s_or(h, "where", "?"), kw_rec_str(h, "handler") ?
		       ", handler " : "", s_or(h, "handler", ""));
	}
	v = kw_rec_obj(m, "drivers");
	n = v ? json_object_array_length(v) : 0;
	for (i = 0; i < n; i++) {
		json_object *drv = json_object_array_get_idx(v, i);
		char label[80];

		snprintf(label, sizeof(label), "driver %s",
			 s_or(drv, "driver", "?"));
		show_list(label, kw_rec_obj(drv, "devices"));
	}
	if (block)
		printf("%16s: %s since %s: %s%s%s\n", "BLOCKED",
		       s_or(block, "state", "?"), s_or(block, "since", "?"),
		       s_or(block, "reason", ""),
		       kw_rec_str(block, "error") ? "; entry damaged: " : "",
		       s_or(block, "error", ""));
	else
		printf("%16s: no\n", "blocked");
}

int cmd_module(struct ctl *ctl, int argc, char **argv)
{
	struct kw_request req = { .cmd = KW_CMD_MODULE };
	const char *name = NULL;
	json_object *reply, *m;
	int err;

	if (argc < 2 || strcmp(argv[1], "show"))
		return usage_error("%s", "usage: kwardenctl module show NAME [--json]");
	err = simple_args(ctl, argc - 1, argv + 1, &name);
	if (!err)
		err = set_name(&req, name);
	if (err)
		return err;
	kw_filter_init(&req.filter);
	reply = ctl_ask(ctl, &req, MODULES_TIMEOUT_MS, &err);
	if (!reply)
		return err;
	m = kw_rec_obj(reply, "module");
	if (ctl->json)
		print_json(m);
	else
		show_module(m);
	json_object_put(reply);
	return 0;
}

static void show_result(json_object *r)
{
	json_object *steps = kw_rec_obj(r, "steps"), *s;
	size_t i, n = steps ? json_object_array_length(steps) : 0;

	if (kw_rec_str(r, "message"))
		printf("%s\n", kw_rec_str(r, "message"));
	else
		printf("%s: %s%s%s\n", s_or(r, "name", "?"), s_or(r, "action", "?"),
		       kw_rec_str(r, "why") ? ": " : "", s_or(r, "why", ""));
	for (i = 0; i < n; i++) {
		s = json_object_array_get_idx(steps, i);
		printf("  %-4s %-14s %s%s%s\n",
		       json_object_get_boolean(kw_rec_obj(s, "ok")) ? "ok" : "FAIL",
		       s_or(s, "step", "?"), s_or(s, "detail", ""),
		       kw_rec_str(s, "error") ? ": " : "", s_or(s, "error", ""));
	}
	if (kw_rec_str(r, "forensics"))
		printf("  forensic record: %s\n", kw_rec_str(r, "forensics"));
}

/* disable NAME [--dry-run] [--reason R], quarantine NAME [--reason R], release NAME */
int cmd_block(struct ctl *ctl, int argc, char **argv)
{
	const char *verb = argv[0];
	static const struct option longopts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "reason", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{}
	};
	struct kw_request req = {};
	json_object *reply;
	int c, err;

	req.cmd = !strcmp(verb, "disable") ? KW_CMD_DISABLE :
		  !strcmp(verb, "quarantine") ? KW_CMD_QUARANTINE :
		  KW_CMD_RELEASE;
	kw_filter_init(&req.filter);
	optind = 0;	/* glibc: a full restart, argv may be permuted */
	while ((c = getopt_long(argc, argv, "nr:j", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (req.cmd != KW_CMD_DISABLE)
				return usage_error("--dry-run is for 'disable' only%s", "");
			req.dry_run = true;
			break;
		case 'r':
			if (req.cmd == KW_CMD_RELEASE)
				return usage_error("--reason is not for 'release'%s", "");
			if (strlen(optarg) > KW_REQ_REASON_MAX)
				return usage_error("--reason: longer than 200 bytes%s", "");
			snprintf(req.reason, sizeof(req.reason), "%s", optarg);
			break;
		case 'j':
			ctl->json = true;
			break;
		default:
			return usage_error("bad option for '%s'", verb);
		}
	}
	if (optind != argc - 1)
		return usage_error(optind < argc ? "%s: one module NAME only" :
				   "%s: missing module NAME", verb);
	err = set_name(&req, argv[optind]);
	if (err)
		return err;
	reply = ctl_ask(ctl, &req, DISABLE_TIMEOUT_MS, &err);
	if (!reply)
		return err;
	if (ctl->json)
		print_json(kw_rec_obj(reply, "result"));
	else
		show_result(kw_rec_obj(reply, "result"));
	json_object_put(reply);
	return 0;
}

/* ---- top ---- */

struct prev {
	char name[KW_NAME_LEN];
	uint64_t faults, alerts;
};

static int by_activity(const void *a, const void *b)
{
	json_object *x = *(json_object *const *)a, *y = *(json_object *const *)b;
	uint64_t ax = n_of(x, "faults") * 1000 + n_of(x, "hooks") * 100 + n_of(x, "alerts");
	uint64_t ay = n_of(y, "faults") * 1000 + n_of(y, "hooks") * 100 + n_of(y, "alerts");

	if (ax != ay)
		return ax < ay ? 1 : -1;
	return strcmp(s_or(x, "name", ""), s_or(y, "name", ""));
}

static struct prev *find_prev(struct prev *p, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(p[i].name, name))
			return &p[i];
	return NULL;
}

static void top_screen(json_object *mods, struct prev *prev, size_t *nprev,
		       unsigned int round, unsigned int interval)
{
	json_object *v[TOP_MAX];
	size_t i, n = json_object_array_length(mods);
	char when[32];
	time_t now = time(NULL);
	struct prev *p;

	if (n > TOP_MAX)
		n = TOP_MAX;
	for (i = 0; i < n; i++)
		v[i] = json_object_array_get_idx(mods, i);
	qsort(v, n, sizeof(v[0]), by_activity);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", gmtime(&now));
	if (isatty(STDOUT_FILENO))
		printf("\033[H\033[2J");
	printf("kwarden top - %s UTC, every %u s, round %u: %zu modules\n\n",
	       when, interval, round, n);
	printf("%-20s %6s %5s %6s %5s %6s %-11s %s\n", "NAME", "FAULTS", "+NEW",
	       "HOOKS", "TAINT", "ALERTS", "STATE", "REFCNT");
	for (i = 0; i < n; i++) {
		const char *name = s_or(v[i], "name", "?");
		uint64_t f = n_of(v[i], "faults"), al = n_of(v[i], "alerts");

		p = find_prev(prev, *nprev, name);
		show_clean(name, 20);
		printf(" %6" PRIu64 " %5" PRIu64 " %6" PRIu64 " ", f,
		       p && f > p->faults ? f - p->faults : 0, n_of(v[i], "hooks"));
		show_clean(s_or(v[i], "taints", "-"), 5);
		printf(" %6" PRIu64 " ", al);
		show_clean(json_object_get_boolean(kw_rec_obj(v[i], "hidden")) ?
			   "HIDDEN" : s_or(v[i], "blocked", s_or(v[i], "state", "-")), 11);
		printf(" %s\n", kw_rec_obj(v[i], "refcnt") ?
		       json_object_get_string(kw_rec_obj(v[i], "refcnt")) : "-");
		if (!p && *nprev < TOP_MAX) {
			p = &prev[(*nprev)++];
			snprintf(p->name, sizeof(p->name), "%s", name);
		}
		if (p) {
			p->faults = f;
			p->alerts = al;
		}
	}
	fflush(stdout);
}

/* top [--interval S] [--iterations N] [--json] */
int cmd_top(struct ctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "interval", required_argument, NULL, 'i' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{}
	};
	struct kw_request req = { .cmd = KW_CMD_MODULES };
	unsigned long interval = 2, iterations = 0, round;
	struct prev *prev;
	json_object *reply, *o;
	size_t nprev = 0;
	char *end;
	int c, err, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, "i:n:j", longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
		case 'n':
			errno = 0;
			if (c == 'i')
				interval = strtoul(optarg, &end, 10);
			else
				iterations = strtoul(optarg, &end, 10);
			if (errno || *end || *optarg == '-' ||
			    (c == 'i' ? !interval || interval > 3600 :
			     !iterations || iterations > 1000000))
				return usage_error(c == 'i' ? "--interval: '%s' is not 1 to 3600 seconds" :
						   "--iterations: '%s' is not a positive number",
						   optarg);
			break;
		case 'j':
			ctl->json = true;
			break;
		default:
			return usage_error("%s", "bad option for 'top'");
		}
	}
	if (optind < argc)
		return usage_error("top: unexpected argument '%s'", argv[optind]);
	kw_filter_init(&req.filter);
	if (ctl->json) {
		reply = ctl_ask(ctl, &req, MODULES_TIMEOUT_MS, &err);
		if (!reply)
			return err;
		o = json_object_new_object();
		json_object_object_add(o, "time", json_object_new_int64(time(NULL)));
		json_object_object_add(o, "modules",
				       json_object_get(kw_rec_obj(reply, "modules")));
		print_json(o);
		json_object_put(o);
		json_object_put(reply);
		return 0;
	}
	prev = calloc(TOP_MAX, sizeof(*prev));
	if (!prev)
		return EXIT_TALK;
	for (round = 1; !iterations || round <= iterations; round++) {
		reply = ctl_ask(ctl, &req, MODULES_TIMEOUT_MS, &rc);
		if (!reply) {
			free(prev);
			return rc;
		}
		top_screen(kw_rec_obj(reply, "modules"), prev, &nprev,
			   (unsigned int)round, (unsigned int)interval);
		json_object_put(reply);
		if (!iterations || round < iterations)
			sleep((unsigned int)interval);
	}
	free(prev);
	return 0;
}
