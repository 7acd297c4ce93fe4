// SPDX-License-Identifier: GPL-2.0
/*
 * kwardend's netlink link to kwarden.ko, inside a test VM: a text hook by
 * the kw_rootkit_text test module reaches the journal as one
 * kernel_text_modified alert with its where/old/new detail; an alert the
 * kmod raises while kwardend is stopped is fetched from the kmod's backlog
 * when kwardend starts again, exactly once; `scan` answers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "unit/harness.h"
#include "kw_vmtest.h"

#define ROOTKIT_KO	"/opt/kwarden/selftests/modules/kw_rootkit_text.ko"
#define FILTER		"--kind kernel_text_modified --module kw_rootkit_text"

FIXTURE(kmod_link) {
	uint64_t seq0;
};

FIXTURE_SETUP(kmod_link)
{
	json_object *st = kw_status();
	bool present = json_object_get_boolean(
		kw_get(kw_get(st, "kmod"), "present"));

	json_object_put(st);
	if (!st)
		SKIP(return, "kwardend is not running");
	if (!present)
		SKIP(return, "kwarden.ko is not loaded");
	if (access(ROOTKIT_KO, R_OK))
		SKIP(return, ROOTKIT_KO " is not staged");
	kw_unload("kw_rootkit_text");
	self->seq0 = kw_journal_seq();
}

FIXTURE_TEARDOWN(kmod_link)
{
	kw_unload("kw_rootkit_text");
}

static void check_hook(struct __test_metadata *_metadata, json_object *rec)
{
	json_object *d = kw_get(rec, "detail");

	ASSERT_NE(NULL, rec);
	EXPECT_STREQ("kmod", kw_rec_str(rec, "source"));
	EXPECT_STREQ("crit", kw_rec_str(rec, "severity"));
	EXPECT_EQ(1004, json_object_get_int(kw_get(kw_get(rec, "ocsf"),
						   "class_uid")));
	EXPECT_STREQ("__x64_sys_acct", kw_rec_str(d, "symbol"));
	EXPECT_EQ(0, strncmp(kw_rec_str(d, "where") ?: "",
			     "__x64_sys_acct+0x", 17));
	EXPECT_EQ(0, strncmp(kw_rec_str(d, "new") ?: "", "e9", 2));
	EXPECT_NE(NULL, kw_rec_str(d, "old"));
	EXPECT_NE(NULL, kw_rec_str(d, "address"));
	EXPECT_STREQ("kw_hook", kw_rec_str(d, "target_symbol"));
	EXPECT_LT(0U, kw_rec_u64(d, "kseq"));
}

TEST_F(kmod_link, multicast_alert)
{
	json_object *rec;
	int n;

	ASSERT_EQ(0, kw_finit(ROOTKIT_KO, ""));
	rec = kw_wait_alerts(FILTER, self->seq0, 1, &n);
	check_hook(_metadata, rec);
	EXPECT_EQ(1, n);
	json_object_put(rec);
}

/* kwarden.ko's log line of an alert (alert.c): "kwarden: KIND at ... [seq N]" */
struct kmsg_wait {
	const char *what;	/* e.g. "kernel_text_modified at SYMBOL+" */
	uint64_t after;		/* kwarden.ko's alert count before */
};

/* kwarden.ko has raised the alert (it is in its backlog) */
static bool kmsg_alert_raised(void *ctx)
{
	const struct kmsg_wait *w = ctx;
	unsigned long long seq;
	bool raised = false;
	char line[1024];
	const char *s;
	FILE *p = popen("dmesg", "r");

	while (p && fgets(line, sizeof(line), p)) {
		s = strstr(line, w->what);
		s = s ? strstr(s, "[seq ") : NULL;
		if (s && sscanf(s, "[seq %llu]", &seq) == 1 && seq > w->after)
			raised = true;
	}
	if (p)
		pclose(p);
	return raised;
}

/* Raised while no kwardend listened: the backlog dump brings it, once */
TEST_F_TIMEOUT(kmod_link, backlog_after_restart, 180)
{
	struct kmsg_wait raised = { .what = "kernel_text_modified at __x64_sys_acct+" };
	json_object *rec, *st;
	uint64_t kseq, before = 0;
	int n;

	rec = kw_run_json("kwardenctl --json alerts --kind kernel_text_modified",
			  0, &n);
	if (rec)
		before = kw_rec_u64(kw_get(rec, "detail"), "kseq");
	json_object_put(rec);
	st = kw_status();
	raised.after = kw_rec_u64(kw_get(st, "kmod"), "alerts");
	json_object_put(st);
	ASSERT_EQ(0, kw_stop_kwardend());
	ASSERT_EQ(0, kw_finit(ROOTKIT_KO, ""));
	/* until a scan has found the hook: the alert waits in the backlog */
	ASSERT_EQ(0, kw_wait_for(kmsg_alert_raised, &raised, 3 * KW_WAIT_MS))
		TH_LOG("kwarden.ko raised no alert of the hook");
	ASSERT_EQ(0, kw_start_kwardend());
	rec = kw_wait_alerts(FILTER, self->seq0, 1, &n);
	check_hook(_metadata, rec);
	EXPECT_EQ(1, n);
	kseq = kw_rec_u64(kw_get(rec, "detail"), "kseq");
	EXPECT_LT(before, kseq);
	json_object_put(rec);
	/* nothing older came back a second time */
	rec = kw_wait_alerts("--kind kernel_text_modified", self->seq0, 1, &n);
	EXPECT_EQ(1, n);
	json_object_put(rec);
}

TEST_F(kmod_link, scan)
{
	json_object *scan;
	int n;

	scan = kw_run_json("kwardenctl --json scan", -1, &n);
	ASSERT_NE(NULL, scan);
	EXPECT_EQ(1, n);
	EXPECT_TRUE(json_object_get_boolean(kw_get(scan, "present")));
	EXPECT_LT(0U, kw_rec_u64(scan, "scans"));
	json_object_put(scan);
}

TEST_HARNESS_MAIN
