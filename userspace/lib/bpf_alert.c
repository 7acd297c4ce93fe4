// SPDX-License-Identifier: GPL-2.0
/*
 * module_load, module_load_denied and tamper_attempt alerts from BPF ring
 * buffer records. Every string of the record is bounded and sanitized
 * here: the BPF side copies comm and paths that users choose.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "bpf_alert.h"
#include "names.h"
#include "tamper_alert.h"
#include "danger_alert.h"

_Static_assert(offsetof(struct kw_bpf_event, op) == KW_BPF_EVENT_V1_LEN,
	       "records of older programs end where op starts");

int kw_bpf_event_copy(struct kw_bpf_event *e, const void *data, size_t size)
{
	if (size < KW_BPF_EVENT_V1_LEN)
		return -EINVAL;
	memset(e, 0, sizeof(*e));
	memcpy(e, data, size < sizeof(*e) ? size : sizeof(*e));
	return 0;
}

/* Letters of include/linux/panic.h's taint bits, by bit number */
static const char taint_chars[] = "PFSRMBUDAWCIOELKXTN";

void kw_taint_letters(unsigned long taints, char *buf, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < sizeof(taint_chars) - 1 && n + 1 < len; i++)
		if (taints & (1UL << i))
			buf[n++] = taint_chars[i];
	if (len)
		buf[n < len ? n : len - 1] = '\0';
}

/* Copy a fixed-size, maybe unterminated field into a C string */
static void field(char *dst, size_t dlen, const char *src, size_t slen)
{
	size_t n = strnlen(src, slen);

	if (n >= dlen)
		n = dlen - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
	kw_one_line(dst);
}

static json_object *detail_json(const struct kw_bpf_event *e,
				const struct kw_bpf_strs *s)
{
	json_object *o = json_object_new_object();

	bool req = e->via == KW_VIA_REQUEST;

	if (e->kind == KW_KIND_module_load || req)
		json_object_object_add(o, "name", json_object_new_string(s->name));
	/* an autoload names no file: what was requested ("fs-xfs") */
	json_object_object_add(o, req ? "request" : "path",
			       s->path[0] ? json_object_new_string(s->path) : NULL);
	json_object_object_add(o, "via",
			       json_object_new_string(kw_via_name(e->via)));
	if (e->kind == KW_KIND_module_load) {
		json_object_object_add(o, "taints",
				       json_object_new_int64(e->taints));
		json_object_object_add(o, "taint_flags",
				       json_object_new_string(s->taints));
		json_object_object_add(o, "sig_ok",
				       json_object_new_boolean(!!e->sig_ok));
	}
	json_object_object_add(o, "pid", json_object_new_int64(e->pid));
	json_object_object_add(o, "uid", json_object_new_int64(e->uid));
	json_object_object_add(o, "comm", json_object_new_string(s->comm));
	return o;
}

static void message(const struct kw_bpf_event *e, struct kw_bpf_strs *s)
{
	char *msg = s->msg;
	size_t len = sizeof(s->msg);
	const char *from = s->path[0] ? " from " : "";

	if (e->kind == KW_KIND_module_load_denied && e->via == KW_VIA_REQUEST) {
		snprintf(msg, len,
			 "autoload of blocked module %s (request_module \"%s\") by %s (pid %u, uid %u) %s",
			 s->name, s->path, s->comm, e->pid, e->uid,
			 e->action == KW_ACTION_denied ? "denied" :
			 "allowed and reported (safe mode)");
		return;
	}
	if (e->kind == KW_KIND_module_load_denied) {
		snprintf(msg, len,
			 "module load%s%s via %s by %s (pid %u, uid %u) denied",
			 from, s->path, kw_via_name(e->via), s->comm, e->pid,
			 e->uid);
		return;
	}
	snprintf(msg, len,
		 "module %s loaded%s%s via %s by %s (pid %u, uid %u)%s%s%s",
		 s->name, from, s->path, kw_via_name(e->via), s->comm, e->pid,
		 e->uid, e->sig_ok ? ", signed" : ", signature not verified",
		 s->taints[0] ? ", taints " : "", s->taints);
}

int kw_bpf_alert_target(const struct kw_bpf_event *e, int64_t realtime_off,
			const char *target, struct kw_alert *a,
			struct kw_bpf_strs *s)
{
	bool tamper = e->kind == KW_KIND_tamper_attempt;
	bool danger = e->kind == KW_KIND_dangerous_interface;

	if (e->kind != KW_KIND_module_load &&
	    e->kind != KW_KIND_module_load_denied && !tamper && !danger)
		return -EINVAL;
	if (e->action >= KW_ACTION_MAX ||
	    ((tamper || danger) && e->op >= KW_OP_MAX))
		return -EINVAL;
	field(s->comm, sizeof(s->comm), e->comm, sizeof(e->comm));
	field(s->name, sizeof(s->name), e->name, sizeof(e->name));
	field(s->path, sizeof(s->path), e->path, sizeof(e->path));
	field(s->exe, sizeof(s->exe), e->exe, sizeof(e->exe));
	snprintf(s->target, sizeof(s->target), "%s", target ?: s->path);
	kw_one_line(s->target);
	kw_taint_letters(e->taints, s->taints, sizeof(s->taints));
	memset(a, 0, sizeof(*a));
	if (danger) {
		a->detail = kw_danger_describe(e, s);
		a->module = e->op == KW_OP_probe_kwarden ? "kwarden" :
			    s->name[0] ? s->name : NULL;
	} else if (tamper) {
		a->detail = kw_tamper_describe(e, s);
		a->module = e->op == KW_OP_module_unload && s->name[0] ?
			    s->name : NULL;
	} else {
		message(e, s);
		a->detail = detail_json(e, s);
		a->module = s->name[0] ? s->name : NULL;
	}
	a->time_ns = (uint64_t)((int64_t)e->time_ns + realtime_off);
	a->kind = e->kind;
	a->severity = kw_kind_severity(e->kind);
	a->action = e->action;
	a->source = KW_SOURCE_BPF;
	a->message = s->msg;
	return 0;
}

int kw_bpf_alert(const struct kw_bpf_event *e, int64_t realtime_off,
		 struct kw_alert *a, struct kw_bpf_strs *s)
{
	return kw_bpf_alert_target(e, realtime_off, NULL, a, s);
}
