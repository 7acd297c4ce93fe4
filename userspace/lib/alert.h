/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One alert record, as the alert contract of docs/ defines it: what the
 * journal stores and what `kwardenctl alerts --json` prints.
 */
#ifndef KW_ALERT_H
#define KW_ALERT_H

#include <stdint.h>
#include <json-c/json.h>

#define KW_SOURCE_KMOD		"kmod"
#define KW_SOURCE_BPF		"bpf"
#define KW_SOURCE_DAEMON	"kwardend"

struct kw_alert {
	uint64_t time_ns;	/* CLOCK_REALTIME */
	unsigned int kind;	/* enum kw_kind */
	unsigned int severity;	/* enum kw_severity */
	unsigned int action;	/* enum kw_action */
	const char *module;	/* NULL: no module involved */
	const char *source;	/* KW_SOURCE_* */
	const char *message;	/* one line for people */
	json_object *detail;	/* taken over by kw_alert_json(); NULL: {} */
};

/* Full record with seq 0, or NULL on a bad kind/severity/action */
json_object *kw_alert_json(struct kw_alert *a);

/* Replaces control characters by '?': comm and paths come from users */
void kw_one_line(char *s);

/* Field accessors for records read back; NULL/0 if absent or mistyped */
json_object *kw_rec_obj(json_object *rec, const char *key);
const char *kw_rec_str(json_object *rec, const char *key);
uint64_t kw_rec_u64(json_object *rec, const char *key);

/* Field builders: a NULL or empty string is stored as null */
void kw_rec_add_str(json_object *o, const char *key, const char *val);
void kw_rec_add_int(json_object *o, const char *key, long long val);
/* Adds every member of extra to o, then puts extra (may be NULL) */
void kw_rec_merge(json_object *o, json_object *extra);

#endif /* KW_ALERT_H */
