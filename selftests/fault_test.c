// SPDX-License-Identifier: GPL-2.0
/*
 * Fault attribution end to end, inside a test VM: kw_faulty.ko warns 20
 * times in about 3 s from a work item, and every warning must come back
 * as a module_fault blamed on kw_faulty, at the right place, counted, with
 * the kernel's taints before and after; kwardend's default fault budget
 * (10 per 60 s) must be exceeded exactly once. Then core code warns on
 * the module's behalf (ida_free() of an id never allocated) and the stack
 * must name the module's frame; last, a BUG() and an oops in a kernel
 * thread of the module. Every report is declared first, by its faulting
 * frame or message and with its count (kwvm-expect --count N).
 * Last, the budget's window outlives a restart of kwardend.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "unit/harness.h"
#include "kw_vmtest.h"

#define FAULTY_KO	"/opt/kwarden/selftests/modules/kw_faulty.ko"
#define MAX_RECS	64

struct recs {
	int n;
	struct json_object *r[MAX_RECS];
};

static void recs_free(struct recs *rs)
{
	int i;

	for (i = 0; i < rs->n; i++)
		json_object_put(rs->r[i]);
	rs->n = 0;
}

/* Every alert of `kwardenctl --json alerts FILTER` after seq, in order */
static int list_alerts(const char *filter, uint64_t after, struct recs *rs)
{
	char cmd[256], *line = NULL;
	size_t cap = 0;
	json_object *rec;
	ssize_t n;
	FILE *p;

	recs_free(rs);
	snprintf(cmd, sizeof(cmd), "kwardenctl --json alerts %s", filter);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while ((n = getline(&line, &cap, p)) > 0) {
		rec = kw_parse_line(line, (size_t)n - (line[n - 1] == '\n'));
		if (rec && kw_rec_u64(rec, "seq") > after && rs->n < MAX_RECS)
			rs->r[rs->n++] = rec;
		else
			json_object_put(rec);
	}
	free(line);
	pclose(p);
	return rs->n;
}

/* Waits for want alerts, then a moment more so that extra ones show */
static int wait_list(const char *filter, uint64_t after, int want,
		     struct recs *rs)
{
	int ms;

	for (ms = 0; ms < 2 * KW_WAIT_MS; ms += 200) {
		if (list_alerts(filter, after, rs) >= want)
			break;
		usleep(200 * 1000);
	}
	usleep(1500 * 1000);
	return list_alerts(filter, after, rs);
}

static const char *dstr(json_object *rec, const char *key)
{
	return kw_rec_str(kw_get(rec, "detail"), key) ?: "";
}

static uint64_t du64(json_object *rec, const char *key)
{
	return kw_rec_u64(kw_get(rec, "detail"), key);
}

FIXTURE(fault) {
	uint64_t seq0;
	struct recs rs;
};

FIXTURE_SETUP(fault)
{
	if (system("kwardenctl status >/dev/null 2>&1"))
		SKIP(return, "kwardend is not running");
	if (access(FAULTY_KO, R_OK))
		SKIP(return, FAULTY_KO " is not staged");
	kw_unload("kw_faulty");
	self->seq0 = kw_journal_seq();
	self->rs.n = 0;
}

/*
 * Declare the n kernel reports about to be provoked, by the faulting
 * frame or message in their head (tools/vm/kwvm-expect): one more, or one
 * elsewhere, fails the run
 */
static int expect_reports(int n, const char *head)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "kwvm-expect --count %d '%s'", n, head);
	return system(cmd);
}

FIXTURE_TEARDOWN(fault)
{
	recs_free(&self->rs);
	kw_unload("kw_faulty");
}

/* 20 WARNs in ~3 s: 20 alerts, counted 1 by 1, one budget alert */
TEST_F_TIMEOUT(fault, warnings_and_budget, 240)
{
	struct recs *rs = &self->rs;
	uint64_t count0 = 0, t0, t1;
	json_object *r;
	int i;

	ASSERT_EQ(0, expect_reports(20, "kw_faulty_fn+"));
	ASSERT_EQ(0, kw_finit(FAULTY_KO, "warns=20 period_ms=150"));
	ASSERT_EQ(20, wait_list("--kind module_fault --module kw_faulty",
				self->seq0, 20, rs));
	for (i = 0; i < rs->n; i++) {
		r = rs->r[i];
		EXPECT_STREQ("kw_faulty", kw_rec_str(r, "module"));
		EXPECT_STREQ("kmod", kw_rec_str(r, "source"));
		EXPECT_STREQ("warning", dstr(r, "fault"));
		EXPECT_STREQ("kw_faulty_fn", dstr(r, "symbol"));
		/* blamed on its own code: no caller frame to name */
		EXPECT_STREQ("", dstr(r, "target_symbol"));
		/* the kernel is tainted W by the first warning at the latest */
		EXPECT_NE(0U, du64(r, "taints") & (1 << 9));
		if (!i)
			count0 = du64(r, "count") - 1;
		EXPECT_EQ(count0 + i + 1, du64(r, "count"));
	}
	EXPECT_EQ(0U, du64(rs->r[19], "taints_old") & ~du64(rs->r[19], "taints"));
	EXPECT_NE(0U, du64(rs->r[19], "taints_old") & (1 << 9));
	t0 = kw_rec_u64(kw_get(rs->r[0], "detail"), "kseq");
	t1 = kw_rec_u64(kw_get(rs->r[19], "detail"), "kseq");
	EXPECT_LE(t0 + 19, t1);
	ASSERT_EQ(1, wait_list("--kind module_fault_budget_exceeded --module kw_faulty",
			       self->seq0, 1, rs));
	r = rs->r[0];
	EXPECT_STREQ("kwardend", kw_rec_str(r, "source"));
	EXPECT_STREQ("kw_faulty", dstr(r, "name"));
	EXPECT_EQ(11U, du64(r, "faults"));
	EXPECT_EQ(10U, du64(r, "budget"));
	EXPECT_EQ(60U, du64(r, "window_s"));
	TH_LOG("%s", kw_rec_str(r, "message"));
}

/* ida_free() warns in core code; the module's frame below it is blamed */
TEST_F_TIMEOUT(fault, core_warning_blamed_on_module_frame, 180)
{
	struct recs *rs = &self->rs;
	json_object *r;
	int i;

	/* the warning is core code's: its message, not the module, names it */
	ASSERT_EQ(0, expect_reports(3, "ida_free called for id=42"));
	ASSERT_EQ(0, kw_finit(FAULTY_KO, "warns=3 period_ms=50 core=1"));
	ASSERT_EQ(3, wait_list("--kind module_fault --module kw_faulty",
			       self->seq0, 3, rs));
	for (i = 0; i < rs->n; i++) {
		r = rs->r[i];
		EXPECT_STREQ("warning", dstr(r, "fault"));
		EXPECT_STREQ("ida_free", dstr(r, "symbol"));
		EXPECT_NE(NULL, strstr(dstr(r, "target_symbol"),
				       "kw_faulty_bad_free"));
	}
	TH_LOG("%s", kw_rec_str(rs->r[0], "message"));
}

static void die_in_thread(struct __test_metadata *_metadata,
			  struct recs *rs, uint64_t seq0, const char *param,
			  const char *fault)
{
	json_object *r;

	ASSERT_EQ(0, expect_reports(1, "kw_faulty_die+"));
	ASSERT_EQ(0, kw_finit(FAULTY_KO, param));
	ASSERT_EQ(1, wait_list("--kind module_fault --module kw_faulty",
			       seq0, 1, rs));
	r = rs->r[0];
	EXPECT_STREQ(fault, dstr(r, "fault"));
	EXPECT_STREQ("kw_faulty_die", dstr(r, "symbol"));
	EXPECT_STREQ("kw_faulty", dstr(r, "comm"));
	/* an oops taints D (bit 7) */
	EXPECT_NE(0U, du64(r, "taints") & (1 << 7));
	TH_LOG("%s", kw_rec_str(r, "message"));
}

TEST_F_TIMEOUT(fault, bug_in_module_thread, 180)
{
	die_in_thread(_metadata, &self->rs, self->seq0, "bug=1", "bug");
}

TEST_F_TIMEOUT(fault, oops_in_module_thread, 180)
{
	die_in_thread(_metadata, &self->rs, self->seq0, "oops=1", "oops");
}

#define DROPIN_DIR	"/etc/kwarden/kwarden.conf.d"
#define DROPIN		DROPIN_DIR "/50-fault-test.conf"

/* Stops kwardend, runs cmd while the guard is unlocked, starts it again */
static int restart_with(const char *cmd)
{
	if (kw_stop_kwardend())
		return -1;
	if (cmd && system(cmd))
		return -1;
	return kw_start_kwardend();
}

/*
 * kwardend restarted in the middle of a window: the faults before the
 * restart still count, read back from the journal. The budget, 5 per
 * 30 s, comes from a drop-in (which the guard then protects); the faults
 * of the tests above age out of it first.
 */
TEST_F_TIMEOUT(fault, budget_outlives_restart, 300)
{
	struct recs *rs = &self->rs;
	json_object *r;
	FILE *f;

	ASSERT_EQ(0, restart_with("mkdir -p " DROPIN_DIR " && echo 'fault_budget = 5/30s' > " DROPIN));
	f = fopen(DROPIN, "a");
	EXPECT_EQ(NULL, f) TH_LOG("the drop-in is writable while locked");
	if (f)
		fclose(f);
	sleep(31);
	ASSERT_EQ(0, expect_reports(6, "kw_faulty_fn+"));
	ASSERT_EQ(0, kw_finit(FAULTY_KO, "warns=3 period_ms=100"));
	ASSERT_EQ(3, wait_list("--kind module_fault --module kw_faulty",
			       self->seq0, 3, rs));
	kw_unload("kw_faulty");
	ASSERT_EQ(0, restart_with(NULL));
	ASSERT_EQ(0, kw_finit(FAULTY_KO, "warns=3 period_ms=100"));
	ASSERT_EQ(6, wait_list("--kind module_fault --module kw_faulty",
			       self->seq0, 6, rs));
	ASSERT_EQ(1, wait_list("--kind module_fault_budget_exceeded --module kw_faulty",
			       self->seq0, 1, rs));
	r = rs->r[0];
	TH_LOG("%s", kw_rec_str(r, "message"));
	EXPECT_EQ(6U, du64(r, "faults"));
	EXPECT_EQ(5U, du64(r, "budget"));
	EXPECT_EQ(30U, du64(r, "window_s"));
	kw_unload("kw_faulty");
	EXPECT_EQ(0, restart_with("rm -rf " DROPIN_DIR));
}

TEST_HARNESS_MAIN
