/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sink.c: the one event pipeline. Sources (genl.c, bpf.c, control.c,
 * timers) hand it a struct kw_alert with kwd_raise(); it journals it
 * (append + fsync, flood.c counts repeats), logs it, tells the followers,
 * then gives the typed event to each subscriber, in the order they were
 * registered at start. A subscriber never raises: follow-up alerts go to
 * the queue it is given and are raised, in order, after the event.
 */
#ifndef KWD_SINK_H
#define KWD_SINK_H

#include <stdbool.h>
#include <stdint.h>
#include <json-c/json.h>
#include "alert.h"
#include "journal.h"

struct kwd;

/* One alert as subscribers see it: numbers and strings, never JSON */
struct kwd_event {
	uint64_t time_ns;		/* 0: a replayed record without one */
	unsigned int kind;		/* enum kw_kind */
	unsigned int severity;		/* enum kw_severity */
	const char *module;		/* NULL: no module named */
	const char *time;		/* as journalled */
	/* from the detail; NULL when absent */
	const char *verdict;
	const char *path;
	const char *sha256;
	const char *file_sha256;
	const char *taint_flags;
	const char *where;		/* hooks */
	const char *target_symbol;
	int sig_ok;			/* -1: not said */
	/* replay only: a record of the journal, read back at start */
	bool this_boot;			/* raised since the kernel booted */
};

/* Follow-up alerts of one event, raised after it (FIFO) */
struct kwd_queued;
struct kwd_queue {
	struct kwd_queued *head, **tail;
};
/* Copies a (its source must be a KW_SOURCE_* constant), takes its detail */
void kwd_queue_alert(struct kwd_queue *q, struct kw_alert *a);

struct kwd_subscriber {
	const char *name;
	/* An alert just raised; follow-ups go to q */
	void (*note)(struct kwd *d, const struct kwd_event *ev,
		     struct kwd_queue *q);
	/* A journal record naming a module, read back at start */
	void (*replay)(struct kwd *d, const struct kwd_event *ev);
};

#define KWD_MAX_SUBSCRIBERS	8
struct kwd_sink {
	const struct kwd_subscriber *sub[KWD_MAX_SUBSCRIBERS];
	unsigned int nsub;
	void (*written)(struct kwd *d);	/* a record is in the journal */
	struct kwd_queue *q;		/* set while subscribers run */
};

#define KWD_PINNED	32	/* first violations of a boot kept */
void kwd_subscribe(struct kwd *d, const struct kwd_subscriber *s);
void kwd_sink_followers(struct kwd *d, void (*written)(struct kwd *d));
int kwd_raise(struct kwd *d, struct kw_alert *a);
int kwd_sink_write(struct kwd *d, struct kw_alert *a);
int kwd_journal_open(struct kwd *d);
void kwd_journal_close(struct kwd *d);
void kwd_journal_replay(struct kwd *d);	/* at start */

#endif /* KWD_SINK_H */
