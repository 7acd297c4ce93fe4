// SPDX-License-Identifier: GPL-2.0
/*
 * Fault budgets, per module: a window opens at a module's first fault and
 * lasts window_ns; the fault that takes the count in the window above the
 * limit is reported, the following ones of that window are not. A fault
 * after the window opens a new one. Time may come out of order (backlog
 * replays): a fault older than the window's start counts in it.
 */
#include <stdio.h>
#include <string.h>
#include "budget.h"

void kw_budget_init(struct kw_budget *b, unsigned int limit,
		    unsigned int window_s)
{
	memset(b, 0, sizeof(*b));
	b->limit = limit;
	b->window_ns = (uint64_t)window_s * 1000000000ULL;
}

static struct kw_budget_mod *find(struct kw_budget *b, const char *module)
{
	struct kw_budget_mod *m, *quiet = NULL;
	size_t i;

	for (i = 0; i < b->n; i++) {
		m = &b->mods[i];
		if (!strcmp(m->name, module))
			return m;
		if (!quiet || m->last_ns < quiet->last_ns)
			quiet = m;
	}
	m = b->n < KW_BUDGET_MODS ? &b->mods[b->n++] : quiet;
	memset(m, 0, sizeof(*m));
	snprintf(m->name, sizeof(m->name), "%s", module);
	return m;
}

const struct kw_budget_mod *kw_budget_fault(struct kw_budget *b,
					    const char *module,
					    uint64_t t_ns)
{
	struct kw_budget_mod *m;

	if (!b->limit || !module || !module[0])
		return NULL;
	m = find(b, module);
	if (!m->count || t_ns >= m->start_ns + b->window_ns) {
		m->start_ns = t_ns;
		m->count = 0;
		m->exceeded = false;
	}
	m->last_ns = t_ns > m->last_ns ? t_ns : m->last_ns;
	m->count++;
	if (m->count <= b->limit || m->exceeded)
		return NULL;
	m->exceeded = true;
	return m;
}

void kw_budget_said(struct kw_budget *b, const char *module, uint64_t t_ns)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if (!strcmp(b->mods[i].name, module) &&
		    t_ns >= b->mods[i].start_ns &&
		    t_ns < b->mods[i].start_ns + b->window_ns)
			b->mods[i].exceeded = true;
}
