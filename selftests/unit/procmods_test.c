// SPDX-License-Identifier: GPL-2.0
/*
 * The /proc/modules parser: every field, taints with and without, "-"
 * users, junk lines skipped, a USED_BY list longer than any fixed line
 * buffer, lookup by name, and the real /proc/modules when there is one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "harness.h"
#include "procmods.h"

static const char sample[] =
	"kw_dummy 16384 0 - Live 0xffffffffc0a00000 (OE)\n"
	"this is not a module line\n"
	"nf_tables 344064 2 nft_chain_nat,nf_nat, Live 0x0000000000000000\n"
	"loop 40960 1 - Unloading 0xffffffffc0900000 (F)\n";

/* 0, or -1 if the file could not be written */
static int write_file(char *path, const char *text)
{
	int fd = mkstemp(path);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

TEST(one_line)
{
	struct kw_procmod m;

	ASSERT_EQ(0, kw_procmod_parse("kw_dummy 16384 0 - Live 0xffffffffc0a00000 (OE)\n", &m));
	EXPECT_STREQ("kw_dummy", m.name);
	EXPECT_EQ(16384ULL, m.size);
	EXPECT_EQ(0L, m.refcnt);
	EXPECT_STREQ("", m.used_by);
	EXPECT_STREQ("Live", m.state);
	EXPECT_STREQ("OE", m.taints);
	ASSERT_EQ(0, kw_procmod_parse("nf_tables 344064 2 nft_chain_nat,nf_nat, Live 0x0", &m));
	EXPECT_STREQ("nft_chain_nat,nf_nat", m.used_by);
	EXPECT_STREQ("", m.taints);
	EXPECT_EQ(2L, m.refcnt);
}

TEST(junk)
{
	struct kw_procmod m;

	EXPECT_EQ(-EINVAL, kw_procmod_parse("", &m));
	EXPECT_EQ(-EINVAL, kw_procmod_parse("\n", &m));
	EXPECT_EQ(-EINVAL, kw_procmod_parse("this is not a module line", &m));
	EXPECT_EQ(-EINVAL, kw_procmod_parse("x -1 0 - Live 0x0", &m));
	EXPECT_EQ(-EINVAL, kw_procmod_parse("x 12 zero - Live 0x0", &m));
	EXPECT_EQ(-EINVAL, kw_procmod_parse("x 12 0 -", &m));
	/* the address may be missing, as before */
	EXPECT_EQ(0, kw_procmod_parse("x 12 0 - Live", &m));
	EXPECT_EQ(-EINVAL, kw_procmod_parse("x 99999999999999999999999 0 - Live 0x0", &m));
	EXPECT_EQ(-EINVAL, kw_procmod_parse("a_name_longer_than_the_55_bytes_a_kernel_module_name_may_have 1 0 - Live 0x0", &m));
	EXPECT_EQ(-EINVAL, kw_procmod_parse("x 1 0 - Live_state_too_long_16 0x0", &m));
	/* refcnt is -1 for a module that cannot be unloaded */
	EXPECT_EQ(0, kw_procmod_parse("x 12 -1 - Live 0x0", &m));
	EXPECT_EQ(-1L, m.refcnt);
}

TEST(iterate_and_find)
{
	char path[] = "/tmp/kw_procmods_test.XXXXXX";
	static const char * const want[] = { "kw_dummy", "nf_tables", "loop" };
	struct kw_procmods it;
	struct kw_procmod m;
	int n = 0;

	ASSERT_EQ(0, write_file(path, sample));
	ASSERT_EQ(0, kw_procmods_open(&it, path));
	while (kw_procmods_next(&it, &m)) {
		ASSERT_GT(3, n);
		EXPECT_STREQ(want[n], m.name);
		n++;
	}
	EXPECT_EQ(0, kw_procmods_next(&it, &m));
	kw_procmods_close(&it);
	EXPECT_EQ(3, n);
	ASSERT_EQ(0, kw_procmod_find(path, "loop", &m));
	EXPECT_STREQ("Unloading", m.state);
	EXPECT_STREQ("F", m.taints);
	EXPECT_EQ(-ENOENT, kw_procmod_find(path, "kw_missing", &m));
	EXPECT_EQ(-ENOENT, kw_procmod_find(path, "kw_dumm", &m));
	unlink(path);
	EXPECT_EQ(-ENOENT, kw_procmod_find(path, "loop", &m));
}

/* A fixed 256- or 1024-byte buffer would cut this into two "modules" */
TEST(long_used_by)
{
	char path[] = "/tmp/kw_procmods_test.XXXXXX";
	char *text = malloc(8192);
	struct kw_procmods it;
	struct kw_procmod m;
	size_t len = 0;
	int i, n = 0;

	ASSERT_NE(NULL, text);
	len += (size_t)sprintf(text, "big 4096 300 ");
	for (i = 0; i < 300; i++)
		len += (size_t)sprintf(text + len, "user%03d,", i);
	sprintf(text + len, " Live 0x0\nsmall 1 0 - Live 0x0\n");
	i = write_file(path, text);
	free(text);
	ASSERT_EQ(0, i);
	ASSERT_EQ(0, kw_procmods_open(&it, path));
	while (kw_procmods_next(&it, &m))
		n++;
	kw_procmods_close(&it);
	EXPECT_EQ(2, n);
	ASSERT_EQ(0, kw_procmod_find(path, "small", &m));
	EXPECT_STREQ("Live", m.state);
	ASSERT_EQ(0, kw_procmod_find(path, "big", &m));
	EXPECT_EQ(300L, m.refcnt);
	EXPECT_EQ(0, strncmp(m.used_by, "user000,user001,", 16));
	EXPECT_EQ(sizeof(m.used_by) - 1, strlen(m.used_by));	/* cut */
	EXPECT_STREQ("Live", m.state);	/* not the middle of USED_BY */
	unlink(path);
}

TEST_HARNESS_MAIN
