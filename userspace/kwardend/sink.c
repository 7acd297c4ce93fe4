// SPDX-License-Identifier: GPL-2.0
/*
 * The alert sink. Every alert, whatever its source, is appended to the
 * journal and fsync'ed BEFORE it is logged, shown to followers or
 * acknowledged; a journal failure is logged loudly, never silent.
 */
#include <errno.h>
#include <string.h>
#include <syslog.h>
#include <sys/stat.h>
#include "kwardend.h"
#include "names.h"
#include "timefmt.h"

/* mkdir -p of the journal's directory, 0700 */
static void make_parents(const char *path)
{
	char dir[PATH_MAX], *s;

	snprintf(dir, sizeof(dir), "%s", path);
	for (s = dir + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		if (mkdir(dir, 0700) && errno != EEXIST)
			return;
		*s = '/';
	}
}

int kwd_journal_open(struct kwd *d)
{
	int err;

	make_parents(d->cfg.journal_path);	/* open says what went wrong */
	err = kw_journal_open(&d->journal, d->cfg.journal_path,
			      d->cfg.journal_max_bytes, d->cfg.journal_keep);
	if (err)
		kwd_log(LOG_ERR, "journal %s: %s; alerts go to the logs only",
			d->cfg.journal_path, strerror(-err));
	return err;
}

int kwd_raise(struct kwd *d, struct kw_alert *a)
{
	unsigned int severity = a->severity;
	json_object *rec = kw_alert_json(a);
	int err;

	if (!rec) {
		kwd_log(LOG_ERR, "dropping a malformed alert (kind %u)",
			a->kind);
		return -EINVAL;
	}
	err = kw_journal_append(&d->journal, rec);
	if (err) {
		d->journal_errors++;
		kwd_log(LOG_CRIT, "journal append failed: %s", strerror(-err));
	}
	d->alerts++;
	if (a->kind < KW_KIND_MAX)
		d->kind_alerts[a->kind]++;
	kwd_boot_note_alert(d, a);
	kwd_modstat_note(d, rec);
	kwd_response_note(d, rec);
	kwd_stage_note(d, rec);
	kwd_log_alert(rec, severity);
	json_object_put(rec);
	kwd_ctl_publish(d);
	return err;
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

static uint64_t detail_u64(json_object *rec, const char *key)
{
	return kw_rec_u64(kw_rec_obj(rec, "detail"), key);
}

static bool is(json_object *rec, const char *key, const char *val)
{
	const char *s = kw_rec_str(rec, key);

	return s && !strcmp(s, val);
}

/*
 * Where the previous run of this boot stopped: the kseq of the last kmod
 * alert and the BPF drop total of the last events_lost. Reads the whole
 * journal once, at startup only; lines of other boots are not parsed.
 */
void kwd_journal_resume(struct kwd *d)
{
	struct kw_cursor c;
	const char *line;
	json_object *rec;
	size_t len;

	kw_cursor_init(&c, d->cfg.journal_path, d->cfg.journal_keep, 0);
	while (kw_cursor_next(&c, 0, &line, &len) > 0) {
		if (!memmem(line, len, d->boot_id, strlen(d->boot_id)))
			continue;
		rec = kw_parse_line(line, len);
		if (rec && is(rec, "source", KW_SOURCE_KMOD))
			d->resume_kseq = detail_u64(rec, "kseq");
		else if (rec && is(rec, "source", KW_SOURCE_BPF) &&
			 is(rec, "kind", "events_lost"))
			d->resume_drops = detail_u64(rec, "total");
		json_object_put(rec);
	}
	kw_cursor_close(&c);
}
