// SPDX-License-Identifier: GPL-2.0
/*
 * RFC 3339: what the journal writes (UTC, microseconds, 'Z') and what the
 * `since` filter accepts.
 */
#include <errno.h>
#include <string.h>
#include "harness.h"
#include "timefmt.h"

TEST(format_epoch)
{
	char buf[KW_TIME_LEN];

	ASSERT_EQ(27, kw_time_format(0, buf, sizeof(buf)));
	EXPECT_STREQ("1970-01-01T00:00:00.000000Z", buf);
}

TEST(format_truncates_to_microseconds)
{
	char buf[KW_TIME_LEN];

	/* 2026-11-26T14:33:01.123456789Z */
	ASSERT_LT(0, kw_time_format(1795703581123456789ULL, buf, sizeof(buf)));
	EXPECT_STREQ("2026-11-26T14:33:01.123456Z", buf);
}

TEST(format_leap_year_and_end_of_day)
{
	char buf[KW_TIME_LEN];

	/* 2024-02-29T23:59:59.999999Z */
	ASSERT_LT(0, kw_time_format(1709251199999999000ULL, buf, sizeof(buf)));
	EXPECT_STREQ("2024-02-29T23:59:59.999999Z", buf);
}

TEST(format_small_buffer)
{
	char buf[27];

	EXPECT_EQ(-ENOSPC, kw_time_format(0, buf, sizeof(buf)));
}

TEST(parse_round_trip)
{
	char buf[KW_TIME_LEN];
	uint64_t ns, t = 1795703581123456000ULL;

	ASSERT_LT(0, kw_time_format(t, buf, sizeof(buf)));
	ASSERT_EQ(0, kw_time_parse(buf, &ns));
	EXPECT_EQ(t, ns);
}

TEST(parse_variants)
{
	uint64_t base, ns;

	ASSERT_EQ(0, kw_time_parse("2026-11-26T14:33:01Z", &base));
	EXPECT_EQ(1795703581ULL * NSEC_PER_SEC, base);
	ASSERT_EQ(0, kw_time_parse("2026-11-26t14:33:01z", &ns));
	EXPECT_EQ(base, ns);
	ASSERT_EQ(0, kw_time_parse("2026-11-26 14:33:01Z", &ns));
	EXPECT_EQ(base, ns);
	ASSERT_EQ(0, kw_time_parse("2026-11-26T16:33:01+02:00", &ns));
	EXPECT_EQ(base, ns);
	ASSERT_EQ(0, kw_time_parse("2026-11-26T09:03:01-05:30", &ns));
	EXPECT_EQ(base, ns);
	ASSERT_EQ(0, kw_time_parse("2026-11-26T14:33:01.5Z", &ns));
	EXPECT_EQ(base + 500000000ULL, ns);
	/* beyond nanoseconds: kept to the nanosecond */
	ASSERT_EQ(0, kw_time_parse("2026-11-26T14:33:01.1234567891234Z", &ns));
	EXPECT_EQ(base + 123456789ULL, ns);
	/* leap second: the last second of the minute */
	ASSERT_EQ(0, kw_time_parse("2016-12-31T23:59:60Z", &ns));
	EXPECT_EQ(1483228799ULL * NSEC_PER_SEC, ns);
}

TEST(parse_rejects)
{
	static const char *const bad[] = {
		"", "2026", "2026-11-26", "2026-11-26T14:33:01",
		"2026-11-26T14:33Z", "2026-13-01T00:00:00Z",
		"2026-00-01T00:00:00Z", "2026-02-30T00:00:00Z",
		"2026-11-31T00:00:00Z", "2026-11-26T24:00:00Z",
		"2026-11-26T14:60:00Z", "2026-11-26T14:33:61Z",
		"2026-11-26T14:33:01.Z", "2026-11-26T14:33:01ZZ",
		"2026-11-26T14:33:01+0200", "2026-11-26T14:33:01+24:00",
		" 2026-11-26T14:33:01Z", "2026-11-26T14:33:01Z ",
		"2026-1-26T14:33:01Z", "yesterday", "1969-12-31T23:59:59Z",
		"+026-11-26T14:33:01Z",
	};
	uint64_t ns;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		EXPECT_NE(0, kw_time_parse(bad[i], &ns)) TH_LOG("case %zu", i);
}

TEST(now_is_sane)
{
	uint64_t ns;

	ASSERT_EQ(0, kw_time_parse("2020-01-01T00:00:00Z", &ns));
	EXPECT_LT(ns, kw_now_ns());
}

TEST_HARNESS_MAIN
