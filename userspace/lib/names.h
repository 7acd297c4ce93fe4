/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Names of kinds, severities, actions and load paths, generated from the
 * X-macros of kwarden.h so that no name is ever typed twice.
 */
#ifndef KW_NAMES_H
#define KW_NAMES_H

#include <stdbool.h>
#include <linux/kwarden.h>

const char *kw_kind_name(unsigned int kind);
int kw_kind_from_name(const char *name);
enum kw_severity kw_kind_severity(unsigned int kind);
unsigned int kw_kind_ocsf_class(unsigned int kind);
/* journald MESSAGE_ID: 32 lowercase hex digits and a NUL; NULL if unknown */
#define KW_MESSAGE_ID_LEN 33
const char *kw_kind_message_id(unsigned int kind, char buf[KW_MESSAGE_ID_LEN]);

const char *kw_severity_name(unsigned int sev);
int kw_severity_from_name(const char *name);

const char *kw_action_name(unsigned int action);
int kw_action_from_name(const char *name);

const char *kw_via_name(unsigned int via);

/* Module-load policy and faults; NULL or -1 when unknown */
const char *kw_pol_mode_name(unsigned int mode);
int kw_pol_mode_from_name(const char *name);
const char *kw_rule_action_name(unsigned int action);
int kw_rule_action_from_name(const char *name);
const char *kw_verdict_name(unsigned int verdict);
const char *kw_fault_name(unsigned int fault);

/* tamper_attempt: detail.what, detail.target_class, signal names */
const char *kw_tamper_op_name(unsigned int op);
int kw_tamper_op_from_name(const char *name);
const char *kw_guard_class_name(unsigned int cls);
const char *kw_signal_name(unsigned int sig);	/* NULL if unknown */

/* OCSF: class_name, category_uid and severity_id of our classes */
const char *kw_ocsf_class_name(unsigned int class_uid);
unsigned int kw_ocsf_category(unsigned int class_uid);
unsigned int kw_ocsf_severity_id(unsigned int sev);

#endif /* KW_NAMES_H */
