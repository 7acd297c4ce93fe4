// SPDX-License-Identifier: GPL-2.0
/*
 * Boot health and crash-loop quarantine (docs/resilience.md).
 *
 * Each boot gets a record in boot_dir (lib/bootlog.h): its start, the
 * modules seen loading, and "healthy" once boot_healthy_after seconds
 * have passed since the record was started (kwarden-early.service, just
 * before modules-load), or boot_healthy_target is active. Counting from
 * our own start, not from power-on, keeps a slow early boot from being
 * called healthy before its modules were even loaded. At start,
 * every earlier boot not judged yet is judged: healthy if it said so,
 * otherwise unhealthy, and then pstore is asked which module crashed it
 * (kwarden.ko's panic line, else the kernel's RIP or call trace). An
 * unhealthy boot raises boot_unhealthy. When quarantine_after unhealthy
 * boots are attributed to one module since it was last quarantined or
 * released, it is quarantined: blocklist entry, modprobe.d mirror, and a
 * module_quarantined alert with the evidence; kwardend then pushes it to
 * kwarden.ko as a BLOCK rule with the rest of the policy.
 *
 * A subscriber of the pipeline (sink.c): it records each module_load.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "fileio.h"
#include "kwd.h"
#include "boot.h"
#include "log.h"
#include "sink.h"
#include "blocklist.h"
#include "bootlog.h"
#include "names.h"
#include "procmods.h"
#include "timefmt.h"

#define BOOTS_KEPT	32		/* records kept, newest first */
#define BOOTS_READ	128		/* records looked at, at most */
#define PSTORE_MAX	64		/* pstore records looked at */
#define PSTORE_BYTES	(256 * 1024)	/* read of one record */
#define RESET_FILE	"reset"		/* "NAME NS": evidence consumed */
#define TARGET_EVERY	5		/* ticks between target checks */

static const char *const pstore_dirs[] = {
	"/sys/fs/pstore",
	"/var/lib/systemd/pstore",	/* where systemd-pstore moves them */
};

struct kwd_boot {
	int fd;				/* this boot's record, O_APPEND */
	struct kw_boot cur;
	bool healthy;
	unsigned int ticks;
	pid_t target_pid;		/* systemctl is-active, running */
	/* the previous boot, as judged at start */
	char prev_id[KW_BOOT_ID_LEN];
	enum kw_boot_verdict prev_verdict;
	char prev_culprit[KW_NAME_LEN];
	unsigned int quarantined;	/* modules quarantined at start */
};

/* Its state, reached as d->boot only; made once, before start */
int kwd_boot_init(struct kwd *d)
{
	d->boot = calloc(1, sizeof(*d->boot));
	if (!d->boot)
		return -ENOMEM;
	d->boot->fd = -1;
	d->boot->target_pid = -1;
	return 0;
}

static int mkdir_p(const char *path, mode_t mode)
{
	char dir[PATH_MAX], *s;

	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return -ENAMETOOLONG;
	for (s = dir + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		if (mkdir(dir, mode) && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	if (mkdir(dir, mode) && errno != EEXIST)
		return -errno;
	return 0;
}

/* Up to max bytes of path; NUL-terminated; -errno */
static ssize_t slurp_at(int dirfd, const char *name, char *buf, size_t max)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = kw_read_full(fd, buf, max);
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

/* Appends one line to a record and makes it durable */
__printf(2, 3)
static int record_line(int fd, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line))
		return -EINVAL;
	if (write(fd, line, (size_t)n) != n)
		return -errno ?: -EIO;
	return fdatasync(fd) ? -errno : 0;
}

static int open_record(struct kwd *d, const char *id, int flags)
{
	int dfd = open(d->cfg.boot_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int fd;

	if (dfd < 0)
		return -errno;
	fd = openat(dfd, id, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW |
		    flags, 0600);
	if (fd < 0)
		fd = -errno;
	else if (flags & O_CREAT)
		fsync(dfd);
	close(dfd);
	return fd;
}

/* ---- reading the boot records ---- */

struct boots {
	struct kw_boot *b;
	size_t n;
};

static int by_start(const void *a, const void *b)
{
	const struct kw_boot *x = a, *y = b;

	return x->start_ns < y->start_ns ? -1 : x->start_ns > y->start_ns;
}

static void boots_free(struct boots *bs)
{
	size_t i;

	for (i = 0; i < bs->n; i++)
		kw_boot_free(&bs->b[i]);
	free(bs->b);
	bs->b = NULL;
	bs->n = 0;
}

/* Every record in boot_dir, oldest first; the oldest beyond BOOTS_KEPT go */
static int boots_load(struct kwd *d, struct boots *bs)
{
	DIR *dir = opendir(d->cfg.boot_dir);
	char *buf = malloc(KW_BOOT_RECORD_MAX + 1);
	struct dirent *de;
	ssize_t n;
	size_t i;

	bs->b = calloc(BOOTS_READ, sizeof(*bs->b));
	bs->n = 0;
	if (!dir || !buf || !bs->b) {
		if (dir)
			closedir(dir);
		free(buf);
		return dir ? -ENOMEM : -errno;
	}
	while ((de = readdir(dir)) && bs->n < BOOTS_READ) {
		if (!kw_boot_id_ok(de->d_name))
			continue;
		n = slurp_at(dirfd(dir), de->d_name, buf, KW_BOOT_RECORD_MAX);
		if (n < 0 || kw_boot_parse(buf, (size_t)n, &bs->b[bs->n])) {
			kwd_log(LOG_WARNING, "boot record %s/%s unreadable, ignored",
				d->cfg.boot_dir, de->d_name);
			continue;
		}
		/* the file name is the boot id; a copied record says another */
		if (strcmp(bs->b[bs->n].id, de->d_name)) {
			kw_boot_free(&bs->b[bs->n]);
			continue;
		}
		bs->n++;
	}
	qsort(bs->b, bs->n, sizeof(*bs->b), by_start);
	for (i = 0; bs->n > BOOTS_KEPT && i < bs->n - BOOTS_KEPT; i++)
		unlinkat(dirfd(dir), bs->b[i].id, 0);
	closedir(dir);
	free(buf);
	return 0;
}

/* ---- crash evidence from pstore ---- */

struct evidence {
	char module[KW_NAME_LEN];
	char line[KW_BOOT_EVIDENCE_LEN];
	char record[PATH_MAX];
	bool crash;
};

static void pstore_file(int dfd, const char *dirpath, const char *name,
			uint64_t from, uint64_t to, char *buf,
			struct evidence *ev)
{
	char module[KW_NAME_LEN], line[KW_BOOT_EVIDENCE_LEN];
	struct stat st;
	uint64_t t;
	ssize_t n;

	if (strncmp(name, "dmesg", 5) || strstr(name, ".enc.z"))
		return;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) || !S_ISREG(st.st_mode))
		return;
	t = (uint64_t)st.st_mtim.tv_sec * NSEC_PER_SEC + st.st_mtim.tv_nsec;
	if (t < from || t > to)
		return;
	n = slurp_at(dfd, name, buf, PSTORE_BYTES);
	if (n <= 0 || !kw_crash_attribute(buf, (size_t)n, module, line,
					   sizeof(line)))
		return;
	/* a record naming a module beats one that does not */
	if (ev->crash && (ev->module[0] || !module[0]))
		return;
	ev->crash = true;
	snprintf(ev->module, sizeof(ev->module), "%s", module);
	snprintf(ev->line, sizeof(ev->line), "%s", line);
	snprintf(ev->record, sizeof(ev->record), "%s/%s", dirpath, name);
}

static void pstore_dir(const char *path, int depth, uint64_t from,
		       uint64_t to, char *buf, struct evidence *ev,
		       unsigned int *seen)
{
	DIR *dir = opendir(path);
	struct dirent *de;
	char sub[PATH_MAX];

	if (!dir)
		return;
	while ((de = readdir(dir)) && *seen < PSTORE_MAX) {
		if (de->d_name[0] == '.')
			continue;
		if (de->d_type == DT_DIR && depth > 0) {
			if (snprintf(sub, sizeof(sub), "%s/%s", path,
				     de->d_name) < (int)sizeof(sub))
				pstore_dir(sub, depth - 1, from, to, buf, ev,
					   seen);
			continue;
		}
		(*seen)++;
		pstore_file(dirfd(dir), path, de->d_name, from, to, buf, ev);
	}
	closedir(dir);
}

/* The crash of a boot that ran from @from to @to, if pstore kept it */
static void find_evidence(uint64_t from, uint64_t to, struct evidence *ev)
{
	char *buf = malloc(PSTORE_BYTES + 1);
	unsigned int seen = 0;
	size_t i;

	memset(ev, 0, sizeof(*ev));
	if (!buf)
		return;
	for (i = 0; i < ARRAY_SIZE(pstore_dirs); i++)
		pstore_dir(pstore_dirs[i], i ? 2 : 0, from, to, buf, ev, &seen);
	free(buf);
}

/* ---- judging earlier boots ---- */

static json_object *suspects_json(const struct kw_boot *b)
{
	json_object *a = json_object_new_array();
	size_t i;

	for (i = b->nmodules; i > 0; i--)
		json_object_array_add(a, json_object_new_string(b->modules[i - 1]));
	return a;
}

static void raise_unhealthy(struct kwd *d, const struct kw_boot *b,
			    const struct evidence *ev)
{
	struct kw_alert a = {
		.kind = KW_KIND_boot_unhealthy, .action = KW_ACTION_logged,
		.severity = kw_kind_severity(KW_KIND_boot_unhealthy),
		.source = KW_SOURCE_DAEMON,
		.module = ev->module[0] ? ev->module : NULL,
	};
	json_object *detail = json_object_new_object();
	char msg[512], when[KW_TIME_LEN];
	size_t i, n = 0;

	kw_time_format(b->start_ns, when, sizeof(when));
	if (ev->module[0])
		snprintf(msg, sizeof(msg),
			 "boot %s (started %s) never became healthy: it crashed in module %s",
			 b->id, when, ev->module);
	else if (ev->crash)
		snprintf(msg, sizeof(msg),
			 "boot %s (started %s) never became healthy: it crashed, in no module",
			 b->id, when);
	else
		n = (size_t)snprintf(msg, sizeof(msg),
				     "boot %s (started %s) never became healthy, no crash record; suspects, last loaded first:",
				     b->id, when);
	for (i = b->nmodules; !ev->crash && i > 0 && n < sizeof(msg); i--)
		n += (size_t)snprintf(msg + n, sizeof(msg) - n, " %s",
				      b->modules[i - 1]);
	if (!ev->crash && !b->nmodules && n < sizeof(msg))
		snprintf(msg + n, sizeof(msg) - n, " none");
	json_object_object_add(detail, "boot_id", json_object_new_string(b->id));
	json_object_object_add(detail, "boot_start", json_object_new_string(when));
	json_object_object_add(detail, "crashed", json_object_new_boolean(ev->crash));
	if (ev->crash) {
		json_object_object_add(detail, "evidence",
				       json_object_new_string(ev->line));
		json_object_object_add(detail, "record",
				       json_object_new_string(ev->record));
	}
	json_object_object_add(detail, "suspects", suspects_json(b));
	a.message = msg;
	a.time_ns = kw_now_ns();
	a.detail = detail;
	kwd_raise(d, &a);
}

static void judge(struct kwd *d, struct kw_boot *b, uint64_t until)
{
	struct evidence ev;
	uint64_t now = kw_now_ns();
	int fd = open_record(d, b->id, 0);

	if (fd < 0) {
		kwd_log(LOG_ERR, "boot record %s: %s", b->id, strerror(-fd));
		return;
	}
	if (b->healthy_ns) {
		b->verdict = KW_BOOT_HEALTHY;
		record_line(fd, "verdict %llu healthy\n", (unsigned long long)now);
		close(fd);
		return;
	}
	/* a crash is dumped after the boot started and before the next one */
	find_evidence(b->start_ns, until, &ev);
	if (ev.module[0]) {
		snprintf(b->culprit, sizeof(b->culprit), "%s", ev.module);
		snprintf(b->evidence, sizeof(b->evidence), "%s", ev.line);
		record_line(fd, "culprit %s\n", ev.module);
		record_line(fd, "evidence %s\n", ev.line);
	}
	b->verdict = KW_BOOT_UNHEALTHY;
	record_line(fd, "verdict %llu unhealthy\n", (unsigned long long)now);
	close(fd);
	kwd_log(LOG_WARNING, "previous boot %s never became healthy%s%s", b->id,
		ev.module[0] ? ": crashed in module " : "", ev.module);
	raise_unhealthy(d, b, &ev);
}

/* When the evidence against @name was last consumed (quarantine, release) */
static uint64_t reset_time(struct kwd *d, const char *name)
{
	char path[PATH_MAX], line[128], who[KW_NAME_LEN];
	unsigned long long ns, last = 0;
	FILE *f;

	if (snprintf(path, sizeof(path), "%s/%s", d->cfg.boot_dir,
		     RESET_FILE) >= (int)sizeof(path))
		return 0;
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%55s %llu", who, &ns) == 2 &&
		    !strcmp(who, name) && ns > last)
			last = ns;
	fclose(f);
	return last;
}

static void add_reset(struct kwd *d, const char *name, uint64_t ns)
{
	char path[PATH_MAX];
	int fd;

	if (snprintf(path, sizeof(path), "%s/%s", d->cfg.boot_dir,
		     RESET_FILE) >= (int)sizeof(path))
		return;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
		  0600);
	if (fd < 0)
		return;
	record_line(fd, "%s %llu\n", name, (unsigned long long)ns);
	close(fd);
}

/* The boots attributed to @name since its evidence was last consumed */
static size_t attributed(struct kwd *d, const struct boots *bs,
			 const char *name, const struct kw_boot **out,
			 size_t max)
{
	uint64_t since = reset_time(d, name);
	size_t i, n = 0;

	for (i = 0; i < bs->n; i++) {
		const struct kw_boot *b = &bs->b[i];

		if (b->verdict != KW_BOOT_UNHEALTHY || strcmp(b->culprit, name) ||
		    b->start_ns <= since)
			continue;
		if (n < max)
			out[n] = b;
		n++;
	}
	return n;
}

static void quarantine_module(struct kwd *d, const char *name,
		       const struct kw_boot **list, size_t n)
{
	struct kw_alert a = {
		.kind = KW_KIND_module_quarantined,
		.action = KW_ACTION_quarantined,
		.severity = kw_kind_severity(KW_KIND_module_quarantined),
		.source = KW_SOURCE_DAEMON, .module = name,
	};
	json_object *detail = json_object_new_object();
	json_object *boots = json_object_new_array();
	json_object *evidence = json_object_new_array();
	char reason[KW_BLOCK_REASON_LEN], msg[512];
	size_t i, len;
	int err;

	len = (size_t)snprintf(reason, sizeof(reason),
			       "crash loop: %zu unhealthy boots crashed in it:", n);
	for (i = 0; i < n; i++) {
		json_object_array_add(boots, json_object_new_string(list[i]->id));
		json_object_array_add(evidence,
				      json_object_new_string(list[i]->evidence));
		if (len < sizeof(reason))
			len += (size_t)snprintf(reason + len, sizeof(reason) - len,
						" %.8s", list[i]->id);
	}
	err = kw_block_add(d->cfg.blocklist_dir, name, "quarantined", reason);
	if (err) {
		kwd_log(LOG_CRIT, "cannot quarantine %s: %s", name, strerror(-err));
		snprintf(msg, sizeof(msg),
			 "module %s crashed the last %zu boots but could NOT be quarantined: %s",
			 name, n, strerror(-err));
		a.action = KW_ACTION_logged;
	} else {
		add_reset(d, name, kw_now_ns());
		d->boot->quarantined++;
		snprintf(msg, sizeof(msg),
			 "module %s quarantined: %zu unhealthy boots crashed in it (%s); its load is denied until 'kwardenctl release %s'",
			 name, n, list[n - 1]->evidence, name);
	}
	json_object_object_add(detail, "name", json_object_new_string(name));
	json_object_object_add(detail, "state", json_object_new_string("quarantined"));
	json_object_object_add(detail, "reason", json_object_new_string(reason));
	json_object_object_add(detail, "boots", boots);
	json_object_object_add(detail, "evidence", evidence);
	json_object_object_add(detail, "count", json_object_new_uint64(n));
	json_object_object_add(detail, "quarantine_after",
			       json_object_new_uint64(d->cfg.quarantine_after));
	if (err)
		json_object_object_add(detail, "error",
				       json_object_new_string(strerror(-err)));
	a.message = msg;
	a.time_ns = kw_now_ns();
	a.detail = detail;
	kwd_raise(d, &a);
}

/* Quarantine every culprit with quarantine_after attributed boots */
static void decide(struct kwd *d, const struct boots *bs)
{
	const struct kw_boot *list[16];
	struct kw_block blk;
	size_t i, j, n;

	if (!d->cfg.quarantine_after)
		return;
	if (d->cfg.safe_mode) {
		kwd_log(LOG_WARNING, "safe_mode: judging boots, quarantining nothing");
		return;
	}
	for (i = 0; i < bs->n; i++) {
		const char *name = bs->b[i].culprit;

		if (!name[0] || bs->b[i].verdict != KW_BOOT_UNHEALTHY)
			continue;
		for (j = 0; j < i; j++)		/* each culprit once */
			if (!strcmp(bs->b[j].culprit, name))
				break;
		if (j < i)
			continue;
		n = attributed(d, bs, name, list, ARRAY_SIZE(list));
		if (n < d->cfg.quarantine_after)
			continue;
		if (!kw_block_get(d->cfg.blocklist_dir, name, &blk)) {
			kwd_log(LOG_WARNING, "module %s keeps crashing boots but is already %s: it is loaded before kwarden can deny it (initramfs?)",
				name, blk.state);
			continue;
		}
		quarantine_module(d, name, list, n < ARRAY_SIZE(list) ? n : ARRAY_SIZE(list));
	}
}

/* ---- this boot ---- */

/* Modules loaded before we ran, oldest first (/proc/modules is newest first) */
static void record_early(struct kwd_boot *bt)
{
	char names[256][KW_NAME_LEN];
	struct kw_procmods it;
	struct kw_procmod m;
	size_t n = 0;

	if (kw_procmods_open(&it, NULL))
		return;
	while (n < ARRAY_SIZE(names) && kw_procmods_next(&it, &m))
		memcpy(names[n++], m.name, KW_NAME_LEN);
	kw_procmods_close(&it);
	while (n-- > 0)
		if (kw_boot_add_module(&bt->cur, names[n]) == 1) {
			bt->cur.nearly++;
			record_line(bt->fd, "early %s\n", names[n]);
		}
}

static int start_record(struct kwd *d, struct kwd_boot *bt)
{
	bt->fd = open_record(d, d->boot_id, O_CREAT | O_EXCL);
	if (bt->fd < 0)
		return bt->fd;
	snprintf(bt->cur.id, sizeof(bt->cur.id), "%s", d->boot_id);
	bt->cur.start_ns = kw_now_ns();
	if (record_line(bt->fd, "kwarden-boot 1\nid %s\nstart %llu\n", d->boot_id,
			(unsigned long long)bt->cur.start_ns)) {
		kwd_log(LOG_ERR, "boot record %s: %s", d->boot_id, strerror(errno));
		return -EIO;
	}
	record_early(bt);
	return 0;
}

/* Keeps modprobe.d in step with the blocklist (a fresh /etc too) */
static void sync_mirror(struct kwd *d)
{
	char dir[PATH_MAX], *slash;
	int err;

	snprintf(dir, sizeof(dir), "%s", d->cfg.modprobe_blocklist);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		mkdir_p(dir, 0755);
	}
	err = kw_block_mirror(d->cfg.blocklist_dir, d->cfg.modprobe_blocklist);
	if (err)
		kwd_log(LOG_ERR, "blocklist mirror %s: %s",
			d->cfg.modprobe_blocklist, strerror(-err));
}

void kwd_boot_start(struct kwd *d)
{
	struct kwd_boot *bt = d->boot;
	struct boots bs = {};
	size_t i;
	int err;

	err = mkdir_p(d->cfg.boot_dir, 0700);
	if (!err)
		err = boots_load(d, &bs);
	if (err) {
		kwd_log(LOG_ERR, "boot records %s: %s: no boot health",
			d->cfg.boot_dir, strerror(-err));
		return;
	}
	for (i = 0; i < bs.n; i++) {
		if (strcmp(bs.b[i].id, d->boot_id))
			continue;
		/* kwardend restarted: this boot was judged and recorded */
		bt->cur = bs.b[i];
		bs.b[i].modules = NULL;
		bt->healthy = bt->cur.healthy_ns != 0;
		bt->fd = open_record(d, d->boot_id, 0);
		break;
	}
	if (i == bs.n) {
		for (i = 0; i < bs.n; i++) {
			if (bs.b[i].verdict != KW_BOOT_PENDING)
				continue;
			judge(d, &bs.b[i], i + 1 < bs.n ? bs.b[i + 1].start_ns :
			      kw_now_ns());
		}
		decide(d, &bs);
		err = start_record(d, bt);
		if (err)
			kwd_log(LOG_ERR, "cannot record this boot in %s: %s",
				d->cfg.boot_dir, strerror(-err));
	}
	if (bs.n && strcmp(bs.b[bs.n - 1].id, d->boot_id)) {
		snprintf(bt->prev_id, sizeof(bt->prev_id), "%s", bs.b[bs.n - 1].id);
		bt->prev_verdict = bs.b[bs.n - 1].verdict;
		snprintf(bt->prev_culprit, sizeof(bt->prev_culprit), "%s",
			 bs.b[bs.n - 1].culprit);
	} else if (bs.n > 1) {
		snprintf(bt->prev_id, sizeof(bt->prev_id), "%s", bs.b[bs.n - 2].id);
		bt->prev_verdict = bs.b[bs.n - 2].verdict;
		snprintf(bt->prev_culprit, sizeof(bt->prev_culprit), "%s",
			 bs.b[bs.n - 2].culprit);
	}
	boots_free(&bs);
	sync_mirror(d);
}

/* A module_load alert, from the kmod or BPF: remember it, durably */
static void boot_note(struct kwd *d, const struct kwd_event *ev,
		      struct kwd_queue *q)
{
	struct kwd_boot *bt = d->boot;

	if (ev->kind != KW_KIND_module_load || !ev->module || bt->fd < 0)
		return;
	if (kw_boot_add_module(&bt->cur, ev->module) == 1)
		record_line(bt->fd, "module %llu %s\n",
			    (unsigned long long)ev->time_ns, ev->module);
}

const struct kwd_subscriber kwd_boot_subscriber = {
	.name = "boot",
	.note = boot_note,
};

static void mark_healthy(struct kwd *d, const char *why)
{
	struct kwd_boot *bt = d->boot;

	bt->healthy = true;
	bt->cur.healthy_ns = kw_now_ns();
	if (bt->fd >= 0)
		record_line(bt->fd, "healthy %llu\n",
			    (unsigned long long)bt->cur.healthy_ns);
	kwd_log(LOG_INFO, "boot %s is healthy (%s)", d->boot_id, why);
}

/* systemctl is-active --quiet TARGET, polled without blocking the loop */
static bool target_reached(struct kwd *d)
{
	struct kwd_boot *bt = d->boot;
	char *const argv[] = { "systemctl", "is-active", "--quiet",
			       d->cfg.boot_healthy_target, NULL };
	int st;

	if (bt->target_pid > 0) {
		if (waitpid(bt->target_pid, &st, WNOHANG) != bt->target_pid)
			return false;
		bt->target_pid = -1;
		if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
			return true;
	}
	if (bt->ticks % TARGET_EVERY == 0 &&
	    posix_spawnp(&bt->target_pid, "systemctl", NULL, NULL, argv, environ))
		bt->target_pid = -1;
	return false;
}

void kwd_boot_tick(struct kwd *d)
{
	struct kwd_boot *bt = d->boot;
	char why[160];

	if (bt->healthy || !bt->cur.id[0])
		return;
	bt->ticks++;
	if (kw_now_ns() >= bt->cur.start_ns +
	    (uint64_t)d->cfg.boot_healthy_after * NSEC_PER_SEC) {
		snprintf(why, sizeof(why), "up for %u s since kwarden started",
			 d->cfg.boot_healthy_after);
		mark_healthy(d, why);
	} else if (d->cfg.boot_healthy_target[0] && target_reached(d)) {
		snprintf(why, sizeof(why), "%s reached", d->cfg.boot_healthy_target);
		mark_healthy(d, why);
	}
}

static const char *verdict_name(enum kw_boot_verdict v)
{
	return v == KW_BOOT_HEALTHY ? "healthy" :
	       v == KW_BOOT_UNHEALTHY ? "unhealthy" : "pending";
}

json_object *kwd_boot_status(struct kwd *d)
{
	struct kwd_boot *bt = d->boot;
	json_object *o = json_object_new_object(), *prev;

	json_object_object_add(o, "id", json_object_new_string(d->boot_id));
	json_object_object_add(o, "recorded", json_object_new_boolean(bt->fd >= 0));
	json_object_object_add(o, "healthy", json_object_new_boolean(bt->healthy));
	json_object_object_add(o, "healthy_after_s",
			       json_object_new_uint64(d->cfg.boot_healthy_after));
	if (d->cfg.boot_healthy_target[0])
		json_object_object_add(o, "healthy_target",
				       json_object_new_string(d->cfg.boot_healthy_target));
	json_object_object_add(o, "modules", json_object_new_uint64(bt->cur.nmodules));
	json_object_object_add(o, "quarantine_after",
			       json_object_new_uint64(d->cfg.quarantine_after));
	json_object_object_add(o, "quarantined_at_start",
			       json_object_new_uint64(bt->quarantined));
	if (bt->prev_id[0]) {
		prev = json_object_new_object();
		json_object_object_add(prev, "id", json_object_new_string(bt->prev_id));
		json_object_object_add(prev, "verdict",
				       json_object_new_string(verdict_name(bt->prev_verdict)));
		if (bt->prev_culprit[0])
			json_object_object_add(prev, "culprit",
					       json_object_new_string(bt->prev_culprit));
		json_object_object_add(o, "previous", prev);
	}
	return o;
}

void kwd_boot_previous(struct kwd *d, char *id, size_t len, bool *unhealthy)
{
	snprintf(id, len, "%s", d->boot->prev_id);
	*unhealthy = d->boot->prev_verdict == KW_BOOT_UNHEALTHY;
}

/* The newest earlier boot that became healthy, and its modules */
json_object *kwd_boot_last_healthy(struct kwd *d)
{
	struct boots bs = {};
	json_object *o = NULL, *mods;
	size_t i, j;

	if (boots_load(d, &bs))
		return NULL;
	for (i = bs.n; i > 0 && !o; i--) {
		const struct kw_boot *b = &bs.b[i - 1];

		/* this boot's modules are checked as they are loaded now */
		if (!b->healthy_ns || b->verdict == KW_BOOT_UNHEALTHY ||
		    !strcmp(b->id, d->boot_id))
			continue;
		o = json_object_new_object();
		json_object_object_add(o, "id", json_object_new_string(b->id));
		mods = json_object_new_array();
		for (j = 0; j < b->nmodules; j++)
			json_object_array_add(mods,
					      json_object_new_string(b->modules[j]));
		json_object_object_add(o, "modules", mods);
	}
	boots_free(&bs);
	return o;
}

void kwd_boot_stop(struct kwd *d)
{
	struct kwd_boot *bt = d->boot;

	if (bt->fd >= 0)
		close(bt->fd);
	bt->fd = -1;
	kw_boot_free(&bt->cur);
}
