// SPDX-License-Identifier: GPL-2.0
/*
 * The alert sink. Every alert, whatever its source, is appended to the
 * journal and fsync'ed BEFORE it is logged, shown to followers or
 * acknowledged; a journal failure is logged loudly, never silent.
 * Repeats of one attempt are counted instead (flood.c).  The first
 * KWD_PINNED violations (warning or worse) of a boot are also kept in
 * journal.first, which rotation never touches: a flood cannot push the
 * first evidence of an attack out of the journal.
 */
#include <errno.h>
#include <string.h>
#include <syslog.h>
#include <sys/stat.h>
#include <unistd.h>
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

/* Records of this boot in journal.first; one of another boot empties it */
static unsigned int pinned_of_this_boot(struct kwd *d)
{
	struct kw_cursor c;
	unsigned int n = 0;
	const char *line;
	size_t len;

	kw_cursor_init(&c, d->pinned.path, 0, 0);
	while (kw_cursor_next(&c, 0, &line, &len) > 0) {
		if (!memmem(line, len, d->boot_id, strlen(d->boot_id))) {
			n = 0;
			if (ftruncate(d->pinned.fd, 0) == 0)
				d->pinned.size = 0;
			break;
		}
		n++;
	}
	kw_cursor_close(&c);
	return n;
}

static void pinned_open(struct kwd *d)
{
	char path[PATH_MAX + 8];
	int err;

	snprintf(path, sizeof(path), "%s%s", d->cfg.journal_path,
		 KW_JOURNAL_PINNED);
	err = kw_journal_open(&d->pinned, path, UINT64_MAX, 0);
	if (err) {
		kwd_log(LOG_ERR, "journal %s: %s", path, strerror(-err));
		return;
	}
	d->npinned = pinned_of_this_boot(d);
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
	else
		pinned_open(d);
	return err;
}

void kwd_journal_close(struct kwd *d)
{
	kw_journal_close(&d->pinned);
	kw_journal_close(&d->journal);
}

/* A copy of one of the boot's first violations, out of rotation's reach */
static void pin(struct kwd *d, json_object *rec, unsigned int severity)
{
	if (severity > KW_SEV_WARNING || d->npinned >= KWD_PINNED ||
	    d->pinned.fd < 0)
		return;
	if (kw_journal_write(&d->pinned, rec))
		d->journal_errors++;
	else
		d->npinned++;
}

/* Journal, then the logs and followers: what every record goes through */
static int write_record(struct kwd *d, json_object *rec, unsigned int severity)
{
	int err = kw_journal_append(&d->journal, rec);

	if (err) {
		d->journal_errors++;
		kwd_log(LOG_CRIT, "journal append failed: %s", strerror(-err));
	} else {
		pin(d, rec, severity);
	}
	kwd_log_alert(rec, severity);
	kwd_ctl_publish(d);
	return err;
}

/* A record of the sink's own (the count of held repeats): no subscriber */
int kwd_sink_write(struct kwd *d, struct kw_alert *a)
{
	unsigned int severity = a->severity;
	json_object *rec = kw_alert_json(a);
	int err;

	if (!rec)
		return -EINVAL;
	err = write_record(d, rec, severity);
	json_object_put(rec);
	return err;
}

int kwd_raise(struct kwd *d, struct kw_alert *a)
{
	unsigned int severity = a->severity;
	json_object *rec = kw_alert_json(a);
	int err = 0;

	if (!rec) {
		kwd_log(LOG_ERR, "dropping a malformed alert (kind %u)",
			a->kind);
		return -EINVAL;
	}
	if (!kwd_flood_hold(d, a, rec))
		err = write_record(d, rec, severity);
	d->alerts++;
	if (a->kind < KW_KIND_MAX)
		d->kind_alerts[a->kind]++;
	kwd_boot_note_alert(d, a);
	kwd_modstat_note(d, rec);
	kwd_response_note(d, rec);
	kwd_stage_note(d, rec);
	json_object_put(rec);
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
