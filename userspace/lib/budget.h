/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fault budgets: how many faults a module may have in a time window
 * (kwarden.conf fault_budget = COUNT/WINDOW) before kwardend says it is
 * over budget, once per window.
 */
#ifndef KW_BUDGET_H
#define KW_BUDGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/kwarden.h>

#define KW_BUDGET_MODS	256	/* modules tracked; the quietest goes first */

struct kw_budget_mod {
	char name[KW_NAME_LEN];
	uint64_t start_ns;	/* the window: from its first fault */
	uint64_t last_ns;
	unsigned int count;	/* faults in the window */
	bool exceeded;		/* already said for this window */
};

struct kw_budget {
	unsigned int limit;	/* 0: no budget */
	uint64_t window_ns;
	size_t n;
	struct kw_budget_mod mods[KW_BUDGET_MODS];
};

void kw_budget_init(struct kw_budget *b, unsigned int limit,
		    unsigned int window_s);

/*
 * One fault of module at t_ns. Returns the module's state when this fault
 * takes it over its budget for the first time in the window, else NULL.
 */
const struct kw_budget_mod *kw_budget_fault(struct kw_budget *b,
					    const char *module,
					    uint64_t t_ns);

/*
 * module was said over budget at t_ns (a journal record read back): a
 * later fault in that window does not say it again.
 */
void kw_budget_said(struct kw_budget *b, const char *module, uint64_t t_ns);

#endif /* KW_BUDGET_H */
