// SPDX-License-Identifier: GPL-2.0
/*
 * Boot records and crash logs (userspace/lib/bootlog.c): records cut short
 * by a crash, hostile names, and the attribution of pstore dmesg records
 * to a module, best evidence first.
 */
#include <errno.h>
#include <string.h>
#include "harness.h"
#include "bootlog.h"

#define ID "0f8e6bb5-5c0e-4e0e-9a59-3f5b6cf1a9d2"

TEST(record_round_trip)
{
	static const char rec[] =
		"kwarden-boot 1\n"
		"id " ID "\n"
		"start 1795703581000000000\n"
		"early virtio_blk\n"
		"early ext4\n"
		"module 1795703582000000000 dummy\n"
		"module 1795703583000000000 kw_panic\n"
		"module 1795703584000000000 dummy\n"
		"healthy 1795703641000000000\n";
	struct kw_boot b;

	ASSERT_EQ(0, kw_boot_parse(rec, sizeof(rec) - 1, &b));
	EXPECT_STREQ(ID, b.id);
	EXPECT_EQ(1795703581000000000ULL, b.start_ns);
	EXPECT_EQ(1795703641000000000ULL, b.healthy_ns);
	ASSERT_EQ(4U, b.nmodules);	/* dummy only once */
	EXPECT_EQ(2U, b.nearly);
	EXPECT_STREQ("ext4", b.modules[1]);
	EXPECT_STREQ("kw_panic", b.modules[3]);
	EXPECT_EQ((int)KW_BOOT_PENDING, (int)b.verdict);
	kw_boot_free(&b);
}

TEST(record_cut_by_a_crash)
{
	static const char rec[] =
		"kwarden-boot 1\n"
		"id " ID "\n"
		"start 17957035810\n"
		"module 17957035820 kw_panic\n"
		"healthy 1795";		/* no newline: never finished */
	struct kw_boot b;

	ASSERT_EQ(0, kw_boot_parse(rec, sizeof(rec) - 1, &b));
	EXPECT_EQ(0U, b.healthy_ns);
	ASSERT_EQ(1U, b.nmodules);
	kw_boot_free(&b);
}

TEST(record_verdict_and_hostile_lines)
{
	static const char rec[] =
		"kwarden-boot 1\n"
		"id " ID "\n"
		"module 1 ../../etc/passwd\n"
		"module 2 a\x1b[2Jb\n"
		"module x ok_name\n"
		"culprit bad/name\n"
		"culprit kw_panic\n"
		"evidence kwarden: panic in module kw_panic (stack: x)\n"
		"verdict 99 unhealthy\n";
	struct kw_boot b;

	ASSERT_EQ(0, kw_boot_parse(rec, sizeof(rec) - 1, &b));
	EXPECT_EQ(0U, b.nmodules);
	EXPECT_STREQ("kw_panic", b.culprit);
	EXPECT_EQ((int)KW_BOOT_UNHEALTHY, (int)b.verdict);
	EXPECT_EQ(99U, b.verdict_ns);
	kw_boot_free(&b);
}

TEST(record_not_a_record)
{
	struct kw_boot b;

	EXPECT_EQ(-EINVAL, kw_boot_parse("hello\n", 6, &b));
	EXPECT_EQ(-EINVAL, kw_boot_parse("kwarden-boot 1\nstart 1\n", 23, &b));
	EXPECT_EQ(-EINVAL, kw_boot_parse("", 0, &b));
	EXPECT_FALSE(kw_boot_id_ok("../x"));
	EXPECT_TRUE(kw_boot_id_ok(ID));
}

/* What pstore kept of a panic called from a module's init (6.12, VM) */
static const char panic_log[] =
	"Panic#1 Part1\n"
	"<0>[    6.774543] Kernel panic - not syncing: kw_panic: crashing on purpose\n"
	"<4>[    6.775660] Call Trace:\n"
	"<4>[    6.776285]  <TASK>\n"
	"<4>[    6.776440]  panic+0x344/0x3a0\n"
	"<4>[    6.776699]  kw_panic_init+0x64/0xff0 [kw_panic]\n"
	"<4>[    6.776831]  ? __pfx_kw_panic_init+0x10/0x10 [kw_panic]\n"
	"<4>[    6.776897]  do_one_initcall+0x5b/0x320\n"
	"<4>[    6.780832] RIP: 0033:0x47fbe9\n"
	"<4>[    6.782311]  </TASK>\n"
	"<0>[    6.783476] kwarden: panic in module kw_panic (stack: kw_panic_init+0x64/0xff0 [kw_panic])\n";

TEST(attribute_kwarden_line)
{
	char mod[KW_NAME_LEN], ev[KW_BOOT_EVIDENCE_LEN];

	ASSERT_EQ(1, kw_crash_attribute(panic_log, sizeof(panic_log) - 1,
					mod, ev, sizeof(ev)));
	EXPECT_STREQ("kw_panic", mod);
	EXPECT_EQ(0, strncmp(ev, "kwarden: panic in module kw_panic (stack:", 41));
}

TEST(attribute_rip_beats_trace)
{
	static const char log[] =
		"<1>[ 9.1] BUG: kernel NULL pointer dereference, address: 0000000000000010\n"
		"<4>[ 9.1] Oops: Oops: 0000 [#1] PREEMPT SMP NOPTI\n"
		"<4>[ 9.1] RIP: 0010:bad_read+0x4/0x10 [buggy_drv]\n"
		"<4>[ 9.1] Call Trace:\n"
		"<4>[ 9.1]  <TASK>\n"
		"<4>[ 9.1]  helper+0x10/0x20 [other_mod]\n"
		"<4>[ 9.1]  </TASK>\n"
		"<4>[ 9.1] Modules linked in: buggy_drv(OE) other_mod kwarden(OE)\n";
	char mod[KW_NAME_LEN], ev[KW_BOOT_EVIDENCE_LEN];

	ASSERT_EQ(1, kw_crash_attribute(log, sizeof(log) - 1, mod, ev,
					sizeof(ev)));
	EXPECT_STREQ("buggy_drv", mod);
	EXPECT_STREQ("RIP: 0010:bad_read+0x4/0x10 [buggy_drv]", ev);
}

TEST(attribute_trace_skips_unreliable_and_kwarden)
{
	static const char log[] =
		"Kernel panic - not syncing: Fatal exception\n"
		"Call Trace:\n"
		" <TASK>\n"
		" ? stale+0x1/0x2 [ghost]\n"
		" kw_crash_panic+0x1/0x2 [kwarden]\n"
		" real_culprit_fn+0x1/0x2 [culprit]\n"
		" </TASK>\n"
		" late+0x1/0x2 [after_trace]\n";
	char mod[KW_NAME_LEN], ev[8];

	ASSERT_EQ(1, kw_crash_attribute(log, sizeof(log) - 1, mod, ev,
					sizeof(ev)));
	EXPECT_STREQ("culprit", mod);
	EXPECT_EQ(7U, strlen(ev));	/* truncated to the buffer */
}

TEST(no_crash_no_culprit)
{
	static const char log[] =
		"<6>[ 1.0] loading module\n"
		"<4>[ 1.0]  fn+0x1/0x2 [mod]\n"
		"<6>[ 1.0] kwarden: panic in modulex\n";
	char mod[KW_NAME_LEN], ev[64];

	EXPECT_EQ(0, kw_crash_attribute(log, sizeof(log) - 1, mod, ev,
					sizeof(ev)));
	EXPECT_STREQ("", mod);
	EXPECT_STREQ("", ev);
}

TEST(crash_without_module)
{
	static const char log[] =
		"<0>[ 3.0] Kernel panic - not syncing: VFS: Unable to mount root fs\n"
		"<0>[ 3.0] kwarden: panic in no module\n"
		"<0>[ 3.0] kwarden: panic in module ../x (y)\n";
	char mod[KW_NAME_LEN], ev[64];

	EXPECT_EQ(1, kw_crash_attribute(log, sizeof(log) - 1, mod, ev,
					sizeof(ev)));
	EXPECT_STREQ("", mod);
}

TEST(crash_log_with_nul_and_long_lines)
{
	char log[2048];
	char mod[KW_NAME_LEN], ev[64];

	memset(log, 'A', sizeof(log));
	memcpy(log, "Oops\n\0\n", 7);
	memcpy(log + 1500, "\nRIP: 0010:f+0x1/0x2 [m1]\n", 26);
	EXPECT_EQ(1, kw_crash_attribute(log, sizeof(log), mod, ev,
					sizeof(ev)));
	EXPECT_STREQ("m1", mod);
}

TEST_HARNESS_MAIN
