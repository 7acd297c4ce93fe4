/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The durable alert journal: JSON lines, written and fsync'ed before an
 * alert is acknowledged, rotated by size into path.1 ... path.<keep>,
 * and read back oldest first through a cursor that survives rotation.
 */
#ifndef KW_JOURNAL_H
#define KW_JOURNAL_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <json-c/json.h>
#include <linux/kwarden.h>

#define KW_JOURNAL_LINE_MAX	(64 * 1024)

struct kw_journal {
	char path[PATH_MAX];
	int fd;
	uint64_t size;		/* bytes in the current file */
	uint64_t max_bytes;	/* rotate before the file would exceed this */
	unsigned int keep;	/* rotated files kept */
	uint64_t seq;		/* seq of the last record written */
	uint64_t generation;	/* rotations since open */
	bool torn;		/* last write was partial: start with '\n' */
};

int kw_journal_open(struct kw_journal *j, const char *path,
		    uint64_t max_bytes, unsigned int keep);
int kw_journal_append(struct kw_journal *j, json_object *rec);
int kw_journal_write(struct kw_journal *j, json_object *rec);	/* seq as is */
void kw_journal_close(struct kw_journal *j);

/* Which records a reader wants; an all-zero filter matches everything */
struct kw_filter {
	uint64_t since_ns;		/* 0: any time */
	int kind;			/* -1: any kind */
	char module[KW_NAME_LEN];	/* "": any module */
};

void kw_filter_init(struct kw_filter *f);
bool kw_filter_match(const struct kw_filter *f, json_object *rec);

struct kw_cursor {
	char path[PATH_MAX];
	unsigned int keep;
	FILE *f;
	unsigned int suffix;	/* of the open file, as of generation gen */
	uint64_t gen;
	char *line;
	size_t cap;
	FILE *pinned;		/* path.first, read before the others */
	uint64_t pinned_below;	/* its records older than the oldest file */
};

/* The suffix of the file that keeps the first violations of a boot */
#define KW_JOURNAL_PINNED	".first"

/*
 * gen is the writer's kw_journal.generation (0 for a reader without a
 * writer). Records appended later, even across rotations, are returned by
 * later calls as long as the caller passes the writer's new generation.
 */
void kw_cursor_init(struct kw_cursor *c, const char *path, unsigned int keep,
		    uint64_t gen);
int kw_cursor_next(struct kw_cursor *c, uint64_t gen, const char **line,
		   size_t *len);
/*
 * Before the journal, the records of path.first (the boot's first
 * violations) that rotation took away from the journal files: the reader
 * of `kwardenctl alerts` sees them, oldest first, without duplicates.
 */
void kw_cursor_pinned(struct kw_cursor *c);
/* Next record matching f: 1 with *rec (caller puts it), 0 at the end */
int kw_cursor_next_match(struct kw_cursor *c, uint64_t gen,
			 const struct kw_filter *f, json_object **rec,
			 const char **line, size_t *len);
void kw_cursor_close(struct kw_cursor *c);

json_object *kw_parse_line(const char *line, size_t len);

#endif /* KW_JOURNAL_H */
