/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tamper_attempt alerts: what was tried on what, by whom, said once for
 * people (the message) and once for machines (the detail object).
 */
#ifndef KW_TAMPER_ALERT_H
#define KW_TAMPER_ALERT_H

#include <json-c/json.h>
#include "bpf_alert.h"

/*
 * Writes the message into s->msg and returns the detail. s holds the
 * record's strings, already bounded and on one line (kw_bpf_alert()).
 */
struct json_object *kw_tamper_describe(const struct kw_bpf_event *e,
				struct kw_bpf_strs *s);

#endif /* KW_TAMPER_ALERT_H */
