// SPDX-License-Identifier: GPL-2.0
/*
 * The one event pipeline. Every alert, whatever its source, is appended
 * to the journal and fsync'ed BEFORE it is logged, shown to followers or
 * acknowledged; a journal failure is logged loudly, never silent.
 * Repeats of one attempt are counted instead (flood.c). Then each
 * subscriber registered at start gets the typed event, in order; the
 * follow-up alerts they queue go through the same pipeline after it. The
 * first KWD_PINNED violations (warning or worse) of a boot are also kept
 * in journal.first, which rotation never touches: a flood cannot push the
 * first evidence of an attack out of the journal.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "kwd.h"
#include "flood.h"
#include "log.h"
#include "sink.h"
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
	if (d->sink.written)
		d->sink.written(d);
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

/* Registered at start, in the order they are called */
void kwd_subscribe(struct kwd *d, const struct kwd_subscriber *s)
{
	if (d->sink.nsub < KWD_MAX_SUBSCRIBERS)
		d->sink.sub[d->sink.nsub++] = s;
	else
		kwd_log(LOG_CRIT, "sink: no room for subscriber %s", s->name);
}

/* The control socket's followers, told after each journal write */
void kwd_sink_followers(struct kwd *d, void (*written)(struct kwd *d))
{
	d->sink.written = written;
}

struct kwd_queued {
	struct kwd_queued *next;
	struct kw_alert a;
	char *module, *message;
};

static void queued_free(struct kwd_queued *e)
{
	if (!e)
		return;
	free(e->module);
	free(e->message);
	free(e);
}

void kwd_queue_alert(struct kwd_queue *q, struct kw_alert *a)
{
	struct kwd_queued *e = calloc(1, sizeof(*e));

	if (e) {
		e->module = a->module ? strdup(a->module) : NULL;
		e->message = a->message ? strdup(a->message) : NULL;
	}
	if (!e || (a->module && !e->module) || (a->message && !e->message)) {
		kwd_log(LOG_CRIT, "sink: out of memory, alert (kind %u) lost",
			a->kind);
		queued_free(e);
		json_object_put(a->detail);
		a->detail = NULL;
		return;
	}
	e->a = *a;
	e->a.module = e->module;
	e->a.message = e->message;
	a->detail = NULL;
	*q->tail = e;
	q->tail = &e->next;
}

static struct kwd_queued *dequeue(struct kwd_queue *q)
{
	struct kwd_queued *e = q->head;

	if (e) {
		q->head = e->next;
		if (!q->head)
			q->tail = &q->head;
	}
	return e;
}

/* The typed event's fields from a record: time and the detail's */
static void event_fields(struct kwd_event *ev, json_object *rec)
{
	json_object *detail = kw_rec_obj(rec, "detail");
	json_object *sig = kw_rec_obj(detail, "sig_ok");

	ev->time = kw_rec_str(rec, "time");
	ev->verdict = kw_rec_str(detail, "verdict");
	ev->path = kw_rec_str(detail, "path");
	ev->sha256 = kw_rec_str(detail, "sha256");
	ev->file_sha256 = kw_rec_str(detail, "file_sha256");
	ev->taint_flags = kw_rec_str(detail, "taint_flags");
	ev->where = kw_rec_str(detail, "where");
	ev->target_symbol = kw_rec_str(detail, "target_symbol");
	ev->sig_ok = sig ? json_object_get_boolean(sig) : -1;
}

static void notify(struct kwd *d, const struct kw_alert *a, json_object *rec,
		   struct kwd_queue *q)
{
	struct kwd_event ev = {
		.time_ns = a->time_ns, .kind = a->kind,
		.severity = a->severity, .module = a->module,
		.this_boot = true,
	};
	unsigned int i;

	event_fields(&ev, rec);
	d->sink.q = q;
	for (i = 0; i < d->sink.nsub; i++)
		if (d->sink.sub[i]->note)
			d->sink.sub[i]->note(d, &ev, q);
	d->sink.q = NULL;
}

/* One alert through the pipeline; its follow-ups go to q */
static int dispatch(struct kwd *d, struct kw_alert *a, struct kwd_queue *q)
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
	notify(d, a, rec, q);
	json_object_put(rec);
	return err;
}

/*
 * The pipeline's entry: the alert, then the follow-ups its subscribers
 * queued, in order, each one's own follow-ups after it. Called from a
 * subscriber (which should queue instead), it queues too.
 */
int kwd_raise(struct kwd *d, struct kw_alert *a)
{
	struct kwd_queue q = { .head = NULL, .tail = &q.head };
	struct kwd_queued *e;
	int err;

	if (d->sink.q) {
		kwd_queue_alert(d->sink.q, a);
		return 0;
	}
	err = dispatch(d, a, &q);
	while ((e = dequeue(&q))) {
		dispatch(d, &e->a, &q);
		queued_free(e);
	}
	return err;
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
 * A record of this boot: where the previous run stopped, the kseq of the
 * last kmod alert and the BPF drop total of the last events_lost
 */
static void resume_record(struct kwd *d, json_object *rec)
{
	if (is(rec, "source", KW_SOURCE_KMOD))
		d->resume_kseq = detail_u64(rec, "kseq");
	else if (is(rec, "source", KW_SOURCE_BPF) &&
		 is(rec, "kind", "events_lost"))
		d->resume_drops = detail_u64(rec, "total");
}

/* By its boot_id, or else by its time: after the kernel booted */
static bool of_this_boot(struct kwd *d, json_object *rec, uint64_t t,
			 uint64_t boot_ns)
{
	const char *id = kw_rec_str(kw_rec_obj(rec, "detail"), "boot_id");

	if (id)
		return !strcmp(id, d->boot_id);
	return t && t >= boot_ns;
}

static uint64_t boot_time_ns(void)
{
	struct timespec ts;
	uint64_t up;

	if (clock_gettime(CLOCK_BOOTTIME, &ts))
		return 0;
	up = (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
	return kw_now_ns() - up;
}

/* One journal record naming a module, to each subscriber that replays */
static void replay_record(struct kwd *d, json_object *rec, uint64_t boot_ns)
{
	struct kwd_event ev = { .module = kw_rec_str(rec, "module") };
	int kind = kw_kind_from_name(kw_rec_str(rec, "kind") ?: "");
	int sev = kw_severity_from_name(kw_rec_str(rec, "severity") ?: "");
	unsigned int i;

	if (!ev.module || kind < 0)
		return;
	ev.kind = (unsigned int)kind;
	ev.severity = sev < 0 ? 0 : (unsigned int)sev;
	event_fields(&ev, rec);
	if (!ev.time || kw_time_parse(ev.time, &ev.time_ns))
		ev.time_ns = 0;
	ev.this_boot = of_this_boot(d, rec, ev.time_ns, boot_ns);
	for (i = 0; i < d->sink.nsub; i++)
		if (d->sink.sub[i]->replay)
			d->sink.sub[i]->replay(d, &ev);
}

/*
 * Once, at start, after the journal is open and the subscribers are
 * registered, one read of the whole journal: the records of this boot say
 * where the previous run stopped; those that name a module (the only ones
 * replayed) go to the subscribers, so that counts and windows outlive a
 * restart. Other lines are not parsed.
 */
void kwd_journal_replay(struct kwd *d)
{
	uint64_t boot_ns = boot_time_ns();
	size_t idlen = strlen(d->boot_id);
	bool ours, named;
	struct kw_cursor c;
	const char *line;
	json_object *rec;
	size_t len;

	kw_cursor_init(&c, d->cfg.journal_path, d->cfg.journal_keep, 0);
	while (kw_cursor_next(&c, 0, &line, &len) > 0) {
		ours = memmem(line, len, d->boot_id, idlen);
		named = memmem(line, len, "\"module\":\"", 10);
		if (!ours && !named)
			continue;
		rec = kw_parse_line(line, len);
		if (rec && ours)
			resume_record(d, rec);
		if (rec && named)
			replay_record(d, rec, boot_ns);
		json_object_put(rec);
	}
	kw_cursor_close(&c);
}
