// SPDX-License-Identifier: GPL-2.0
/*
 * The staged policy store (lib/policy_store.h): versions numbered and
 * never overwritten, state and meta files round-trip and refuse damage,
 * and the stage machine: promotion at the end of the audit period only
 * within the would-deny bound, a clock set back neither ends nor holds
 * an audit, an unhealthy boot rolls back only an enforced version that
 * ran in it during probation, and the denial storm window.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "harness.h"
#include "policy_store.h"

#define SEC	1000000000ULL

FIXTURE(pstore) {
	char dir[64];
	char store[96];
};

FIXTURE_SETUP(pstore)
{
	snprintf(self->dir, sizeof(self->dir), "/tmp/kw_pstore_test.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->store, sizeof(self->store), "%s/policy", self->dir);
}

FIXTURE_TEARDOWN(pstore)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->dir);
	if (system(cmd))
		TH_LOG("cleanup of %s failed", self->dir);
}

TEST_F(pstore, versions_numbered_and_kept)
{
	struct kw_pmeta m = { .added_ns = 5, .previous = 0 }, got;
	unsigned int v1, v2, v3, *list;
	char *buf, path[160];
	size_t len, n;

	snprintf(m.origin, sizeof(m.origin), "test\nwith a newline");
	ASSERT_EQ(0, kw_pstore_add(self->store, "mode audit\n", 11, &m, &v1));
	ASSERT_EQ(1, v1);
	ASSERT_EQ(0, kw_pstore_add(self->store, "mode enforce\n", 13, NULL, &v2));
	ASSERT_EQ(2, v2);
	/* a gap (v3 deleted by hand) is not reused below the highest */
	snprintf(path, sizeof(path), "%s/v7", self->store);
	ASSERT_EQ(0, close(open(path, O_CREAT | O_WRONLY, 0600)));
	ASSERT_EQ(0, kw_pstore_add(self->store, "x\n", 2, NULL, &v3));
	ASSERT_EQ(8, v3);
	/* junk names are not versions */
	snprintf(path, sizeof(path), "%s/v01", self->store);
	ASSERT_EQ(0, close(open(path, O_CREAT | O_WRONLY, 0600)));
	snprintf(path, sizeof(path), "%s/vx", self->store);
	ASSERT_EQ(0, close(open(path, O_CREAT | O_WRONLY, 0600)));
	ASSERT_EQ(0, kw_pstore_versions(self->store, &list, &n));
	ASSERT_EQ(4, n);
	EXPECT_EQ(1, list[0]);
	EXPECT_EQ(2, list[1]);
	EXPECT_EQ(7, list[2]);
	EXPECT_EQ(8, list[3]);
	free(list);
	ASSERT_EQ(0, kw_pstore_read(self->store, 2, &buf, &len));
	EXPECT_EQ(13, len);
	EXPECT_STREQ("mode enforce\n", buf);
	free(buf);
	EXPECT_EQ(-ENOENT, kw_pstore_read(self->store, 3, &buf, &len));
	EXPECT_EQ(-ENOENT, kw_pstore_read(self->store, 0, &buf, &len));
	ASSERT_EQ(0, kw_pmeta_load(self->store, 1, &got));
	EXPECT_EQ(5, got.added_ns);
	EXPECT_STREQ("test?with a newline", got.origin);
	/* no temporary left behind */
	snprintf(path, sizeof(path), "%s/.v1.new", self->store);
	EXPECT_NE(0, access(path, F_OK));
}

TEST_F(pstore, state_round_trip_and_damage)
{
	struct kw_pstate st = {
		.version = 4, .stage = KW_STAGE_HELD, .since_ns = 123 * SEC,
		.previous = 3, .previous_stage = KW_STAGE_ENFORCE,
		.would_deny = 17, .denied = 2, .boots = 1,
	}, got;
	char buf[512];
	int n;

	snprintf(st.boot, sizeof(st.boot), "0f1e2d3c-aaaa-bbbb-cccc-0123456789ab");
	ASSERT_EQ(0, kw_pstate_load(self->store, &got));	/* none yet */
	EXPECT_EQ(0, got.version);
	ASSERT_EQ(0, mkdir(self->store, 0700));
	ASSERT_EQ(0, kw_pstate_save(self->store, &st));
	ASSERT_EQ(0, kw_pstate_load(self->store, &got));
	EXPECT_EQ(0, memcmp(&st, &got, sizeof(st)));
	n = kw_pstate_format(&st, buf, sizeof(buf));
	ASSERT_GT(n, 0);
	/* cut short by a crash: refused, not half believed */
	EXPECT_EQ(-EINVAL, kw_pstate_parse(buf, (size_t)n - 1, &got));
	EXPECT_EQ(-EINVAL, kw_pstate_parse("stage bogus\n", 12, &got));
	EXPECT_EQ(-EINVAL, kw_pstate_parse("version 1\nstage none\n", 21, &got));
	EXPECT_EQ(-EINVAL, kw_pstate_parse("version x\nstage audit\n", 22, &got));
	EXPECT_EQ(-EINVAL, kw_pstate_parse("version 99999999999\nstage audit\n",
					   32, &got));
	/* an unknown key of a newer kwardend is ignored */
	EXPECT_EQ(0, kw_pstate_parse("version 1\nstage audit\nfuture 3\n", 31, &got));
	EXPECT_EQ(KW_STAGE_AUDIT, got.stage);
	EXPECT_EQ(-ENOSPC, kw_pstate_format(&st, buf, 10));
}

TEST(stage_promotion)
{
	struct kw_stage_cfg cfg = { .audit_period_ns = 600 * SEC,
				    .max_would_deny = 2 };
	struct kw_pstate st = { .version = 2, .stage = KW_STAGE_AUDIT,
				.since_ns = 1000 * SEC };

	EXPECT_EQ(KW_SA_NONE, kw_stage_due(&st, &cfg, 1599 * SEC));
	EXPECT_EQ(KW_SA_PROMOTE, kw_stage_due(&st, &cfg, 1600 * SEC));
	st.would_deny = 2;
	EXPECT_EQ(KW_SA_PROMOTE, kw_stage_due(&st, &cfg, 1600 * SEC));
	st.would_deny = 3;
	EXPECT_EQ(KW_SA_HOLD, kw_stage_due(&st, &cfg, 1600 * SEC));
	/* the clock set back: no decision either way */
	EXPECT_EQ(KW_SA_NONE, kw_stage_due(&st, &cfg, 10 * SEC));
	/* only an audit stage is ever due */
	st.stage = KW_STAGE_HELD;
	EXPECT_EQ(KW_SA_NONE, kw_stage_due(&st, &cfg, 9999 * SEC));
	st.stage = KW_STAGE_ENFORCE;
	EXPECT_EQ(KW_SA_NONE, kw_stage_due(&st, &cfg, 9999 * SEC));
	/* a zero period with a zero bound promotes a clean audit at once */
	cfg.audit_period_ns = 0;
	cfg.max_would_deny = 0;
	st.stage = KW_STAGE_AUDIT;
	st.would_deny = 0;
	EXPECT_EQ(KW_SA_PROMOTE, kw_stage_due(&st, &cfg, 1000 * SEC));
}

TEST(stage_unhealthy_boot)
{
	struct kw_stage_cfg cfg = { .probation_boots = 2 };
	struct kw_pstate st = { .version = 5, .stage = KW_STAGE_ENFORCE,
				.previous = 4 };
	enum kw_stage_act act;

	snprintf(st.boot, sizeof(st.boot), "A");
	/* kwardend restarted within boot A: nothing */
	EXPECT_FALSE(kw_stage_boot(&st, &cfg, "A", "Z", true, &act));
	EXPECT_EQ(KW_SA_NONE, act);
	/* boot B after a healthy A: counted, no rollback */
	EXPECT_TRUE(kw_stage_boot(&st, &cfg, "B", "A", false, &act));
	EXPECT_EQ(KW_SA_NONE, act);
	EXPECT_EQ(1, st.boots);
	EXPECT_STREQ("B", st.boot);
	/* boot C after an unhealthy B, second boot of probation: rollback */
	EXPECT_TRUE(kw_stage_boot(&st, &cfg, "C", "B", true, &act));
	EXPECT_EQ(KW_SA_ROLLBACK, act);
	EXPECT_EQ(2, st.boots);
	/* past probation: an unhealthy boot is not the policy's doing */
	EXPECT_TRUE(kw_stage_boot(&st, &cfg, "D", "C", true, &act));
	EXPECT_EQ(KW_SA_NONE, act);
	/* a boot kwardend did not see (previous is not the one recorded) */
	st.boots = 0;
	EXPECT_TRUE(kw_stage_boot(&st, &cfg, "F", "E", true, &act));
	EXPECT_EQ(KW_SA_NONE, act);
	/* audit stages never roll back on boot health */
	st.boots = 0;
	st.stage = KW_STAGE_AUDIT;
	EXPECT_TRUE(kw_stage_boot(&st, &cfg, "G", "F", true, &act));
	EXPECT_EQ(KW_SA_NONE, act);
	/* nothing to go back to */
	st.stage = KW_STAGE_ENFORCE;
	st.previous = 0;
	st.boots = 0;
	EXPECT_TRUE(kw_stage_boot(&st, &cfg, "H", "G", true, &act));
	EXPECT_EQ(KW_SA_NONE, act);
	/* no version at all */
	memset(&st, 0, sizeof(st));
	EXPECT_FALSE(kw_stage_boot(&st, &cfg, "I", "H", true, &act));
}

TEST(storm_window)
{
	struct kw_storm s = {};
	unsigned int i;

	/* 3 within 10 s is a storm; spread out, it is not */
	EXPECT_FALSE(kw_storm_add(&s, 100 * SEC, 10 * SEC, 3));
	EXPECT_FALSE(kw_storm_add(&s, 105 * SEC, 10 * SEC, 3));
	EXPECT_FALSE(kw_storm_add(&s, 116 * SEC, 10 * SEC, 3));
	EXPECT_FALSE(kw_storm_add(&s, 120 * SEC, 10 * SEC, 3));
	EXPECT_TRUE(kw_storm_add(&s, 121 * SEC, 10 * SEC, 3));
	/* limit 0: never */
	memset(&s, 0, sizeof(s));
	for (i = 0; i < 1000; i++)
		EXPECT_FALSE(kw_storm_add(&s, i, SEC, 0));
	/* the ring wraps without losing the window */
	memset(&s, 0, sizeof(s));
	for (i = 0; i < 3 * KW_STORM_MAX; i++)
		kw_storm_add(&s, (uint64_t)i * 100 * SEC, SEC, 2);
	EXPECT_FALSE(kw_storm_add(&s, (uint64_t)i * 100 * SEC, SEC, 2));
	EXPECT_TRUE(kw_storm_add(&s, (uint64_t)i * 100 * SEC + 1, SEC, 2));
}

TEST_HARNESS_MAIN
