// SPDX-License-Identifier: GPL-2.0
/*
 * The one /proc/modules parser of kwardend, kwardenctl and the selftests.
 * Lines are read whole (getline), so a long USED_BY list cannot spill
 * into a line of its own and be taken for a module.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "procmods.h"

/* "(OE)" -> "OE"; anything else (an address, nothing) -> "" */
static void taint_letters(const char *field, char *out, size_t len)
{
	size_t n = strlen(field);

	out[0] = '\0';
	if (n < 2 || field[0] != '(' || field[n - 1] != ')')
		return;
	snprintf(out, len, "%.*s", (int)(n - 2), field + 1);
}

int kw_procmod_parse(const char *line, struct kw_procmod *m)
{
	char deps[512], taints[32] = "", sizebuf[24], refbuf[24], *end;
	size_t n;
	int got;

	memset(m, 0, sizeof(*m));
	got = sscanf(line, "%55s %23s %23s %511s %15s %*s %31s", m->name,
		     sizebuf, refbuf, deps, m->state, taints);
	if (got < 5)
		return -EINVAL;
	m->size = strtoull(sizebuf, &end, 10);
	if (*end || sizebuf[0] == '-')
		return -EINVAL;
	m->refcnt = strtol(refbuf, &end, 10);
	if (*end)
		return -EINVAL;
	if (strcmp(deps, "-"))
		snprintf(m->used_by, sizeof(m->used_by), "%s", deps);
	n = strlen(m->used_by);
	if (n && m->used_by[n - 1] == ',')
		m->used_by[n - 1] = '\0';
	taint_letters(taints, m->taints, sizeof(m->taints));
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
