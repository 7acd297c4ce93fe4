// SPDX-License-Identifier: GPL-2.0
/*
 * Journal writer: append one JSON line, fsync, then return; rotate by size.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "alert.h"
#include "fileio.h"
#include "journal.h"

static int rotated_name(const char *path, unsigned int n, char *buf,
			size_t len)
{
	int r = n ? snprintf(buf, len, "%s.%u", path, n)
		  : snprintf(buf, len, "%s", path);

	return r < 0 || (size_t)r >= len ? -ENAMETOOLONG : 0;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* seq of the last complete record of one file, 0 if none */
static uint64_t last_seq_of(const char *name)
{
	struct kw_cursor c;
	const char *line;
	uint64_t seq = 0;
	size_t len;

	kw_cursor_init(&c, name, 0, 0);
	while (kw_cursor_next(&c, 0, &line, &len) > 0) {
		json_object *rec = kw_parse_line(line, len);

		if (rec && kw_rec_u64(rec, "seq"))
			seq = kw_rec_u64(rec, "seq");
		json_object_put(rec);
	}
	kw_cursor_close(&c);
	return seq;
}

/* The newest file holding a record tells where seq goes on */
static uint64_t recover_seq(const char *path, unsigned int keep)
{
	char name[PATH_MAX + 16];
	unsigned int n;
	uint64_t seq;

	for (n = 0; n <= keep; n++) {
		if (rotated_name(path, n, name, sizeof(name)))
			return 0;
		seq = last_seq_of(name);
		if (seq)
			return seq;
	}
	return 0;
}

/*
 * The journal is ours alone: a symlink at its name is refused (ELOOP), not
 * followed, anything but a regular file too, and a file found with another
 * mode is made 0600 through the fd, never by path. (O_NONBLOCK: a FIFO or
 * device put there is not waited on; it does nothing to a regular file.)
 */
static int open_current(struct kw_journal *j)
{
	struct stat st;
	char last = '\n';
	int err;

	j->fd = open(j->path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC |
		     O_NOFOLLOW | O_NONBLOCK, 0600);
	if (j->fd < 0)
		return -errno;
	if (fstat(j->fd, &st))
		goto fail;
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		goto fail;
	}
	if ((st.st_mode & 07777) != 0600 && fchmod(j->fd, 0600))
		goto fail;
	j->size = (uint64_t)st.st_size;
	/* A crash mid-write leaves a torn last line: start a fresh one */
	if (j->size && pread(j->fd, &last, 1, st.st_size - 1) != 1)
		goto fail;
	j->torn = last != '\n';
	return kw_fsync_dir(j->path);
fail:
	err = -errno;
	close(j->fd);
	j->fd = -1;
	return err;
}

int kw_journal_open(struct kw_journal *j, const char *path,
		    uint64_t max_bytes, unsigned int keep)
{
	memset(j, 0, sizeof(*j));
	j->fd = -1;
	/* the longest name, path.<keep>, must fit too */
	if (rotated_name(path, keep, j->path, sizeof(j->path)) ||
	    rotated_name(path, 0, j->path, sizeof(j->path)))
		return -ENAMETOOLONG;
	j->max_bytes = max_bytes;
	j->keep = keep;
	j->seq = recover_seq(path, keep);
	return open_current(j);
}

static int rotate(struct kw_journal *j)
{
	char from[PATH_MAX + 16], to[PATH_MAX + 16];
	unsigned int n;

	close(j->fd);
	j->fd = -1;
	for (n = j->keep; n > 0; n--) {
		rotated_name(j->path, n - 1, from, sizeof(from));
		rotated_name(j->path, n, to, sizeof(to));
		if (rename(from, to) && errno != ENOENT)
			return -errno;
	}
	if (!j->keep && unlink(j->path) && errno != ENOENT)
		return -errno;
	j->generation++;
	return open_current(j);
}

static int write_line(struct kw_journal *j, const char *s, size_t len)
{
	int err = 0;

	if (j->torn)
		err = write_all(j->fd, "\n", 1);
	if (!err) {
		j->size += j->torn;
		j->torn = false;
		err = write_all(j->fd, s, len);
	}
	if (err) {
		j->torn = true;
		return err;
	}
	j->size += len;
	return fsync(j->fd) ? -errno : 0;
}

/* Appends rec as it is and makes it durable; returns 0 or -errno */
int kw_journal_write(struct kw_journal *j, json_object *rec)
{
	const char *s;
	char *line;
	size_t len;
	int err;

	if (j->fd < 0) {
		err = open_current(j);
		if (err)
			return err;
	}
	s = json_object_to_json_string_length(rec, JSON_C_TO_STRING_PLAIN |
					      JSON_C_TO_STRING_NOSLASHESCAPE,
					      &len);
	if (!s || len + 1 > KW_JOURNAL_LINE_MAX)
		return -EMSGSIZE;
	if (j->size && j->size + len + 1 > j->max_bytes) {
		err = rotate(j);
		if (err)
			return err;
	}
	line = malloc(len + 1);
	if (!line)
		return -ENOMEM;
	memcpy(line, s, len);
	line[len] = '\n';
	err = write_line(j, line, len + 1);
	free(line);
	return err;
}

/* Gives rec the next seq and makes it durable; returns 0 or -errno */
int kw_journal_append(struct kw_journal *j, json_object *rec)
{
	int err;

	json_object_object_add(rec, "seq", json_object_new_uint64(j->seq + 1));
	err = kw_journal_write(j, rec);
	if (!err)
		j->seq++;
	return err;
}

void kw_journal_close(struct kw_journal *j)
{
	if (j->fd >= 0)
		close(j->fd);
	j->fd = -1;
}
