// SPDX-License-Identifier: GPL-2.0
/*
 * Journal reader: a cursor over path.<keep> ... path.1, path (oldest
 * first) that keeps its place across the writer's rotations, and the
 * since/kind/module filter of `kwardenctl alerts`.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "alert.h"
#include "journal.h"
#include "names.h"
#include "timefmt.h"

void kw_filter_init(struct kw_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->kind = -1;
}

bool kw_filter_match(const struct kw_filter *f, json_object *rec)
{
	const char *s;
	uint64_t t;

	if (f->since_ns) {
		s = kw_rec_str(rec, "time");
		if (!s || kw_time_parse(s, &t) || t < f->since_ns)
			return false;
	}
	if (f->kind >= 0) {
		s = kw_rec_str(rec, "kind");
		if (!s || strcmp(s, kw_kind_name(f->kind)))
			return false;
	}
	if (f->module[0]) {
		s = kw_rec_str(rec, "module");
		if (!s || strcmp(s, f->module))
			return false;
	}
	return true;
}

void kw_cursor_init(struct kw_cursor *c, const char *path, unsigned int keep,
		    uint64_t gen)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->path, sizeof(c->path), "%s", path);
	c->keep = keep;
	c->suffix = keep + 1;	/* "before the oldest file" */
	c->gen = gen;
}

static bool open_suffix(struct kw_cursor *c)
{
	char name[PATH_MAX + 16];
	int fd;

	if (c->suffix)
		snprintf(name, sizeof(name), "%s.%u", c->path, c->suffix);
	else
		snprintf(name, sizeof(name), "%s", c->path);
	/* as the writer: no symlink followed, no FIFO waited on */
	fd = open(name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	c->f = fd < 0 ? NULL : fdopen(fd, "r");
	if (fd >= 0 && !c->f)
		close(fd);
	return c->f != NULL;
}

static bool at_live_end(const struct kw_cursor *c, uint64_t gen)
{
	return c->suffix == 0 && gen == c->gen;
}

/*
 * Open the file after the one we finished. It had suffix c->suffix - 1 at
 * generation c->gen; each rotation since moved it up by one.
 */
static bool advance(struct kw_cursor *c, uint64_t gen)
{
	uint64_t next;

	if (c->f)
		fclose(c->f);
	c->f = NULL;
	while (!at_live_end(c, gen)) {
		next = (uint64_t)c->suffix + (gen - c->gen) - 1;
		if (next > c->keep)
			next = c->keep;		/* rotated away: lost */
		c->suffix = (unsigned int)next;
		c->gen = gen;
		if (open_suffix(c))
			return true;
	}
	return open_suffix(c);	/* the live file may have appeared */
}

/* seq of the first record of the oldest journal file, or UINT64_MAX */
static uint64_t oldest_seq(const struct kw_cursor *c)
{
	struct kw_cursor o = *c;
	uint64_t seq = UINT64_MAX;
	const char *line;
	json_object *rec;
	size_t len;

	o.f = NULL;
	o.line = NULL;
	o.cap = 0;
	o.pinned = NULL;
	for (o.suffix = c->keep + 1; o.suffix-- > 0 && seq == UINT64_MAX;) {
		if (!open_suffix(&o))
			continue;
		if (getline(&o.line, &o.cap, o.f) > 0) {
			line = o.line;
			len = strcspn(line, "\n");
			rec = kw_parse_line(line, len);
			if (rec && kw_rec_u64(rec, "seq"))
				seq = kw_rec_u64(rec, "seq");
			json_object_put(rec);
		}
		fclose(o.f);
	}
	free(o.line);
	return seq;
}

void kw_cursor_pinned(struct kw_cursor *c)
{
	char name[PATH_MAX + 16];
	int fd;

	snprintf(name, sizeof(name), "%s%s", c->path, KW_JOURNAL_PINNED);
	fd = open(name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return;
	c->pinned = fdopen(fd, "r");
	if (!c->pinned) {
		close(fd);
		return;
	}
	c->pinned_below = oldest_seq(c);
}

/* The next pinned record the journal files no longer hold: 1, or 0 */
static int pinned_next(struct kw_cursor *c, const char **line, size_t *len)
{
	json_object *rec;
	uint64_t seq;
	ssize_t n;

	while ((n = getline(&c->line, &c->cap, c->pinned)) > 0) {
		if (c->line[n - 1] != '\n')
			break;		/* torn: the rest is not for us */
		rec = kw_parse_line(c->line, (size_t)n - 1);
		seq = rec ? kw_rec_u64(rec, "seq") : 0;
		json_object_put(rec);
		if (seq && seq < c->pinned_below) {
			*line = c->line;
			*len = (size_t)n - 1;
			return 1;
		}
	}
	fclose(c->pinned);
	c->pinned = NULL;
	return 0;
}

/* Next complete line: 1 with *line (valid until the next call), 0 at end */
int kw_cursor_next(struct kw_cursor *c, uint64_t gen, const char **line,
		   size_t *len)
{
	ssize_t n;
	off_t pos;

	if (c->pinned && pinned_next(c, line, len))
		return 1;
	if (!c->f && !advance(c, gen))
		return 0;
	for (;;) {
		pos = ftello(c->f);
		n = getline(&c->line, &c->cap, c->f);
		if (n > 0 && (c->line[n - 1] == '\n' || !at_live_end(c, gen))) {
			*line = c->line;
			*len = (size_t)n - (c->line[n - 1] == '\n');
			return 1;
		}
		if (ferror(c->f))
			return -EIO;
		if (at_live_end(c, gen)) {
			/* wait for the rest of a line being written */
			if (n > 0 && fseeko(c->f, pos, SEEK_SET))
				return -errno;
			clearerr(c->f);
			return 0;
		}
		if (!advance(c, gen))
			return 0;
	}
}

json_object *kw_parse_line(const char *line, size_t len)
{
	struct json_tokener *tok;
	json_object *o;

	if (len > KW_JOURNAL_LINE_MAX || len > INT_MAX)
		return NULL;
	tok = json_tokener_new_ex(32);
	if (!tok)
		return NULL;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, line, (int)len);
	if (o && (json_tokener_get_error(tok) != json_tokener_success ||
		  json_tokener_get_parse_end(tok) != len ||
		  !json_object_is_type(o, json_type_object))) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

int kw_cursor_next_match(struct kw_cursor *c, uint64_t gen,
			 const struct kw_filter *f, json_object **rec,
			 const char **line, size_t *len)
{
	int ret;

	while ((ret = kw_cursor_next(c, gen, line, len)) > 0) {
		*rec = kw_parse_line(*line, *len);
		if (*rec && kw_filter_match(f, *rec))
			return 1;
		json_object_put(*rec);
	}
	*rec = NULL;
	return ret;
}

void kw_cursor_close(struct kw_cursor *c)
{
	if (c->pinned)
		fclose(c->pinned);
	c->pinned = NULL;
	if (c->f)
		fclose(c->f);
	free(c->line);
	c->f = NULL;
	c->line = NULL;
}
