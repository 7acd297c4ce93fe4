// SPDX-License-Identifier: GPL-2.0
/*
 * kwardend's side of the module-load policy (docs/policy.md).
 *
 * The policy file (config policy_file, default /etc/kwarden/policy; a
 * missing file is mode off) is read at start and on a control "policy"
 * request, and pushed to kwarden.ko whole, together with the blocklist's
 * BLOCK rules, whenever kwarden.ko (re)appears. A file with any problem
 * is never pushed: the policy in force stays, and the problems are
 * reported. "apply" validates a new file, installs it atomically in place
 * of the policy file (which the guard lets only kwardend write), then
 * pushes it; a staged promotion can wrap exactly this.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include "blocklist.h"
#include "kwd.h"
#include "genl.h"
#include "log.h"
#include "module_policy.h"
#include "stage.h"
#include "names.h"
#include "policy.h"
#include "policy_store.h"
#include "timefmt.h"


#define SHOW_RULES_MAX	100	/* rules listed by "policy show" */

struct kwd_policy {
	struct kw_policy pol;		/* in force */
	unsigned int file_mode;		/* pol's mode in its file (stage.c) */
	bool from_file;			/* false: no file, mode off */
	uint64_t gen;			/* of pol */
	uint64_t pushed_gen;		/* kwarden.ko acknowledged */
	unsigned int nblocks;		/* BLOCK rules sent with it */
	char error[256];		/* last problem, "" if none */
	unsigned int problems;
};

/* Its state, reached as d->policy only; made once, before start */
int kwd_policy_init(struct kwd *d)
{
	d->policy = calloc(1, sizeof(*d->policy));
	if (!d->policy)
		return -ENOMEM;
	return 0;
}

struct report_ctx {
	unsigned int n;
	char *first;
	size_t len;
};

static void report(void *ctx, const char *msg)
{
	struct report_ctx *r = ctx;

	if (!r->n++)
		snprintf(r->first, r->len, "%s", msg);
	kwd_log(LOG_ERR, "policy: %s", msg);
}

/* Parses path into *out; >0 problems (first in err), <0 -errno */
static int load(const char *path, struct kw_policy *out, char *err,
		size_t errlen)
{
	struct report_ctx r = { .first = err, .len = errlen };
	int n = kw_policy_load(out, path, report, &r);

	if (n < 0)
		snprintf(err, errlen, "%s: %s", path, strerror(-n));
	else if (n > 0 && r.n > 1)
		snprintf(err + strlen(err), errlen - strlen(err),
			 " (and %u more problems)", r.n - 1);
	return n;
}

/* kwarden.ko's status after a push: the generation it now has */
void kwd_policy_acked(struct kwd *d, json_object *st)
{
	json_object *v;

	if (st && json_object_object_get_ex(st, "policy_generation", &v))
		d->policy->pushed_gen = json_object_get_uint64(v);
}

static void on_pushed(struct kwd *d, void *ctx, json_object *st,
		      const char *error)
{
	struct kwd_policy *p = d->policy;

	if (error) {
		snprintf(p->error, sizeof(p->error),
			 "kwarden.ko refused the policy: %s", error);
		kwd_log(LOG_ERR, "%s", p->error);
		return;
	}
	kwd_policy_acked(d, st);
}

/* The policy in force and the blocklist, to kwarden.ko */
int kwd_policy_push(struct kwd *d, kwd_kmod_done_fn *done, void *ctx)
{
	struct kwd_policy *p = d->policy;
	struct kw_block *blocks = NULL;
	size_t n = 0;
	int err;

	if (!kwd_genl_present(d))
		return -ENOENT;
	/* -E2BIG: the first KW_BLOCK_MAX entries, still worth pushing */
	err = kw_block_list(d->cfg.blocklist_dir, &blocks, &n);
	if (err)
		kwd_log(LOG_ERR, "blocklist %s: %s%s", d->cfg.blocklist_dir,
			strerror(-err), err == -E2BIG ?
			": only the first entries are pushed to kwarden.ko" :
			": no block is pushed to kwarden.ko");
	if (err && err != -E2BIG)
		n = 0;
	p->nblocks = (unsigned int)n;
	err = kwd_genl_push(d, &p->pol, blocks, n, p->gen, done ?: on_pushed,
			    ctx);
	free(blocks);
	if (err)
		kwd_log(LOG_ERR, "pushing the module policy failed: %s",
			strerror(-err));
	return err;
}

void kwd_policy_connected(struct kwd *d)
{
	kwd_policy_push(d, NULL, NULL);
}

/* Makes newp the policy in force (taking its rules) */
static void take(struct kwd *d, struct kw_policy *newp, bool file)
{
	struct kwd_policy *p = d->policy;

	kw_policy_free(&p->pol);
	p->pol = *newp;
	kw_policy_init(newp);
	p->file_mode = p->pol.mode;
	p->pol.mode = kwd_stage_mode(d, p->file_mode);
	p->from_file = file;
	p->gen = kw_now_ns();
	p->error[0] = '\0';
	p->problems = 0;
}

/* The policy file again; a bad file keeps the policy in force */
static int reload(struct kwd *d, char *err, size_t errlen)
{
	struct kwd_policy *p = d->policy;
	struct kw_policy newp;
	int n = load(d->cfg.policy_file, &newp, err, errlen);

	if (n == -ENOENT) {
		kw_policy_init(&newp);
		take(d, &newp, false);
		return 0;
	}
	if (n) {
		kw_policy_free(&newp);
		snprintf(p->error, sizeof(p->error), "%s", err);
		p->problems = n > 0 ? (unsigned int)n : 1;
		return n > 0 ? -EINVAL : n;
	}
	take(d, &newp, true);
	return 0;
}

int kwd_policy_start(struct kwd *d)
{
	char err[256] = "";
	int ret = reload(d, err, sizeof(err));

	if (ret)
		kwd_log(LOG_ERR, "module policy not loaded, mode off: %s", err);
	else
		kwd_log(LOG_INFO, "module policy: %s, mode %s, default %s, %zu rules",
			d->policy->from_file ? d->cfg.policy_file : "no file",
			kw_pol_mode_name(d->policy->pol.mode),
			d->policy->pol.def == KW_RULE_DENY ? "deny" : "allow",
			d->policy->pol.nrules);
	return ret;
}

void kwd_policy_stop(struct kwd *d)
{
	kw_policy_free(&d->policy->pol);
}

static int read_all(const char *path, char **buf, size_t *len)
{
	FILE *f = fopen(path, "re");
	size_t cap = 0;
	char *b = NULL, *nb;
	size_t n = 0, r;

	if (!f)
		return -errno;
	do {
		if (n + 4096 > cap) {
			cap = cap ? cap * 2 : 8192;
			nb = cap > KW_POLICY_MAX_BYTES + 8192 ? NULL :
			     realloc(b, cap);
			if (!nb) {
				free(b);
				fclose(f);
				return -EFBIG;
			}
			b = nb;
		}
		r = fread(b + n, 1, cap - n, f);
		n += r;
	} while (r > 0);
	fclose(f);
	*buf = b;
	*len = n;
	return 0;
}

/*
 * reload (path NULL) or apply path. 0: pushed (done() will be called),
 * 1: done without kwarden.ko (nothing to push), <0: err says why.
 */
int kwd_policy_request(struct kwd *d, const char *path, char *err,
		       size_t errlen, kwd_kmod_done_fn *done, void *ctx)
{
	struct kw_policy newp;
	struct report_ctx r = { .first = err, .len = errlen };
	char *buf = NULL;
	size_t len = 0;
	int n;

	err[0] = '\0';
	if (!path) {
		n = reload(d, err, errlen);
		if (n)
			return n;
	} else {
		n = read_all(path, &buf, &len);
		if (n) {
			snprintf(err, errlen, "%s: %s", path, strerror(-n));
			return n;
		}
		n = kw_policy_parse(&newp, path, buf, len, report, &r);
		if (n) {
			if (r.n > 1)
				snprintf(err + strlen(err), errlen - strlen(err),
					 " (and %u more problems)", r.n - 1);
			kw_policy_free(&newp);
			free(buf);
			return -EINVAL;
		}
		n = kwd_stage_new(d, buf, len, &newp, path, err, errlen);
		if (n) {
			kw_policy_free(&newp);
			free(buf);
			return n;
		}
		n = kw_write_atomic(d->cfg.policy_file, buf, len, 0600);
		free(buf);
		if (n) {
			snprintf(err, errlen, "installing %s: %s",
				 d->cfg.policy_file, strerror(-n));
			kw_policy_free(&newp);
			return n;
		}
		take(d, &newp, true);
		kwd_log(LOG_NOTICE, "module policy from %s installed as %s",
			path, d->cfg.policy_file);
	}
	if (!kwd_genl_present(d))
		return 1;
	n = kwd_policy_push(d, done, ctx);
	if (n)
		snprintf(err, errlen, "pushing to kwarden.ko: %s", strerror(-n));
	return n;
}

/* The stage's mode again over the file's (stage.c) */
void kwd_policy_restage(struct kwd *d)
{
	unsigned int m = kwd_stage_mode(d, d->policy->file_mode);

	if (m != d->policy->pol.mode) {
		d->policy->pol.mode = m;
		d->policy->gen = kw_now_ns();
	}
}

/*
 * A stored version back in place of the policy file (stage.c's
 * rollback); *stage gets what its own mode stages to.
 */
int kwd_policy_install(struct kwd *d, const char *buf, size_t len, char *err,
		       size_t errlen, enum kw_stage *stage)
{
	struct report_ctx r = { .first = err, .len = errlen };
	struct kw_policy newp;
	int n = kw_policy_parse(&newp, "stored version", buf, len, report, &r);

	if (n) {
		kw_policy_free(&newp);
		return -EINVAL;
	}
	n = kw_write_atomic(d->cfg.policy_file, buf, len, 0600);
	if (n) {
		snprintf(err, errlen, "installing %s: %s", d->cfg.policy_file,
			 strerror(-n));
		kw_policy_free(&newp);
		return n;
	}
	*stage = newp.mode == KW_POL_ENFORCE ? KW_STAGE_ENFORCE :
					       KW_STAGE_AS_FILE;
	take(d, &newp, true);
	return 0;
}

json_object *kwd_policy_status(struct kwd *d)
{
	struct kwd_policy *p = d->policy;
	json_object *o = json_object_new_object(), *rules;
	char line[KW_POLICY_LINE_MAX];
	size_t i;

	json_object_object_add(o, "file",
			       json_object_new_string(d->cfg.policy_file));
	json_object_object_add(o, "from_file",
			       json_object_new_boolean(p->from_file));
	json_object_object_add(o, "mode", json_object_new_string(
		kw_pol_mode_name(p->pol.mode) ?: "off"));
	json_object_object_add(o, "default", json_object_new_string(
		p->pol.def == KW_RULE_DENY ? "deny" : "allow"));
	json_object_object_add(o, "generation", json_object_new_uint64(p->gen));
	json_object_object_add(o, "pushed_generation",
			       json_object_new_uint64(p->pushed_gen));
	json_object_object_add(o, "blocks", json_object_new_int64(p->nblocks));
	json_object_object_add(o, "error", p->error[0] ?
			       json_object_new_string(p->error) : NULL);
	/* a reply line must stay well under kwardenctl's 64 KiB */
	rules = json_object_new_array();
	json_object_object_add(o, "rules_total",
			       json_object_new_uint64(p->pol.nrules));
	for (i = 0; i < p->pol.nrules && i < SHOW_RULES_MAX; i++) {
		kw_rule_format(&p->pol.rules[i], line, sizeof(line));
		json_object_array_add(rules, json_object_new_string(line));
	}
	json_object_object_add(o, "rules", rules);
	json_object_object_add(o, "file_mode", json_object_new_string(
		kw_pol_mode_name(p->file_mode) ?: "off"));
	json_object_object_add(o, "staging", kwd_stage_status(d));
	return o;
}

/*
 * With kwarden.ko's gate there, its module_load is the record of a load
 * (hash, verdict); the BPF one would say the same again.
 */
bool kwd_bpf_dup_module_load(struct kwd *d)
{
	return kwd_genl_present(d) || !access("/sys/module/kwarden", F_OK);
}
