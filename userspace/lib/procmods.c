// SPDX-License-Identifier: GPL-2.0
/*
 * The one /proc/modules parser of kwardend, kwardenctl and the selftests.
 * Lines are read whole (getline) and split into fields by hand, so a
 * long USED_BY list can neither spill into a line of its own nor shift
 * the fields after it.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "procmods.h"

enum { F_NAME, F_SIZE, F_REFCNT, F_USED_BY, F_STATE, F_ADDR, F_TAINTS, F_MAX };

/* Field i: start and length; fields past the last are empty */
struct fields {
	const char *at[F_MAX];
	size_t len[F_MAX];
	int n;
};

static void split(const char *line, struct fields *f)
{
	const char *p = line;

	memset(f, 0, sizeof(*f));
	while (f->n < F_MAX) {
		p += strspn(p, " \t\n");
		if (!*p)
			break;
		f->at[f->n] = p;
		f->len[f->n] = strcspn(p, " \t\n");
		p += f->len[f->n++];
	}
}

/* Field i into buf (cut to fit); false if it is empty or too long and !cut */
static bool copy(const struct fields *f, int i, char *buf, size_t len, bool cut)
{
	if (!f->len[i] || (!cut && f->len[i] >= len))
		return false;
	snprintf(buf, len, "%.*s", (int)f->len[i], f->at[i]);
	return true;
}

static bool number(const struct fields *f, int i, bool sign, long long *v)
{
	char buf[24], *end;

	if (!copy(f, i, buf, sizeof(buf), false) || (!sign && buf[0] == '-'))
		return false;
	errno = 0;
	*v = strtoll(buf, &end, 10);
	return !errno && !*end;
}

int kw_procmod_parse(const char *line, struct kw_procmod *m)
{
	struct fields f;
	long long size, ref;
	size_t n;

	memset(m, 0, sizeof(*m));
	split(line, &f);
	if (f.n < F_ADDR || !copy(&f, F_NAME, m->name, sizeof(m->name), false) ||
	    !number(&f, F_SIZE, false, &size) ||
	    !number(&f, F_REFCNT, true, &ref) ||
	    !copy(&f, F_STATE, m->state, sizeof(m->state), false)) {
		memset(m, 0, sizeof(*m));
		return -EINVAL;
	}
	m->size = (unsigned long long)size;
	m->refcnt = (long)ref;
	/* "a,b," or "-"; a list too long for used_by is cut */
	if (f.len[F_USED_BY] != 1 || f.at[F_USED_BY][0] != '-')
		copy(&f, F_USED_BY, m->used_by, sizeof(m->used_by), true);
	n = strlen(m->used_by);
	if (n && m->used_by[n - 1] == ',')
		m->used_by[n - 1] = '\0';
	/* "(OE)", after the address */
	if (f.len[F_TAINTS] > 2 && f.at[F_TAINTS][0] == '(' &&
	    f.at[F_TAINTS][f.len[F_TAINTS] - 1] == ')' &&
	    f.len[F_TAINTS] - 2 < sizeof(m->taints))
		snprintf(m->taints, sizeof(m->taints), "%.*s",
			 (int)f.len[F_TAINTS] - 2, f.at[F_TAINTS] + 1);
	return 0;
}

int kw_procmods_open(struct kw_procmods *it, const char *path)
{
	memset(it, 0, sizeof(*it));
	it->f = fopen(path ? path : KW_PROCMODS_PATH, "re");
	return it->f ? 0 : -errno;
}

int kw_procmods_next(struct kw_procmods *it, struct kw_procmod *m)
{
	while (it->f && getline(&it->line, &it->cap, it->f) > 0)
		if (!kw_procmod_parse(it->line, m))
			return 1;
	return 0;
}

void kw_procmods_close(struct kw_procmods *it)
{
	if (it->f)
		fclose(it->f);
	free(it->line);
	memset(it, 0, sizeof(*it));
}

int kw_procmod_find(const char *path, const char *name, struct kw_procmod *m)
{
	struct kw_procmods it;
	int err = kw_procmods_open(&it, path);

	if (err)
		return err;
	err = -ENOENT;
	while (kw_procmods_next(&it, m))
		if (!strcmp(m->name, name)) {
			err = 0;
			break;
		}
	kw_procmods_close(&it);
	return err;
}
