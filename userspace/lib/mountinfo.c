// SPDX-License-Identifier: GPL-2.0
/*
 * A small /proc/self/mountinfo reader (proc(5)): mount id, parent id,
 * mount point (octal escapes undone) and file system type of each line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mountinfo.h"

#define FIELD_MAX	4096

struct mnt_line {
	uint32_t id, parent;
	char point[FIELD_MAX];
	char fstype[64];
};

/* Next blank-separated field of [*p, end) into buf; false if none */
static int next_field(const char **p, const char *end, char *buf, size_t len)
{
	const char *s = *p;
	size_t n = 0;

	while (s < end && *s == ' ')
		s++;
	if (s >= end)
		return 0;
	while (s < end && *s != ' ') {
		if (*s == '\\' && end - s >= 4 && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			if (n + 1 < len)
				buf[n++] = (char)((s[1] - '0') << 6 |
						  (s[2] - '0') << 3 | (s[3] - '0'));
			s += 4;
			continue;
		}
		if (n + 1 < len)
			buf[n++] = *s;
		s++;
	}
	buf[n] = '\0';
	*p = s;
	return 1;
}

static int parse_u32(const char *s, uint32_t *v)
{
	unsigned long n;
	char *end;

	errno = 0;
	n = strtoul(s, &end, 10);
	if (errno || end == s || *end || n > UINT32_MAX)
		return -EINVAL;
	*v = (uint32_t)n;
	return 0;
}

/* One line; -EINVAL if it is not a mountinfo line */
static int parse_line(const char *s, const char *end, struct mnt_line *m)
{
	char f[FIELD_MAX];
	int i;

	if (!next_field(&s, end, f, sizeof(f)) || parse_u32(f, &m->id) ||
	    !next_field(&s, end, f, sizeof(f)) || parse_u32(f, &m->parent))
		return -EINVAL;
	/* major:minor, root */
	for (i = 0; i < 2; i++)
		if (!next_field(&s, end, f, sizeof(f)))
			return -EINVAL;
	if (!next_field(&s, end, m->point, sizeof(m->point)))
		return -EINVAL;
	/* options, optional fields, then "-" */
	do {
		if (!next_field(&s, end, f, sizeof(f)))
			return -EINVAL;
	} while (strcmp(f, "-"));
	if (!next_field(&s, end, m->fstype, sizeof(m->fstype)))
		return -EINVAL;
	return 0;
}

/* Walks the lines; returns the last one matching (point, fstype) or id */
static int find(const char *text, size_t len, const char *point,
		const char *fstype, uint32_t id, struct mnt_line *out)
{
	const char *s = text, *end = text + len, *nl;
	struct mnt_line *m = malloc(sizeof(*m));
	int found = 0;

	if (!m)
		return -ENOMEM;
	for (; s < end; s = nl + 1) {
		nl = memchr(s, '\n', (size_t)(end - s));
		if (!nl)
			nl = end;
		if (parse_line(s, nl, m))
			continue;
		if (point ? !strcmp(m->point, point) &&
			    (!fstype || !strcmp(m->fstype, fstype))
			  : m->id == id) {
			*out = *m;
			found = 1;
		}
	}
	free(m);
	return found ? 0 : -ENOENT;
}

int kw_mount_chain(const char *text, size_t len, const char *mountpoint,
		   const char *fstype, struct kw_mount *out, int max)
{
	struct mnt_line *m = malloc(sizeof(*m));
	int n = 0, i, err;
	size_t l;

	if (!m)
		return -ENOMEM;
	err = find(text, len, mountpoint, fstype, 0, m);
	while (!err && n < max) {
		for (i = 0; i < n; i++)
			if (out[i].id == m->id)
				goto out;	/* a loop: the root's parent */
		out[n].id = m->id;
		l = strnlen(m->point, sizeof(out[n].point) - 1);
		memcpy(out[n].point, m->point, l);
		out[n].point[l] = '\0';
		n++;
		if (m->parent == m->id)
			break;
		err = find(text, len, NULL, NULL, m->parent, m);
	}
out:
	free(m);
	return n ? n : err;
}
