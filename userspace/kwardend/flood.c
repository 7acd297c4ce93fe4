// SPDX-License-Identifier: GPL-2.0
/*
 * Repeats of one attempt, counted, so that a loop cannot flood the
 * journal.  Root can repeat a denied attempt (a kill, an open for write, a
 * wrong unlock, a denied module load) as fast as a loop runs, and each
 * would be one fsync'ed record.  The first KWD_FLOOD_BURST attempts of
 * each kind, actor and target in an interval are journalled in full; the
 * repeats after them are only counted, and each second the count so far
 * goes to the journal as one record (detail.repeats).  The actor is the
 * program (comm, exe, uid), not the pid: a shell loop forks a new process
 * for every try.  Subscribers (boot health, fault budget, policy stage)
 * still see every alert.
 *
 * Nothing counted is lost when kwardend is killed: the counts live in a
 * file mapped shared (journal_path.held), which the next kwardend reads
 * and journals ("recovered") before anything else.
 *
 * Bounded: KWD_FLOOD_SLOTS actors at once; when they are all taken, the
 * rest of a kind shares one more slot per kind, so at most
 * KWD_FLOOD_BURST * (KWD_FLOOD_SLOTS + KW_KIND_MAX) full records per
 * interval and one count per slot per second, whatever the attacker varies.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include "kwd.h"
#include "flood.h"
#include "log.h"
#include "sink.h"
#include "names.h"
#include "timefmt.h"

#define KWD_FLOOD_SLOTS		64
#define KWD_FLOOD_NSLOTS	(KWD_FLOOD_SLOTS + KW_KIND_MAX)
#define KWD_FLOOD_INTERVAL_NS	(10ULL * 1000000000ULL)
#define KWD_FLOOD_BURST		5	/* in full per interval */
#define KWD_FLOOD_MAGIC		0x31646f6f6c66776bULL	/* "kwflood1" */

/* A count not yet journalled, as kept in the mapped file */
struct kwd_flood_held {
	uint64_t first_seq;	/* the full record it counts repeats of */
	uint64_t count;
	uint64_t first_ns;	/* CLOCK_REALTIME, first and last repeat */
	uint64_t last_ns;
	uint32_t kind;
	uint32_t severity;
	uint32_t action;
	uint32_t pad;
};

struct kwd_flood_file {
	uint64_t magic;
	struct kwd_flood_held held[KWD_FLOOD_NSLOTS];
};

struct kwd_flood_slot {
	uint64_t key;		/* 0: free */
	uint64_t start_ns;	/* CLOCK_MONOTONIC, the interval's start */
	unsigned int written;	/* records journalled in full since */
	json_object *first;	/* the first of them */
};

struct kwd_flood {
	struct kwd_flood_slot slot[KWD_FLOOD_NSLOTS];
	struct kwd_flood_file *file;	/* mapped, or ... */
	struct kwd_flood_file mem;	/* ... here if it cannot be */
	uint64_t held;			/* repeats counted by this run */
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t fnv(uint64_t h, const char *s)
{
	for (; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return (h ^ 0xff) * 0x100000001b3ULL;	/* ends each field */
}

/* What changes from one try to the next of the same attempt */
static bool volatile_key(const char *key)
{
	static const char *const keys[] = {
		"pid", "tid", "ppid", "kseq", "boot_id", "seq", "time",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keys); i++)
		if (!strcmp(key, keys[i]))
			return true;
	return false;
}

/* Kind, module, source and the detail but for its volatile members */
static uint64_t key_of(const struct kw_alert *a, json_object *rec)
{
	json_object *detail = kw_rec_obj(rec, "detail");
	uint64_t h = 0xcbf29ce484222325ULL;

	h = fnv(h, kw_kind_name(a->kind));
	h = fnv(h, a->module);
	h = fnv(h, a->source);
	if (detail) {
		json_object_object_foreach(detail, k, v) {
			if (volatile_key(k))
				continue;
			h = fnv(h, k);
			h = fnv(h, json_object_to_json_string(v));
		}
	}
	return h ? h : 1;
}

/* Attempts an attacker repeats at will: denials and tamper attempts */
static bool floodable(const struct kw_alert *a)
{
	return a->action == KW_ACTION_denied ||
	       a->kind == KW_KIND_tamper_attempt;
}

/*
 * One record with the count in @h: the detail of @first (NULL: the
 * count of a kwardend that was killed) and detail.repeats.
 */
static void write_count(struct kwd *d, struct kwd_flood_held *h,
			json_object *first, bool shared)
{
	char msg[512], since[40], until[40];
	json_object *detail = NULL, *rep = json_object_new_object();
	struct kw_alert a = {
		.kind = h->kind, .severity = h->severity, .action = h->action,
		.module = kw_rec_str(first, "module"),
		.source = kw_rec_str(first, "source") ?: KW_SOURCE_DAEMON,
		.message = msg, .time_ns = kw_now_ns(),
	};

	kw_time_format(h->first_ns, since, sizeof(since));
	kw_time_format(h->last_ns, until, sizeof(until));
	if (first)
		snprintf(msg, sizeof(msg),
			 "%" PRIu64 " more %s, after seq %" PRIu64 ": %s",
			 h->count, shared ? "of this kind from other actors"
					  : "of the same attempt",
			 h->first_seq, kw_rec_str(first, "message") ?: "");
	else
		snprintf(msg, sizeof(msg),
			 "%" PRIu64 " more of the attempt at seq %" PRIu64 ", counted by a kwardend that stopped before it journalled them",
			 h->count, h->first_seq);
	json_object_deep_copy(kw_rec_obj(first, "detail"), &detail, NULL);
	if (!detail)
		detail = json_object_new_object();
	json_object_object_add(rep, "count", json_object_new_uint64(h->count));
	json_object_object_add(rep, "first_seq",
			       json_object_new_uint64(h->first_seq));
	kw_rec_add_str(rep, "since", since);
	kw_rec_add_str(rep, "until", until);
	json_object_object_add(rep, "other_actors",
			       json_object_new_boolean(shared));
	json_object_object_add(rep, "recovered",
			       json_object_new_boolean(!first));
	json_object_object_add(detail, "repeats", rep);
	a.detail = detail;
	kwd_sink_write(d, &a);
	/* journalled (and fsync'ed) first: a kill in between counts twice */
	memset(h, 0, sizeof(*h));
}

/* The count held in slot @i, if any, to the journal */
static void report(struct kwd *d, size_t i)
{
	struct kwd_flood *f = d->flood;
	struct kwd_flood_held *h = &f->file->held[i];

	if (h->count)
		write_count(d, h, f->slot[i].first, i >= KWD_FLOOD_SLOTS);
}

static void release(struct kwd_flood *f, size_t i)
{
	json_object_put(f->slot[i].first);
	memset(&f->slot[i], 0, sizeof(f->slot[i]));
}

static size_t slot_for(struct kwd_flood *f, uint64_t key, unsigned int kind)
{
	size_t i, free_slot = KWD_FLOOD_NSLOTS;

	for (i = 0; i < KWD_FLOOD_SLOTS; i++) {
		if (f->slot[i].key == key)
			return i;
		if (!f->slot[i].key && free_slot == KWD_FLOOD_NSLOTS)
			free_slot = i;
	}
	return free_slot < KWD_FLOOD_NSLOTS ? free_slot : KWD_FLOOD_SLOTS + kind;
}

static void count(struct kwd_flood *f, size_t i, const struct kw_alert *a)
{
	struct kwd_flood_held *h = &f->file->held[i];

	if (!h->count) {
		h->first_seq = kw_rec_u64(f->slot[i].first, "seq");
		h->first_ns = a->time_ns;
		h->kind = a->kind;
		h->severity = a->severity;
		h->action = a->action;
	}
	h->last_ns = a->time_ns;
	h->count++;
	f->held++;
}

/*
 * True if @a repeats an attempt journalled KWD_FLOOD_BURST times in this
 * interval: it is counted and not journalled.  False: journal it.
 */
bool kwd_flood_hold(struct kwd *d, const struct kw_alert *a, json_object *rec)
{
	struct kwd_flood *f = d->flood;
	struct kwd_flood_slot *s;
	uint64_t key, now = mono_ns();
	size_t i;

	if (!f || !floodable(a) || a->kind >= KW_KIND_MAX)
		return false;
	key = key_of(a, rec);
	i = slot_for(f, key, a->kind);
	s = &f->slot[i];
	if (s->key && now - s->start_ns >= KWD_FLOOD_INTERVAL_NS) {
		report(d, i);
		release(f, i);
	}
	if (!s->key) {
		s->key = key;
		s->start_ns = now;
		s->first = json_object_get(rec);	/* seq added on write */
	}
	if (s->written < KWD_FLOOD_BURST) {
		s->written++;
		return false;
	}
	count(f, i, a);
	return true;
}

/* Each second: the counts so far to the journal, ended intervals freed */
void kwd_flood_tick(struct kwd *d)
{
	struct kwd_flood *f = d->flood;
	uint64_t now = mono_ns();
	size_t i;

	for (i = 0; f && i < KWD_FLOOD_NSLOTS; i++) {
		if (!f->slot[i].key)
			continue;
		report(d, i);
		if (now - f->slot[i].start_ns >= KWD_FLOOD_INTERVAL_NS)
			release(f, i);
	}
}

uint64_t kwd_flood_held(struct kwd *d)
{
	return d->flood ? d->flood->held : 0;
}

/* journal_path.held, mapped shared: its counts outlive this process */
static struct kwd_flood_file *map_file(struct kwd *d)
{
	char path[PATH_MAX + 8];
	struct kwd_flood_file *m;
	int fd;

	snprintf(path, sizeof(path), "%s.held", d->cfg.journal_path);
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		goto fail;
	if (ftruncate(fd, sizeof(*m))) {
		close(fd);
		goto fail;
	}
	m = mmap(NULL, sizeof(*m), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		goto fail;
	if (m->magic != KWD_FLOOD_MAGIC) {
		memset(m, 0, sizeof(*m));
		m->magic = KWD_FLOOD_MAGIC;
	}
	return m;
fail:
	kwd_log(LOG_WARNING, "%s: %s: repeat counts kept in memory only",
		path, strerror(errno));
	return NULL;
}

int kwd_flood_start(struct kwd *d)
{
	struct kwd_flood *f = calloc(1, sizeof(*f));
	size_t i;

	if (!f)
		return -ENOMEM;
	f->file = map_file(d) ?: &f->mem;
	d->flood = f;
	/* what a killed kwardend counted and did not journal */
	for (i = 0; i < KWD_FLOOD_NSLOTS; i++)
		if (f->file->held[i].count && f->file->held[i].kind < KW_KIND_MAX)
			write_count(d, &f->file->held[i], NULL, false);
	return 0;
}

/* At exit, nothing counted is lost */
void kwd_flood_stop(struct kwd *d)
{
	struct kwd_flood *f = d->flood;
	size_t i;

	if (!f)
		return;
	for (i = 0; i < KWD_FLOOD_NSLOTS; i++) {
		report(d, i);
		release(f, i);
	}
	if (f->file != &f->mem)
		munmap(f->file, sizeof(*f->file));
	free(f);
	d->flood = NULL;
}
