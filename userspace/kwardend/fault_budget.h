/* SPDX-License-Identifier: GPL-2.0 */
/*
 * budget.c: fault_budget, a subscriber on module_fault alerts (named so
 * beside the library's budget.h, the windows it keeps).
 */
#ifndef KWD_FAULT_BUDGET_H
#define KWD_FAULT_BUDGET_H

#include "sink.h"

int kwd_budget_init(struct kwd *d);
extern const struct kwd_subscriber kwd_budget_subscriber;

#endif /* KWD_FAULT_BUDGET_H */
