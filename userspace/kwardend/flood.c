// SPDX-License-Identifier: GPL-2.0
/*
 * Repeats of one attempt, aggregated, so that a loop cannot flood the
 * journal.  Root can repeat a denied attempt (a kill, an open for write, a
 * wrong unlock, a denied module load) as fast as a loop runs, and each
 * would be one fsync'ed record.  The first KWD_FLOOD_BURST attempts of each
 * kind, actor and target in an interval are journalled in full; the
 * repeats after them inside the interval are only counted, and one record
 * with the count follows when the interval ends.  The actor is the program (comm, exe, uid), not the
 * pid: a shell loop forks a new process for every try.  Subscribers (boot
 * health, fault budget, policy stage) still see every alert.
 *
 * Bounded: KWD_FLOOD_SLOTS actors at once; when they are all taken, the
 * rest of a kind shares one more slot per kind, so at most
 * KWD_FLOOD_SLOTS + KW_KIND_MAX full records and as many counts are
 * written per interval, whatever the attacker varies.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "kwardend.h"
#include "names.h"
#include "timefmt.h"

#define KWD_FLOOD_SLOTS		64
#define KWD_FLOOD_INTERVAL_NS	(10ULL * 1000000000ULL)
#define KWD_FLOOD_BURST		5	/* in full per interval */

struct kwd_flood_slot {
	uint64_t key;		/* 0: free */
	uint64_t start_ns;	/* CLOCK_MONOTONIC, the full record's */
	unsigned int written;	/* records journalled in full since */
	uint64_t count;		/* repeats held back since */
	uint64_t first_ns;	/* CLOCK_REALTIME of the first repeat */
	uint64_t last_ns;	/* and of the last */
	json_object *first;	/* the record journalled in full */
};

struct kwd_flood {
	struct kwd_flood_slot slot[KWD_FLOOD_SLOTS + KW_KIND_MAX];
	uint64_t held;		/* repeats held back by this run */
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

/* The record with the count of the repeats held in @s; frees @s */
static void flush(struct kwd *d, struct kwd_flood_slot *s, bool shared)
{
	json_object *first = s->first, *detail, *rep;
	char msg[512], since[40], until[40];
	const char *kind = kw_rec_str(first, "kind");
	struct kw_alert a = {
		.kind = (unsigned int)kw_kind_from_name(kind ? kind : ""),
		.severity = (unsigned int)kw_severity_from_name(
				kw_rec_str(first, "severity") ?: ""),
		.action = (unsigned int)kw_action_from_name(
				kw_rec_str(first, "action") ?: ""),
		.module = kw_rec_str(first, "module"),
		.source = kw_rec_str(first, "source"),
		.message = msg,
		.time_ns = kw_now_ns(),
	};

	if (s->count) {
		kw_time_format(s->first_ns, since, sizeof(since));
		kw_time_format(s->last_ns, until, sizeof(until));
		snprintf(msg, sizeof(msg),
			 "%" PRIu64 " more %s within %llu s, after seq %" PRIu64 ": %s",
			 s->count, shared ? "of this kind from other actors"
					  : "of the same attempt",
			 KWD_FLOOD_INTERVAL_NS / 1000000000ULL,
			 kw_rec_u64(first, "seq"),
			 kw_rec_str(first, "message") ?: "");
		detail = NULL;
		json_object_deep_copy(kw_rec_obj(first, "detail"), &detail,
				      NULL);
		rep = json_object_new_object();
		json_object_object_add(rep, "count",
				       json_object_new_uint64(s->count));
		json_object_object_add(rep, "other_actors",
				       json_object_new_boolean(shared));
		json_object_object_add(rep, "first_seq", json_object_new_uint64(
					       kw_rec_u64(first, "seq")));
		kw_rec_add_str(rep, "since", since);
		kw_rec_add_str(rep, "until", until);
		if (!detail)
			detail = json_object_new_object();
		json_object_object_add(detail, "repeats", rep);
		a.detail = detail;
		kwd_sink_write(d, &a);
	}
	json_object_put(first);
	memset(s, 0, sizeof(*s));
}

static struct kwd_flood_slot *slot_for(struct kwd_flood *f, uint64_t key,
				       unsigned int kind)
{
	struct kwd_flood_slot *free_slot = NULL;
	size_t i;

	for (i = 0; i < KWD_FLOOD_SLOTS; i++) {
		if (f->slot[i].key == key)
			return &f->slot[i];
		if (!f->slot[i].key && !free_slot)
			free_slot = &f->slot[i];
	}
	return free_slot ? free_slot : &f->slot[KWD_FLOOD_SLOTS + kind];
}

/*
 * True if @a repeats an attempt journalled in this interval: it is counted
 * and not journalled.  False: journal it (kwd_flood_noted() next).
 */
bool kwd_flood_hold(struct kwd *d, const struct kw_alert *a, json_object *rec)
{
	struct kwd_flood *f = d->flood;
	struct kwd_flood_slot *s;
	uint64_t key, now = mono_ns();

	if (!f || !floodable(a) || a->kind >= KW_KIND_MAX)
		return false;
	key = key_of(a, rec);
	s = slot_for(f, key, a->kind);
	if (s->key && now - s->start_ns >= KWD_FLOOD_INTERVAL_NS)
		flush(d, s, s - f->slot >= KWD_FLOOD_SLOTS);
	if (!s->key) {
		s->key = key;
		s->start_ns = now;
		s->first = json_object_get(rec);	/* seq added on write */
	}
	if (s->written < KWD_FLOOD_BURST) {
		s->written++;
		return false;
	}
	if (!s->count)
		s->first_ns = a->time_ns;
	s->last_ns = a->time_ns;
	s->count++;
	f->held++;
	return true;
}

/* Each second: counts of intervals that ended go to the journal */
void kwd_flood_tick(struct kwd *d)
{
	struct kwd_flood *f = d->flood;
	uint64_t now = mono_ns();
	size_t i;

	for (i = 0; f && i < ARRAY_SIZE(f->slot); i++)
		if (f->slot[i].key &&
		    now - f->slot[i].start_ns >= KWD_FLOOD_INTERVAL_NS)
			flush(d, &f->slot[i], i >= KWD_FLOOD_SLOTS);
}

uint64_t kwd_flood_held(struct kwd *d)
{
	return d->flood ? d->flood->held : 0;
}

int kwd_flood_start(struct kwd *d)
{
	d->flood = calloc(1, sizeof(*d->flood));
	return d->flood ? 0 : -ENOMEM;
}

/* At exit, nothing counted is lost */
void kwd_flood_stop(struct kwd *d)
{
	size_t i;

	if (!d->flood)
		return;
	for (i = 0; i < ARRAY_SIZE(d->flood->slot); i++)
		if (d->flood->slot[i].key)
			flush(d, &d->flood->slot[i], i >= KWD_FLOOD_SLOTS);
	free(d->flood);
	d->flood = NULL;
}
