// SPDX-License-Identifier: GPL-2.0
/*
 * A root loop of 100,000 denied attempts on kwardend, inside a test VM.
 *
 * Each attempt is denied, but the journal must not get one fsync'ed
 * record per try: 5 per 10 s are written in full and the rest are counted,
 * one record a second (detail.repeats.count).  Every try is
 * accounted for (records, counts, and events the ring buffer dropped), the
 * boot's first violation is still in the journal, and kwardend is the same
 * process, answering.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include "unit/harness.h"
#include "kw_vmtest.h"

#define FLOOD		100000

static bool ours(json_object *rec)
{
	json_object *d = kw_get(rec, "detail");

	return !strcmp(kw_rec_str(d, "exe") ?: "", "flood_test") &&
	       !strcmp(kw_rec_str(d, "signal") ?: "", "SIGKILL");
}

/* The first record of this boot at warning or worse, as "seq kind" */
static void first_violation(char *buf, size_t len)
{
	static const char *const bad[] = {
		"emerg", "alert", "crit", "err", "warning",
	};
	json_object *rec;
	char *line = NULL;
	size_t cap = 0, i;
	ssize_t n;
	FILE *p = popen("kwardenctl --json alerts", "r");

	buf[0] = '\0';
	while (p && !buf[0] && (n = getline(&line, &cap, p)) > 0) {
		rec = kw_parse_line(line, (size_t)n - (line[n - 1] == '\n'));
		for (i = 0; rec && i < ARRAY_SIZE(bad); i++)
			if (!strcmp(kw_rec_str(rec, "severity") ?: "", bad[i]))
				snprintf(buf, len, "%" PRIu64 " %s",
					 kw_rec_u64(rec, "seq"),
					 kw_rec_str(rec, "kind"));
		json_object_put(rec);
	}
	free(line);
	if (p)
		pclose(p);
}

static bool guard_enforcing(void)
{
	json_object *st = kw_status(), *g = kw_get(st, "guard");
	bool on = g && !strcmp(kw_rec_str(g, "bpf_lsm") ?: "", "active") &&
		  json_object_get_boolean(kw_get(g, "enforcing")) &&
		  json_object_get_boolean(kw_get(g, "locked"));

	json_object_put(st);
	return on;
}

FIXTURE(flood) {
	pid_t kwardend;
};

FIXTURE_SETUP(flood)
{
	self->kwardend = kw_kwardend_pid();
}

FIXTURE_TEARDOWN(flood)
{
}

TEST_F_TIMEOUT(flood, counted_not_written, 600)
{
	struct kw_repeat_count c;
	char first[64], after[64];
	uint64_t seq0, drops0, seen, t0 = kw_mono_ms(), secs;
	pid_t kwardend = self->kwardend;
	int i, denied = 0;

	if (kwardend <= 0 || system("kwardenctl status >/dev/null 2>&1"))
		SKIP(return, "kwardend is not running");
	if (!guard_enforcing())
		SKIP(return, "no enforcing guard (BPF LSM inactive, or safe mode)");
	seq0 = kw_journal_seq();
	drops0 = kw_bpf_drops();
	/* the first try is the boot's first violation if none came before */
	errno = 0;
	ASSERT_EQ(-1, kill(kwardend, SIGKILL));
	ASSERT_EQ(EPERM, errno);
	json_object_put(kw_wait_alerts("--kind tamper_attempt", seq0, 1, &i));
	first_violation(first, sizeof(first));
	ASSERT_NE(0, first[0]);
	for (i = 1; i < FLOOD; i++)
		denied += kill(kwardend, SIGKILL) == -1 && errno == EPERM;
	ASSERT_EQ(FLOOD - 1, denied);
	/* every try accounted for: the last count comes within a second */
	seen = kw_wait_accounted("tamper_attempt", seq0, ours, drops0, FLOOD,
				 60000, &c);
	TH_LOG("%d records, %d counts of %" PRIu64 " repeats, %" PRIu64
	       " dropped by the ring buffer", c.records, c.summaries,
	       c.repeats, kw_bpf_drops() - drops0);
	EXPECT_EQ((uint64_t)FLOOD, seen);
	EXPECT_LE(1, c.records);
	EXPECT_LE(1, c.summaries);
	/* at most 5 in full per 10 s, and one count a second */
	secs = (kw_mono_ms() - t0) / 1000 + 1;
	EXPECT_GE((int)(5 * (secs / 10 + 1) + secs), c.records + c.summaries)
		TH_LOG("a flood must not be written record by record (%" PRIu64 " s)",
		       secs);
	first_violation(after, sizeof(after));
	EXPECT_STREQ(first, after);
	EXPECT_EQ(kwardend, kw_kwardend_pid());
	EXPECT_EQ(0, system("kwardenctl status >/dev/null 2>&1"));
}

TEST_HARNESS_MAIN
