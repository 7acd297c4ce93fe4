// SPDX-License-Identifier: GPL-2.0
/*
 * Fault budgets: one report per module and window, at the fault that goes
 * over, none under the limit, a new window after the old one ends, and a
 * bounded table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "budget.h"

#define SEC	1000000000ULL

static struct kw_budget b;

TEST(over_budget_once_per_window)
{
	const struct kw_budget_mod *m;
	int i, reports = 0, at = 0;

	kw_budget_init(&b, 10, 60);
	for (i = 1; i <= 20; i++) {
		m = kw_budget_fault(&b, "kw_faulty", 1000 * SEC + i * SEC / 5);
		if (m) {
			reports++;
			at = i;
			EXPECT_STREQ("kw_faulty", m->name);
			EXPECT_EQ(11U, m->count);
			EXPECT_EQ(1000 * SEC + SEC / 5, m->start_ns);
		}
	}
	EXPECT_EQ(1, reports);
	EXPECT_EQ(11, at);
	/* the same window: still quiet */
	EXPECT_EQ(NULL, kw_budget_fault(&b, "kw_faulty", 1050 * SEC));
	/* a new window: ten are fine again, the eleventh is not */
	for (i = 0; i < 10; i++)
		EXPECT_EQ(NULL, kw_budget_fault(&b, "kw_faulty", 1100 * SEC + i));
	EXPECT_NE(NULL, kw_budget_fault(&b, "kw_faulty", 1100 * SEC + 10));
}

/*
 * kwardend restarted: the window's faults are read back from the journal,
 * so the count goes on; a report already journaled is not made again.
 */
TEST(replayed_window_goes_on)
{
	int i;

	kw_budget_init(&b, 10, 60);
	for (i = 1; i <= 6; i++)	/* before the restart */
		kw_budget_fault(&b, "kw_faulty", 1000 * SEC + i * SEC);
	for (i = 7; i <= 10; i++)
		EXPECT_EQ(NULL, kw_budget_fault(&b, "kw_faulty", 1000 * SEC + i * SEC));
	EXPECT_NE(NULL, kw_budget_fault(&b, "kw_faulty", 1011 * SEC));

	kw_budget_init(&b, 10, 60);
	for (i = 1; i <= 11; i++)
		kw_budget_fault(&b, "kw_faulty", 2000 * SEC + i * SEC);
	kw_budget_said(&b, "kw_faulty", 2011 * SEC);
	EXPECT_EQ(NULL, kw_budget_fault(&b, "kw_faulty", 2020 * SEC));
	/* a report of an older window says nothing of this one */
	kw_budget_init(&b, 10, 60);
	kw_budget_fault(&b, "kw_faulty", 3000 * SEC);
	kw_budget_said(&b, "kw_faulty", 2900 * SEC);
	for (i = 1; i < 10; i++)
		kw_budget_fault(&b, "kw_faulty", 3000 * SEC + i);
	EXPECT_NE(NULL, kw_budget_fault(&b, "kw_faulty", 3001 * SEC));
}

TEST(modules_are_separate)
{
	int i;

	kw_budget_init(&b, 2, 10);
	for (i = 0; i < 2; i++) {
		EXPECT_EQ(NULL, kw_budget_fault(&b, "a", SEC + i));
		EXPECT_EQ(NULL, kw_budget_fault(&b, "b", SEC + i));
	}
	EXPECT_NE(NULL, kw_budget_fault(&b, "a", 2 * SEC));
	EXPECT_NE(NULL, kw_budget_fault(&b, "b", 2 * SEC));
}

TEST(under_budget_spread_out)
{
	int i;

	kw_budget_init(&b, 3, 10);
	/* 3 faults every 11 s never exceed 3 per 10 s window */
	for (i = 0; i < 30; i++)
		EXPECT_EQ(NULL, kw_budget_fault(&b, "m", (uint64_t)(i / 3) * 11 * SEC + i));
}

TEST(off_and_no_module)
{
	int i;

	kw_budget_init(&b, 0, 60);
	for (i = 0; i < 100; i++)
		EXPECT_EQ(NULL, kw_budget_fault(&b, "m", SEC + i));
	kw_budget_init(&b, 1, 60);
	for (i = 0; i < 100; i++) {
		EXPECT_EQ(NULL, kw_budget_fault(&b, "", SEC + i));
		EXPECT_EQ(NULL, kw_budget_fault(&b, NULL, SEC + i));
	}
}

TEST(table_is_bounded)
{
	char name[32];
	int i;

	kw_budget_init(&b, 1, 60);
	for (i = 0; i < 3 * KW_BUDGET_MODS; i++) {
		snprintf(name, sizeof(name), "mod%d", i);
		EXPECT_EQ(NULL, kw_budget_fault(&b, name, SEC + i));
	}
	EXPECT_EQ((size_t)KW_BUDGET_MODS, b.n);
	/* the newest are still counted */
	EXPECT_NE(NULL, kw_budget_fault(&b, name, 2 * SEC));
}

TEST_HARNESS_MAIN
