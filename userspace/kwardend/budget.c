// SPDX-License-Identifier: GPL-2.0
/*
 * The fault budget of kwarden.conf (fault_budget = COUNT/WINDOW), kept on
 * the stream of module_fault alerts from kwarden.ko: a module with more
 * faults than that in a window raises one module_fault_budget_exceeded,
 * which the response policy may act on. A subscriber of the pipeline
 * (sink.c): its alert is a follow-up, raised right after the fault. The
 * windows outlive a restart of kwardend: at start, this boot's records of
 * both kinds are replayed from the journal before kwarden.ko's backlog is
 * taken.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "budget.h"
#include "kwd.h"
#include "fault_budget.h"
#include "sink.h"
#include "names.h"
#include "timefmt.h"

struct kwd_budget {
	struct kw_budget b;
	bool ready;		/* set up from kwarden.conf at first use */
};

/* Its state, reached as d->budget only; made once, before start */
int kwd_budget_init(struct kwd *d)
{
	d->budget = calloc(1, sizeof(*d->budget));
	return d->budget ? 0 : -ENOMEM;
}

static struct kw_budget *budget(struct kwd *d)
{
	struct kwd_budget *bg = d->budget;

	if (!bg->ready) {
		kw_budget_init(&bg->b, d->cfg.fault_budget,
			       d->cfg.fault_window_s);
		bg->ready = true;
	}
	return &bg->b;
}

/* A journal record of this boot, at start: module_fault or the budget's */
static void budget_replay(struct kwd *d, const struct kwd_event *ev)
{
	if (!ev->this_boot || !ev->time_ns)
		return;
	if (ev->kind == KW_KIND_module_fault)
		kw_budget_fault(budget(d), ev->module, ev->time_ns);
	else if (ev->kind == KW_KIND_module_fault_budget_exceeded)
		kw_budget_said(budget(d), ev->module, ev->time_ns);
}

static json_object *exceeded_detail(struct kwd *d,
				    const struct kw_budget_mod *m)
{
	json_object *detail = json_object_new_object();

	json_object_object_add(detail, "name", json_object_new_string(m->name));
	json_object_object_add(detail, "faults", json_object_new_int64(m->count));
	json_object_object_add(detail, "budget",
			       json_object_new_int64(d->cfg.fault_budget));
	json_object_object_add(detail, "window_s",
			       json_object_new_int64(d->cfg.fault_window_s));
	json_object_object_add(detail, "window_start_ns",
			       json_object_new_uint64(m->start_ns));
	json_object_object_add(detail, "boot_id",
			       json_object_new_string(d->boot_id));
	return detail;
}

/* A module_fault: over the budget, module_fault_budget_exceeded follows */
static void budget_note(struct kwd *d, const struct kwd_event *fault,
			struct kwd_queue *q)
{
	const struct kw_budget_mod *m;
	struct kw_alert a = {
		.kind = KW_KIND_module_fault_budget_exceeded,
		.action = KW_ACTION_logged,
		.severity = kw_kind_severity(KW_KIND_module_fault_budget_exceeded),
		.source = KW_SOURCE_DAEMON,
	};
	char msg[256];

	if (fault->kind != KW_KIND_module_fault || !fault->module)
		return;
	m = kw_budget_fault(budget(d), fault->module, fault->time_ns);
	if (!m)
		return;
	snprintf(msg, sizeof(msg),
		 "module %s is over its fault budget: %u faults in %llu s (budget: %u per %u s)",
		 m->name, m->count,
		 (unsigned long long)((fault->time_ns - m->start_ns) / 1000000000ULL),
		 d->cfg.fault_budget, d->cfg.fault_window_s);
	a.time_ns = fault->time_ns;
	a.module = m->name;
	a.message = msg;
	a.detail = exceeded_detail(d, m);
	kwd_queue_alert(q, &a);
}

const struct kwd_subscriber kwd_budget_subscriber = {
	.name = "budget",
	.note = budget_note,
	.replay = budget_replay,
};
