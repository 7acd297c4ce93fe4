// SPDX-License-Identifier: GPL-2.0
/*
 * The blocklist store and its modprobe.d mirror. Entries are small text
 * files that people may read and damage: reading is strict, reports
 * what is wrong, and never lets a damaged entry unblock its module.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "blocklist.h"
#include "timefmt.h"

int kw_block_name(const char *name, char out[KW_NAME_LEN])
{
	size_t i, n = name ? strlen(name) : 0;

	if (!n || n >= KW_NAME_LEN)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		char c = name[i];

		if (c == '-')
			c = '_';
		if (!(c == '_' || (c >= '0' && c <= '9') ||
		      (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
			return -EINVAL;
		out[i] = c;
	}
	out[n] = '\0';
	return 0;
}

int kw_block_state_ok(const char *state)
{
	return state && (!strcmp(state, "disabled") ||
			 !strcmp(state, "quarantined")) ? 0 : -EINVAL;
}

/* Reasons and names go in one line each: no control characters */
static void clean_copy(char *dst, size_t len, const char *src)
{
	size_t i;

	snprintf(dst, len, "%s", src ? src : "");
	for (i = 0; dst[i]; i++)
		if ((unsigned char)dst[i] < 0x20 || dst[i] == 0x7f)
			dst[i] = '?';
}

static int entry_path(const char *dir, const char *name, char *path,
		      size_t len, char *canon)
{
	if (kw_block_name(name, canon))
		return -EINVAL;
	if (snprintf(path, len, "%s/%s", dir, canon) >= (int)len)
		return -ENAMETOOLONG;
	return 0;
}

int kw_block_add(const char *dir, const char *name, const char *state,
		 const char *reason)
{
	char path[PATH_MAX], canon[KW_NAME_LEN], why[KW_BLOCK_REASON_LEN];
	char when[KW_TIME_LEN], buf[KW_BLOCK_FILE_MAX];
	int err, n;

	err = entry_path(dir, name, path, sizeof(path), canon);
	if (err)
		return err;
	if (kw_block_state_ok(state))
		return -EINVAL;
	err = kw_mkdirs(dir, 0700);
	if (err)
		return err;
	clean_copy(why, sizeof(why), reason);
	if (kw_time_format(kw_now_ns(), when, sizeof(when)) <= 0)
		snprintf(when, sizeof(when), "unknown");
	n = snprintf(buf, sizeof(buf),
		     "# kwarden blocklist entry: `kwardenctl release %s` lifts it\n"
		     "name=%s\nstate=%s\nreason=%s\nsince=%s\n",
		     canon, canon, state, why, when);
	if (n < 0 || n >= (int)sizeof(buf))
		return -EOVERFLOW;
	return kw_write_atomic(path, buf, (size_t)n, 0600);
}

int kw_block_remove(const char *dir, const char *name)
{
	char path[PATH_MAX], canon[KW_NAME_LEN];
	int err = entry_path(dir, name, path, sizeof(path), canon);

	if (err)
		return err;
	if (unlink(path))
		return -errno;
	return kw_fsync_dir(path);
}

__attribute__((format(printf, 2, 3)))
static void damaged(struct kw_block *b, const char *fmt, ...)
{
	va_list ap;

	if (b->error[0])
		return;		/* the first problem says most */
	va_start(ap, fmt);
	vsnprintf(b->error, sizeof(b->error), fmt, ap);
	va_end(ap);
}

static void parse_entry(struct kw_block *b, char *buf, size_t len)
{
	char *line = buf, *nl, *eq;
	unsigned int lineno = 0;
	bool have_state = false, have_name = false;

	if (memchr(buf, '\0', len)) {
		damaged(b, "NUL byte in the file");
		return;
	}
	buf[len] = '\0';
	for (; line && *line; line = nl) {
		nl = strchr(line, '\n');
		if (nl)
			*nl++ = '\0';
		lineno++;
		if (*line == '#' || !*line)
			continue;
		eq = strchr(line, '=');
		if (!eq) {
			damaged(b, "line %u: expected key=value", lineno);
			continue;
		}
		*eq++ = '\0';
		if (!strcmp(line, "name")) {
			have_name = true;
			if (strcmp(eq, b->name))
				damaged(b, "line %u: name '%.40s' is not the file's name",
					lineno, eq);
		} else if (!strcmp(line, "state")) {
			if (kw_block_state_ok(eq)) {
				damaged(b, "line %u: unknown state '%.32s'",
					lineno, eq);
			} else {
				snprintf(b->state, sizeof(b->state), "%s", eq);
				have_state = true;
			}
		} else if (!strcmp(line, "reason")) {
			clean_copy(b->reason, sizeof(b->reason), eq);
		} else if (!strcmp(line, "since")) {
			if (kw_time_parse(eq, &b->since_ns))
				damaged(b, "line %u: since is not an RFC 3339 time",
					lineno);
		} else {
			damaged(b, "line %u: unknown key '%.32s'", lineno, line);
		}
	}
	if (!have_name)
		damaged(b, "no name= line");
	if (!have_state)
		damaged(b, "no valid state= line");
}

/* The entry of canonical name in dir: 0, -ENOENT, or -errno */
static int read_entry(const char *dir, const char *canon, struct kw_block *b)
{
	char path[PATH_MAX], *buf;
	struct stat st;
	ssize_t n;
	int fd;

	memset(b, 0, sizeof(*b));
	snprintf(b->name, sizeof(b->name), "%s", canon);
	snprintf(b->state, sizeof(b->state), "disabled");	/* fail closed */
	if (snprintf(path, sizeof(path), "%s/%s", dir, canon) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOENT)
			return -ENOENT;
		damaged(b, "cannot open: %s", strerror(errno));
		return 0;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		damaged(b, "not a regular file");
		close(fd);
		return 0;
	}
	buf = malloc(KW_BLOCK_FILE_MAX + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	n = read(fd, buf, KW_BLOCK_FILE_MAX + 1);
	close(fd);
	if (n < 0)
		damaged(b, "cannot read: %s", strerror(errno));
	else if (n > KW_BLOCK_FILE_MAX)
		damaged(b, "larger than %d bytes", KW_BLOCK_FILE_MAX);
	else
		parse_entry(b, buf, (size_t)n);
	free(buf);
	if (b->error[0] && !b->reason[0])
		snprintf(b->reason, sizeof(b->reason), "damaged entry");
	return 0;
}

int kw_block_get(const char *dir, const char *name, struct kw_block *b)
{
	char canon[KW_NAME_LEN];

	if (kw_block_name(name, canon))
		return -EINVAL;
	return read_entry(dir, canon, b);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct kw_block *)a)->name,
		      ((const struct kw_block *)b)->name);
}

int kw_block_list(const char *dir, struct kw_block **out, size_t *n)
{
	struct kw_block *v = NULL, *p;
	char canon[KW_NAME_LEN];
	size_t cap = 0, cnt = 0;
	struct dirent *de;
	DIR *dp;
	int err = 0;

	*out = NULL;
	*n = 0;
	dp = opendir(dir);
	if (!dp)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(dp))) {
		/* temporaries start with '.', which no module name does */
		if (kw_block_name(de->d_name, canon) ||
		    strcmp(canon, de->d_name))
			continue;
		if (cnt == KW_BLOCK_MAX) {
			err = -E2BIG;
			break;
		}
		if (cnt == cap) {
			cap = cap ? cap * 2 : 16;
			p = realloc(v, cap * sizeof(*v));
			if (!p) {
				err = -ENOMEM;
				break;
			}
			v = p;
		}
		err = read_entry(dir, canon, &v[cnt]);
		if (err == -ENOENT) {	/* removed while we read */
			err = 0;
			continue;
		}
		if (err)
			break;
		cnt++;
	}
	closedir(dp);
	if (err && err != -E2BIG) {
		free(v);
		return err;
	}
	if (cnt)
		qsort(v, cnt, sizeof(*v), by_name);
	*out = v;
	*n = cnt;
	return err;
}

int kw_block_write_modprobe(const char *path, const struct kw_block *b,
			    size_t n)
{
	size_t i, cap = 256 + n * (2 * KW_NAME_LEN + 64), len;
	char *buf, dir[PATH_MAX], *slash;
	int err;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		err = kw_mkdirs(dir, 0755);
		if (err)
			return err;
	}
	buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	len = (size_t)snprintf(buf, cap,
		"# Written by kwardend from its blocklist store: do not edit.\n"
		"# `kwardenctl release NAME` lifts a block, here and in kwarden.ko.\n");
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, cap - len,
					"blacklist %s\ninstall %s /bin/false\n",
					b[i].name, b[i].name);
	err = kw_write_atomic(path, buf, len, 0644);
	free(buf);
	return err;
}

int kw_block_mirror(const char *dir, const char *path)
{
	struct kw_block *b;
	size_t n;
	int err = kw_block_list(dir, &b, &n);

	if (err && err != -E2BIG)
		return err;
	err = kw_block_write_modprobe(path, b, n);
	free(b);
	return err;
}
