/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the VM selftests that look at kwarden from the outside, the
 * way an admin does: through `kwardenctl --json`, and by stopping and
 * starting kwardend.
 */
#ifndef KW_VMTEST_H
#define KW_VMTEST_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include "compiler.h"
#include <time.h>
#include "alert.h"
#include "journal.h"

#define KW_WAIT_MS	20000	/* TCG is slow */

static inline uint64_t kw_mono_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

/*
 * Polls cond(ctx) every 100 ms until it holds, for at most ms of the
 * monotonic clock (however long cond itself takes): 0 once it holds,
 * -ETIMEDOUT. What a test waits for, instead of a fixed sleep that is too
 * short on a slow day and too long on every other.
 */
static inline int kw_wait_for(bool (*cond)(void *ctx), void *ctx, int ms)
{
	uint64_t end = kw_mono_ms() + (uint64_t)ms;

	while (!cond(ctx)) {
		if (kw_mono_ms() >= end)
			return -ETIMEDOUT;
		usleep(100 * 1000);
	}
	return 0;
}

static inline json_object *kw_get(json_object *o, const char *key)
{
	return kw_rec_obj(o, key);
}

static inline int kw_finit(const char *path, const char *params)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, params, 0) ? -errno : 0;
	close(fd);
	return ret;
}

/* init_module from a buffer, as a loader of .ko.xz files does */
static inline int kw_init_buffer(const char *path)
{
	struct stat st;
	char *buf;
	int fd, ret = -EIO;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	buf = fstat(fd, &st) ? NULL : malloc(st.st_size);
	if (buf && read(fd, buf, st.st_size) == st.st_size)
		ret = syscall(SYS_init_module, buf, st.st_size, "") ? -errno : 0;
	free(buf);
	close(fd);
	return ret;
}

static inline void kw_unload(const char *name)
{
	syscall(SYS_delete_module, name, O_NONBLOCK);
}

/*
 * Runs cmd, parses its one-object-per-line output; returns the last
 * object with seq > after (NULL if none) and counts them. after < 0 takes
 * every object, seq or not.
 */
static inline json_object *kw_run_json(const char *cmd, long long after,
				       int *count)
{
	json_object *found = NULL, *rec;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *p = popen(cmd, "r");

	*count = 0;
	if (!p)
		return NULL;
	while ((n = getline(&line, &cap, p)) > 0) {
		rec = kw_parse_line(line, (size_t)n - (line[n - 1] == '\n'));
		if (rec && (after < 0 ||
			    kw_rec_u64(rec, "seq") > (uint64_t)after)) {
			(*count)++;
			json_object_put(found);
			found = rec;
		} else {
			json_object_put(rec);
		}
	}
	free(line);
	pclose(p);
	return found;
}

/* `kwardenctl --json status`, or NULL */
static inline json_object *kw_status(void)
{
	int n;

	return kw_run_json("kwardenctl --json status 2>/dev/null", -1, &n);
}

/* The journal's last seq */
static inline uint64_t kw_journal_seq(void)
{
	json_object *st = kw_status();
	uint64_t seq = kw_rec_u64(kw_get(kw_get(st, "daemon"), "journal"),
				  "seq");

	json_object_put(st);
	return seq;
}

/*
 * The newest alert that `kwardenctl --json alerts FILTER` lists after seq,
 * once there are want of them; a second look a moment later catches any
 * duplicate. *count is how many there are.
 */
static inline json_object *kw_wait_alerts(const char *filter, uint64_t after,
					  int want, int *count)
{
	json_object *rec = NULL;
	char cmd[256];
	int ms;

	snprintf(cmd, sizeof(cmd), "kwardenctl --json alerts %s", filter);
	for (ms = 0; ms < KW_WAIT_MS; ms += 100) {
		rec = kw_run_json(cmd, (long long)after, count);
		if (*count >= want)
			break;
		json_object_put(rec);
		rec = NULL;
		usleep(100 * 1000);
	}
	if (!rec)
		return NULL;
	usleep(300 * 1000);
	json_object_put(rec);
	return kw_run_json(cmd, (long long)after, count);
}

/*
 * What the journal says about a repeated attempt after seq0: the records
 * written in full, and the records that count held repeats of it
 * (detail.repeats.count), for the records of kind that ours() accepts.
 */
struct kw_repeat_count {
	int records;		/* written in full */
	int summaries;		/* records of held repeats */
	uint64_t repeats;	/* the repeats they count */
};

static inline void kw_count_repeats(const char *kind, uint64_t seq0,
				    bool (*ours)(json_object *rec),
				    struct kw_repeat_count *c)
{
	json_object *rec, *rep;
	char *line = NULL, cmd[128];
	size_t cap = 0;
	ssize_t n;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "kwardenctl --json alerts --kind %s", kind);
	p = popen(cmd, "r");
	memset(c, 0, sizeof(*c));
	while (p && (n = getline(&line, &cap, p)) > 0) {
		rec = kw_parse_line(line, (size_t)n - (line[n - 1] == '\n'));
		if (rec && kw_rec_u64(rec, "seq") > seq0 && ours(rec)) {
			rep = kw_get(kw_get(rec, "detail"), "repeats");
			if (rep) {
				c->summaries++;
				c->repeats += kw_rec_u64(rep, "count");
			} else {
				c->records++;
			}
		}
		json_object_put(rec);
	}
	free(line);
	if (p)
		pclose(p);
}

/* Events the BPF ring buffer dropped so far, before kwardend saw them */
static inline uint64_t kw_bpf_drops(void)
{
	json_object *st = kw_status();
	uint64_t n = kw_rec_u64(kw_get(st, "bpf"), "drops");

	json_object_put(st);
	return n;
}

/*
 * Waits (at most ms) until want attempts are accounted for: records,
 * counted repeats, and ring-buffer drops since drops0. Returns how many
 * are; c holds the last count. A test that floods waits for this before
 * it ends, so its counts do not land in the next test's window.
 */
static inline uint64_t kw_wait_accounted(const char *kind, uint64_t seq0,
					 bool (*ours)(json_object *rec),
					 uint64_t drops0, uint64_t want,
					 int ms, struct kw_repeat_count *c)
{
	uint64_t seen = 0, end = kw_mono_ms() + (uint64_t)ms;

	for (;;) {
		kw_count_repeats(kind, seq0, ours, c);
		seen = c->records + c->repeats + (kw_bpf_drops() - drops0);
		if (seen >= want || kw_mono_ms() >= end)
			return seen;
		usleep(500 * 1000);
	}
}

static inline int kw_wait_running(bool running)
{
	int ms;

	for (ms = 0; ms < KW_WAIT_MS; ms += 100) {
		if (!system("kwardenctl status >/dev/null 2>&1") == running)
			return 0;
		usleep(100 * 1000);
	}
	return -1;
}

static inline pid_t kw_kwardend_pid(void)
{
	char buf[32] = "";
	FILE *p = popen("pidof kwardend", "r");

	if (p && !fgets(buf, sizeof(buf), p))
		buf[0] = '\0';
	if (p)
		pclose(p);
	return (pid_t)atoi(buf);
}

/*
 * As an admin must: unlock the self-protection (it denies SIGTERM to
 * kwardend otherwise), then stop kwardend. The next kwardend locks again
 * when it starts; the unlock's time limit bounds the gap if none does.
 */
static inline int kw_stop_kwardend(void)
{
	pid_t pid = kw_kwardend_pid();

	if (pid <= 0 ||
	    system("kwardenctl unlock --for 900 >/dev/null 2>&1") ||
	    kill(pid, SIGTERM))
		return -1;
	return kw_wait_running(false);
}

/* As the VM's init does: output to the kwardend.log channel */
static inline int kw_start_kwardend(void)
{
	if (system("kwardend --foreground </dev/null >>/dev/ttyS2 2>&1 &"))
		return -1;
	return kw_wait_running(true);
}

/*
 * Write kwarden.ko's restore parameter (a list of kinds, "\n" for none)
 * as an admin must: every kwarden.ko parameter is guarded, so unlock,
 * write, lock again.  Without an active guard the write just goes.
 */
static inline int kw_set_restore(const char *kinds)
{
	bool unlocked = !system("kwardenctl unlock --for 60 >/dev/null 2>&1");
	FILE *f = fopen("/sys/module/kwarden/parameters/restore", "w");
	int err = !f;

	if (f)
		err = (fputs(kinds, f) < 0) | (fclose(f) != 0);
	if (unlocked && system("kwardenctl lock >/dev/null 2>&1"))
		err = 1;
	return err ? -1 : 0;
}

/*
 * Whether kwarden.ko keeps a golden copy (parameter golden=1): only then do
 * its memory alerts carry the old bytes, and can any page be restored.
 * By default it checks block digests (kmod/digest.c).
 */
static inline bool kw_golden(void)
{
	FILE *f = fopen("/sys/module/kwarden/parameters/golden", "r");
	int c = f ? fgetc(f) : 'N';

	if (f)
		fclose(f);
	return c == 'Y';
}

/* A number of kwarden.ko's status ("scans", "violations"), or 0 */
static inline uint64_t kw_kmod_u64(const char *key)
{
	json_object *st = kw_status();
	uint64_t v = kw_rec_u64(kw_get(st, "kmod"), key);

	json_object_put(st);
	return v;
}

/* Until kwarden.ko has completed n more full passes (20 s at most) */
static inline void kw_wait_scans(uint64_t n)
{
	uint64_t scans = kw_kmod_u64("scans");
	int i;

	for (i = 0; i < 200 && kw_kmod_u64("scans") < scans + n; i++)
		usleep(100 * 1000);
}

/* Everything the integrity engine reports */
static const char * const kw_memory_kinds[] = {
	"kernel_text_modified", "kernel_rodata_modified",
	"ro_after_init_modified", "syscall_table_modified",
	"module_text_modified", "module_rodata_modified", "idt_modified",
	"msr_modified", "cpu_protection_disabled", "module_hidden",
	"ftrace_hook", "kprobe_hook", "seq_ops_hook", "fops_hook",
	"page_protection_changed",
};

/* Alerts of any memory kind after seq; each kind seen goes to stderr */
static inline int kw_memory_alerts(uint64_t after)
{
	char cmd[128];
	int n, total = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(kw_memory_kinds); i++) {
		snprintf(cmd, sizeof(cmd), "kwardenctl --json alerts --kind %s",
			 kw_memory_kinds[i]);
		json_object_put(kw_run_json(cmd, (long long)after, &n));
		if (n)
			fprintf(stderr, "# %d %s alerts\n", n, kw_memory_kinds[i]);
		total += n;
	}
	return total;
}

#endif /* KW_VMTEST_H */
