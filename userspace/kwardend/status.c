// SPDX-License-Identifier: GPL-2.0
/*
 * The `status` answer: daemon, kwarden.ko, BPF and the guard, each with
 * its counters, so that every channel's drops are visible.
 */
#include <unistd.h>
#include "kwd.h"
#include "boot.h"
#include "bpf.h"
#include "flood.h"
#include "genl.h"
#include "guard.h"
#include "sink.h"
#include "status.h"
#include "names.h"
#include "timefmt.h"

const char *kwd_mode(struct kwd *d)
{
	bool kmod = kwd_genl_present(d);

	if (kmod && d->bpf)
		return "full";
	if (d->bpf)
		return "bpf-only";
	return kmod ? "kmod-only" : "none";
}

/* kwarden_degraded: what we can no longer see, said loudly */
void kwd_degraded(struct kwd *d, const char *msg)
{
	kwd_degraded_detail(d, msg, NULL);
}

/* The same, with more facts in the detail (taken over) */
void kwd_degraded_detail(struct kwd *d, const char *msg, json_object *extra)
{
	struct kw_alert a = {
		.kind = KW_KIND_kwarden_degraded, .action = KW_ACTION_logged,
		.severity = kw_kind_severity(KW_KIND_kwarden_degraded),
		.source = KW_SOURCE_DAEMON, .message = msg,
	};
	json_object *detail = json_object_new_object();

	json_object_object_add(detail, "mode",
			       json_object_new_string(kwd_mode(d)));
	json_object_object_add(detail, "kmod",
			       json_object_new_boolean(kwd_genl_present(d)));
	json_object_object_add(detail, "bpf", json_object_new_boolean(!!d->bpf));
	kw_rec_merge(detail, extra);
	a.time_ns = kw_now_ns();
	a.detail = detail;
	kwd_raise(d, &a);
}

static json_object *journal_json(struct kwd *d)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "path",
			       json_object_new_string(d->cfg.journal_path));
	json_object_object_add(o, "ok", json_object_new_boolean(d->journal.fd >= 0));
	json_object_object_add(o, "seq", json_object_new_uint64(d->journal.seq));
	json_object_object_add(o, "bytes", json_object_new_uint64(d->journal.size));
	json_object_object_add(o, "max_bytes",
			       json_object_new_uint64(d->cfg.journal_max_bytes));
	json_object_object_add(o, "keep", json_object_new_int(d->cfg.journal_keep));
	json_object_object_add(o, "errors",
			       json_object_new_uint64(d->journal_errors));
	json_object_object_add(o, "repeats_held",
			       json_object_new_uint64(kwd_flood_held(d)));
	json_object_object_add(o, "first_violations_kept",
			       json_object_new_uint64(d->npinned));
	return o;
}

static json_object *daemon_json(struct kwd *d)
{
	json_object *o = json_object_new_object();
	char when[KW_TIME_LEN];
	uint64_t now = kw_now_ns();

	kw_time_format(d->started_ns, when, sizeof(when));
	json_object_object_add(o, "version", json_object_new_string(KWARDEN_VERSION));
	json_object_object_add(o, "pid", json_object_new_int(getpid()));
	json_object_object_add(o, "started", json_object_new_string(when));
	json_object_object_add(o, "uptime_s", json_object_new_uint64(
		now > d->started_ns ? (now - d->started_ns) / NSEC_PER_SEC : 0));
	json_object_object_add(o, "mode", json_object_new_string(kwd_mode(d)));
	json_object_object_add(o, "boot_id", json_object_new_string(d->boot_id));
	json_object_object_add(o, "alerts", json_object_new_uint64(d->alerts));
	json_object_object_add(o, "journal", journal_json(d));
	json_object_object_add(o, "socket",
			       json_object_new_string(d->cfg.socket_path));
	return o;
}

/* kmod: kwarden.ko's own status (or the error getting it), and our link */
static json_object *kmod_json(struct kwd *d, json_object *kmod,
			      const char *error)
{
	json_object *o = kmod ? json_object_get(kmod) : json_object_new_object();
	json_object *link;

	if (!kmod)
		json_object_object_add(o, "present",
				       json_object_new_boolean(kwd_genl_present(d)));
	if (error)
		json_object_object_add(o, "error", json_object_new_string(error));
	link = kwd_genl_counters(d);
	if (link)
		json_object_object_add(o, "link", link);
	return o;
}

json_object *kwd_status(struct kwd *d, json_object *kmod,
			const char *kmod_error)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "daemon", daemon_json(d));
	json_object_object_add(o, "kmod", kmod_json(d, kmod, kmod_error));
	json_object_object_add(o, "bpf", kwd_bpf_status(d));
	json_object_object_add(o, "guard", kwd_guard_status(d));
	json_object_object_add(o, "boot", kwd_boot_status(d));
	return o;
}
