// SPDX-License-Identifier: GPL-2.0
/*
 * The response policy (response.KIND = ACTION [after N] in kwarden.conf):
 * an alert of KIND that names a module counts against that module; at the
 * Nth, kwardend restores, contains, disables or quarantines it, once.
 * Actions wait for the next tick (at most a second), outside the alert
 * path that triggered them. Safe mode, and kwarden itself, are never
 * acted upon. The default is log, for every kind.
 *
 * A subscriber of the pipeline (sink.c), registered after modstats.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include "guard.h"
#include "kwd.h"
#include "disable.h"
#include "log.h"
#include "modstats.h"
#include "response_policy.h"
#include "sink.h"
#include "names.h"
#include "response.h"

#define MAX_QUEUED	32

struct queued {
	char name[KW_NAME_LEN];
	unsigned int kind;
	unsigned char action;
};

/* Actions due at the next tick */
struct kwd_response {
	struct queued queue[MAX_QUEUED];
	unsigned int nqueued, dropped;
};

/* Its state, reached as d->response only; made once, before start */
int kwd_response_init(struct kwd *d)
{
	d->response = calloc(1, sizeof(*d->response));
	return d->response ? 0 : -ENOMEM;
}

/* restore: kwarden.ko's own parameter, set once at start */
void kwd_response_start(struct kwd *d)
{
	char buf[512] = "";
	unsigned int k;
	FILE *f;

	for (k = 0; k < KW_KIND_MAX; k++)
		if (d->cfg.response[k].action == KW_RESP_RESTORE)
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
				 "%s%s", buf[0] ? "," : "", kw_kind_name(k));
	if (!buf[0])
		return;
	f = fopen(KW_RESTORE_PARAM, "we");
	if (!f || fputs(buf, f) < 0 || fclose(f)) {
		kwd_log(LOG_ERR, "response: cannot turn on kwarden.ko's restore for %s",
			buf);
		return;
	}
	kwd_log(LOG_INFO, "response: kwarden.ko restores %s", buf);
}

/* For the next tick; false when the queue is full */
static bool queue_action(struct kwd_response *r, const char *name,
			 unsigned int kind, unsigned char action)
{
	struct queued *q;

	if (r->nqueued == MAX_QUEUED) {
		r->dropped++;
		return false;
	}
	q = &r->queue[r->nqueued++];
	snprintf(q->name, sizeof(q->name), "%s", name);
	q->kind = kind;
	q->action = action;
	return true;
}

/* After modstats: the counts include this alert */
static void response_note(struct kwd *d, const struct kwd_event *ev,
			  struct kwd_queue *fq)
{
	const char *name = ev->module;
	const struct kw_response_rule *rule;
	unsigned int kind = ev->kind;
	struct kwd_modstat *m;

	if (!name || !*name || !strcmp(name, "kwarden"))
		return;
	if (kind >= KW_KIND_MAX || !kw_response_kind_ok(kind))
		return;
	rule = &d->cfg.response[kind];
	if (rule->action == KW_RESP_LOG || rule->action == KW_RESP_RESTORE)
		return;
	m = kwd_modstat_find(d, name, false);
	if (!m || m->responded || m->kinds[kind] < (rule->after ?: 1))
		return;
	if (queue_action(d->response, name, kind, rule->action))
		m->responded = true;
}

const struct kwd_subscriber kwd_response_subscriber = {
	.name = "response",
	.note = response_note,
};

static void act(struct kwd *d, const struct queued *q)
{
	char origin[96], reason[160], err[512];
	struct kwd_act a = {
		.name = q->name, .origin = origin, .reason = reason,
		.automatic = true,
		.contain_only = q->action == KW_RESP_CONTAIN,
	};
	const struct kw_response_rule *rule = &d->cfg.response[q->kind];
	json_object *o;

	snprintf(origin, sizeof(origin), "response.%s = %s",
		 kw_kind_name(q->kind), kw_response_name(q->action));
	snprintf(reason, sizeof(reason), "%u %s alert%s", rule->after ?: 1,
		 kw_kind_name(q->kind), (rule->after ?: 1) > 1 ? "s" : "");
	if (d->cfg.safe_mode || kwd_safe_mode()) {
		kwd_log(LOG_WARNING, "response: safe mode: %s of %s not done",
			kw_response_name(q->action), q->name);
		return;
	}
	err[0] = '\0';
	if (q->action == KW_RESP_QUARANTINE)
		o = kwd_quarantine(d, &a, err, sizeof(err));
	else
		o = kwd_disable(d, &a, err, sizeof(err));
	if (!o)
		kwd_log(LOG_ERR, "response: %s of %s refused: %s",
			kw_response_name(q->action), q->name, err);
	json_object_put(o);
}

void kwd_response_tick(struct kwd *d)
{
	struct kwd_response *r = d->response;
	struct queued q[MAX_QUEUED];
	unsigned int i, n = r->nqueued;

	/* actions raise alerts, which may queue more: take a copy */
	memcpy(q, r->queue, n * sizeof(q[0]));
	r->nqueued = 0;
	for (i = 0; i < n; i++)
		act(d, &q[i]);
	if (r->dropped) {
		kwd_log(LOG_ERR, "response: %u actions dropped (queue full)",
			r->dropped);
		r->dropped = 0;
	}
}
