// SPDX-License-Identifier: GPL-2.0
/*
 * The staged policy store and its stage machine (policy_store.h,
 * docs/policy-staging.md). Files are small "KEY VALUE" texts, written
 * atomically (temporary, fsync, rename, fsync of the directory); every
 * read is bounded.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "compiler.h"
#include "policy.h"
#include "fileio.h"
#include "policy_store.h"

#define STATE_FILE	"state"
#define SMALL_MAX	4096	/* state and meta files */

static const char *const stage_names[KW_STAGE_MAX] = {
	[KW_STAGE_NONE]		= "none",
	[KW_STAGE_AUDIT]	= "audit",
	[KW_STAGE_ENFORCE]	= "enforce",
	[KW_STAGE_HELD]		= "held",
	[KW_STAGE_AS_FILE]	= "as_file",
};

const char *kw_stage_name(enum kw_stage s)
{
	return (unsigned int)s < KW_STAGE_MAX ? stage_names[s] : "none";
}

int kw_stage_parse(const char *name, enum kw_stage *out)
{
	unsigned int i;

	for (i = 0; i < KW_STAGE_MAX; i++)
		if (!strcmp(name, stage_names[i])) {
			*out = (enum kw_stage)i;
			return 0;
		}
	return -EINVAL;
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno || *end ? -EINVAL : 0;
}

static int parse_uint(const char *s, unsigned int *out)
{
	uint64_t v;

	if (parse_u64(s, &v) || v > UINT32_MAX)
		return -EINVAL;
	*out = (unsigned int)v;
	return 0;
}

/* Calls fn(key, value) for each "KEY VALUE" line; -EINVAL at a bad one */
static int each_line(const char *buf, size_t len, void *obj,
		     int (*fn)(void *obj, const char *key, const char *val))
{
	char line[256], *sp;
	const char *p = buf, *end = buf + len, *nl;
	size_t n;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return -EINVAL;		/* cut short */
		n = (size_t)(nl - p);
		if (n >= sizeof(line))
			return -EINVAL;
		memcpy(line, p, n);
		line[n] = '\0';
		p = nl + 1;
		if (!n || line[0] == '#')
			continue;
		sp = strchr(line, ' ');
		if (!sp)
			return -EINVAL;
		*sp = '\0';
		if (fn(obj, line, sp + 1))
			return -EINVAL;
	}
	return 0;
}

static int state_kv(void *obj, const char *k, const char *v)
{
	struct kw_pstate *st = obj;

	if (!strcmp(k, "version"))
		return parse_uint(v, &st->version);
	if (!strcmp(k, "stage"))
		return kw_stage_parse(v, &st->stage);
	if (!strcmp(k, "since"))
		return parse_u64(v, &st->since_ns);
	if (!strcmp(k, "previous"))
		return parse_uint(v, &st->previous);
	if (!strcmp(k, "previous_stage"))
		return kw_stage_parse(v, &st->previous_stage);
	if (!strcmp(k, "would_deny"))
		return parse_u64(v, &st->would_deny);
	if (!strcmp(k, "denied"))
		return parse_u64(v, &st->denied);
	if (!strcmp(k, "boots"))
		return parse_uint(v, &st->boots);
	if (!strcmp(k, "boot")) {
		if (strlen(v) >= sizeof(st->boot))
			return -EINVAL;
		memset(st->boot, 0, sizeof(st->boot));	/* a key seen twice */
		snprintf(st->boot, sizeof(st->boot), "%s", v);
		return 0;
	}
	return 0;	/* a newer kwardend's key: kept out, not fatal */
}

int kw_pstate_parse(const char *buf, size_t len, struct kw_pstate *st)
{
	memset(st, 0, sizeof(*st));
	if (each_line(buf, len, st, state_kv))
		return -EINVAL;
	if (!st->version != (st->stage == KW_STAGE_NONE))
		return -EINVAL;
	return 0;
}

int kw_pstate_format(const struct kw_pstate *st, char *buf, size_t len)
{
	int n = snprintf(buf, len,
			 "version %u\nstage %s\nsince %" PRIu64 "\nprevious %u\n"
			 "previous_stage %s\nwould_deny %" PRIu64 "\n"
			 "denied %" PRIu64 "\nboots %u\n%s%s%s",
			 st->version, kw_stage_name(st->stage), st->since_ns,
			 st->previous, kw_stage_name(st->previous_stage),
			 st->would_deny, st->denied, st->boots,
			 st->boot[0] ? "boot " : "", st->boot,
			 st->boot[0] ? "\n" : "");

	return n < 0 || (size_t)n >= len ? -ENOSPC : n;
}

/* Text values stay one line: anything below ' ' becomes '?' */
static void copy_text(char *dst, size_t len, const char *src)
{
	size_t i;

	memset(dst, 0, len);
	snprintf(dst, len, "%s", src);
	for (i = 0; dst[i]; i++)
		if ((unsigned char)dst[i] < ' ' || dst[i] == 0x7f)
			dst[i] = '?';
}

static int meta_kv(void *obj, const char *k, const char *v)
{
	struct kw_pmeta *m = obj;

	if (!strcmp(k, "added"))
		return parse_u64(v, &m->added_ns);
	if (!strcmp(k, "previous"))
		return parse_uint(v, &m->previous);
	if (!strcmp(k, "previous_stage"))
		return kw_stage_parse(v, &m->previous_stage);
	if (!strcmp(k, "origin"))
		copy_text(m->origin, sizeof(m->origin), v);
	else if (!strcmp(k, "outcome"))
		copy_text(m->outcome, sizeof(m->outcome), v);
	return 0;
}

int kw_pmeta_parse(const char *buf, size_t len, struct kw_pmeta *m)
{
	memset(m, 0, sizeof(*m));
	return each_line(buf, len, m, meta_kv) ? -EINVAL : 0;
}

int kw_pmeta_format(const struct kw_pmeta *m, char *buf, size_t len)
{
	char origin[KW_PSTORE_TEXT_LEN], outcome[KW_PSTORE_TEXT_LEN];
	int n;

	copy_text(origin, sizeof(origin), m->origin);
	copy_text(outcome, sizeof(outcome), m->outcome);
	n = snprintf(buf, len,
		     "added %" PRIu64 "\nprevious %u\nprevious_stage %s\n"
		     "origin %s\noutcome %s\n",
		     m->added_ns, m->previous,
		     kw_stage_name(m->previous_stage), origin, outcome);
	return n < 0 || (size_t)n >= len ? -ENOSPC : n;
}

/* ---- files ---- */

static int write_atomic(const char *dir, const char *name, const char *buf,
			size_t len, bool excl)
{
	char tmp[PATH_MAX], dst[PATH_MAX];
	size_t off = 0;
	ssize_t w;
	int fd, err = 0;

	if (snprintf(tmp, sizeof(tmp), "%s/.%s.new", dir, name) >= (int)sizeof(tmp) ||
	    snprintf(dst, sizeof(dst), "%s/%s", dir, name) >= (int)sizeof(dst))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
		  0600);
	if (fd < 0)
		return -errno;
	while (off < len) {
		w = write(fd, buf + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			err = w < 0 ? -errno : -EIO;
			break;
		}
		off += (size_t)w;
	}
	if (!err && fsync(fd))
		err = -errno;
	close(fd);
	/* a version is never replaced: link() fails if it exists */
	if (!err && excl) {
		if (link(tmp, dst))
			err = -errno;
		unlink(tmp);
	} else if (!err && rename(tmp, dst)) {
		err = -errno;
	}
	if (err) {
		unlink(tmp);
		return err;
	}
	kw_fsync_dir(dst);	/* the version is stored; best effort */
	return 0;
}

/* Up to max bytes of DIR/NAME, NUL-terminated (malloc'ed) */
static int read_small(const char *dir, const char *name, size_t max,
		      char **out, size_t *outlen)
{
	char path[PATH_MAX], *buf;
	ssize_t n;
	int fd;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	buf = malloc(max + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	n = kw_read_full(fd, buf, max + 1);
	close(fd);
	if (n < 0 || (size_t)n > max) {
		free(buf);
		return n < 0 ? -EIO : -EFBIG;
	}
	buf[n] = '\0';
	*out = buf;
	*outlen = (size_t)n;
	return 0;
}

int kw_pstate_load(const char *dir, struct kw_pstate *st)
{
	char *buf;
	size_t len;
	int err = read_small(dir, STATE_FILE, SMALL_MAX, &buf, &len);

	memset(st, 0, sizeof(*st));
	if (err == -ENOENT)
		return 0;
	if (err)
		return err;
	err = kw_pstate_parse(buf, len, st);
	free(buf);
	return err;
}

int kw_pstate_save(const char *dir, const struct kw_pstate *st)
{
	char buf[SMALL_MAX];
	int n = kw_pstate_format(st, buf, sizeof(buf));

	return n < 0 ? n : write_atomic(dir, STATE_FILE, buf, (size_t)n, false);
}

int kw_pmeta_load(const char *dir, unsigned int ver, struct kw_pmeta *m)
{
	char name[32], *buf;
	size_t len;
	int err;

	memset(m, 0, sizeof(*m));
	snprintf(name, sizeof(name), "v%u.meta", ver);
	err = read_small(dir, name, SMALL_MAX, &buf, &len);
	if (err)
		return err;
	err = kw_pmeta_parse(buf, len, m);
	free(buf);
	return err;
}

int kw_pmeta_save(const char *dir, unsigned int ver, const struct kw_pmeta *m)
{
	char name[32], buf[SMALL_MAX];
	int n = kw_pmeta_format(m, buf, sizeof(buf));

	snprintf(name, sizeof(name), "v%u.meta", ver);
	return n < 0 ? n : write_atomic(dir, name, buf, (size_t)n, false);
}

/* "v123" -> 123; 0 for anything else ("v0", "v1.meta", "v01") */
static unsigned int version_of(const char *name)
{
	unsigned int v;

	if (name[0] != 'v' || name[1] < '1' || name[1] > '9' ||
	    parse_uint(name + 1, &v) || v > KW_PSTORE_MAX_VERSIONS)
		return 0;
	return v;
}

static int cmp_uint(const void *a, const void *b)
{
	unsigned int x = *(const unsigned int *)a, y = *(const unsigned int *)b;

	return x < y ? -1 : x > y;
}

int kw_pstore_versions(const char *dir, unsigned int **out, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	unsigned int *v = NULL, *nv, ver;
	size_t cap = 0, k = 0;

	*out = NULL;
	*n = 0;
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		ver = version_of(de->d_name);
		if (!ver)
			continue;
		if (k == cap) {
			cap = cap ? cap * 2 : 16;
			nv = cap > KW_PSTORE_MAX_VERSIONS ? NULL :
			     realloc(v, cap * sizeof(*v));
			if (!nv) {
				free(v);
				closedir(d);
				return -ENOMEM;
			}
			v = nv;
		}
		v[k++] = ver;
	}
	closedir(d);
	if (k)
		qsort(v, k, sizeof(*v), cmp_uint);
	*out = v;
	*n = k;
	return 0;
}

int kw_pstore_add(const char *dir, const char *buf, size_t len,
		  const struct kw_pmeta *m, unsigned int *ver)
{
	unsigned int *v, next;
	char name[32];
	size_t n, tries;
	int err;

	if (mkdir(dir, 0700) && errno != EEXIST)
		return -errno;
	err = kw_pstore_versions(dir, &v, &n);
	if (err)
		return err;
	next = n ? v[n - 1] + 1 : 1;
	free(v);
	/* another writer may take a number first: take the next one */
	for (tries = 0; tries < 16; tries++, next++) {
		if (next > KW_PSTORE_MAX_VERSIONS)
			return -ENOSPC;
		snprintf(name, sizeof(name), "v%u", next);
		err = write_atomic(dir, name, buf, len, true);
		if (err == -EEXIST)
			continue;
		if (err)
			return err;
		*ver = next;
		return m ? kw_pmeta_save(dir, next, m) : 0;
	}
	return -EEXIST;
}

int kw_pstore_read(const char *dir, unsigned int ver, char **buf,
		   size_t *len)
{
	char name[32];

	if (!ver)
		return -ENOENT;
	snprintf(name, sizeof(name), "v%u", ver);
	return read_small(dir, name, KW_POLICY_MAX_BYTES, buf, len);
}

/* ---- the stage machine ---- */

enum kw_stage_act kw_stage_due(const struct kw_pstate *st,
			       const struct kw_stage_cfg *cfg, uint64_t now)
{
	if (st->stage != KW_STAGE_AUDIT)
		return KW_SA_NONE;
	/* a clock set back must not hold an audit forever, nor end it */
	if (now < st->since_ns || now - st->since_ns < cfg->audit_period_ns)
		return KW_SA_NONE;
	return st->would_deny <= cfg->max_would_deny ? KW_SA_PROMOTE :
						      KW_SA_HOLD;
}

bool kw_stage_boot(struct kw_pstate *st, const struct kw_stage_cfg *cfg,
		   const char *cur_boot, const char *prev_boot,
		   bool prev_unhealthy, enum kw_stage_act *act)
{
	bool ran_prev;

	*act = KW_SA_NONE;
	if (st->stage == KW_STAGE_NONE || !cur_boot[0] ||
	    !strcmp(st->boot, cur_boot))
		return false;		/* no version, or kwardend restarted */
	ran_prev = st->boot[0] && prev_boot && !strcmp(st->boot, prev_boot);
	if (st->boot[0] && st->boots < UINT32_MAX)
		st->boots++;
	snprintf(st->boot, sizeof(st->boot), "%s", cur_boot);
	if (st->stage == KW_STAGE_ENFORCE && ran_prev && prev_unhealthy &&
	    st->boots <= cfg->probation_boots && st->previous)
		*act = KW_SA_ROLLBACK;
	return true;
}

bool kw_storm_add(struct kw_storm *s, uint64_t now, uint64_t window_ns,
		  unsigned int limit)
{
	unsigned int i, count = 0, idx;

	s->t[s->head] = now;
	s->head = (s->head + 1) % KW_STORM_MAX;
	if (s->n < KW_STORM_MAX)
		s->n++;
	if (!limit)
		return false;
	for (i = 0; i < s->n; i++) {
		idx = (s->head + KW_STORM_MAX - 1 - i) % KW_STORM_MAX;
		if (s->t[idx] > now || now - s->t[idx] > window_ns)
			break;
		count++;
	}
	return count >= limit;
}
