/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dangerous_interface alerts (bpf/danger.bpf.c): what was tried, by whom,
 * for people (the message) and for machines (the detail object).
 */
#ifndef KW_DANGER_ALERT_H
#define KW_DANGER_ALERT_H

#include <json-c/json.h>
#include "bpf_alert.h"

/* As kw_tamper_describe(): writes s->msg, returns the detail */
struct json_object *kw_danger_describe(const struct kw_bpf_event *e,
				       struct kw_bpf_strs *s);

#endif /* KW_DANGER_ALERT_H */
