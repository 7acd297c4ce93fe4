// SPDX-License-Identifier: GPL-2.0
/*
 * The fault budget of kwarden.conf (fault_budget = COUNT/WINDOW), kept on
 * the stream of module_fault alerts from kwarden.ko: a module with more
 * faults than that in a window raises one module_fault_budget_exceeded,
 * which the response policy may act on. The windows outlive a restart of
 * kwardend: at start, this boot's records of both kinds are read back from
 * the journal (modstats.c) before kwarden.ko's backlog is taken.
 */
#include <stdio.h>
#include <string.h>
#include "budget.h"
#include "kwardend.h"
#include "names.h"
#include "timefmt.h"

static struct kw_budget the_budget;
static bool budget_ready;

static struct kw_budget *budget(struct kwd *d)
{
	if (!budget_ready) {
		kw_budget_init(&the_budget, d->cfg.fault_budget,
			       d->cfg.fault_window_s);
		budget_ready = true;
	}
	return &the_budget;
}

/* A journal record of this boot, at start: module_fault or the budget's */
void kwd_budget_replay(struct kwd *d, int kind, const char *module,
		       uint64_t t_ns)
{
	if (kind == KW_KIND_module_fault)
		kw_budget_fault(budget(d), module, t_ns);
	else if (kind == KW_KIND_module_fault_budget_exceeded)
		kw_budget_said(budget(d), module, t_ns);
}

void kwd_budget_fault(struct kwd *d, const struct kw_alert *fault)
{
	const struct kw_budget_mod *m;
	struct kw_alert a = {
		.kind = KW_KIND_module_fault_budget_exceeded,
		.action = KW_ACTION_logged,
		.severity = kw_kind_severity(KW_KIND_module_fault_budget_exceeded),
		.source = KW_SOURCE_DAEMON,
	};
	json_object *detail;
	char msg[256];

	if (fault->kind != KW_KIND_module_fault)
		return;
	m = kw_budget_fault(budget(d), fault->module, fault->time_ns);
	if (!m)
		return;
	snprintf(msg, sizeof(msg),
		 "module %s is over its fault budget: %u faults in %llu s (budget: %u per %u s)",
		 m->name, m->count,
		 (unsigned long long)((fault->time_ns - m->start_ns) / 1000000000ULL),
		 d->cfg.fault_budget, d->cfg.fault_window_s);
	detail = json_object_new_object();
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
	a.time_ns = fault->time_ns;
	a.module = m->name;
	a.message = msg;
	a.detail = detail;
	kwd_raise(d, &a);
}
