// SPDX-License-Identifier: GPL-2.0
/*
 * The unlock key: hex both ways, the key file (created 0600 and once,
 * read back, malformed files refused), and the constant-time compare.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "harness.h"
#include "key.h"

static void tmpdir(char *buf, size_t len)
{
	snprintf(buf, len, "/tmp/kw_key_test.XXXXXX");
	if (!mkdtemp(buf))
		buf[0] = '\0';
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

TEST(hex_round_trip)
{
	uint8_t key[KW_KEY_LEN], back[KW_KEY_LEN];
	char hex[KW_KEY_HEX_LEN + 1];
	int i;

	for (i = 0; i < KW_KEY_LEN; i++)
		key[i] = (uint8_t)(0xf0 + i);
	kw_key_to_hex(key, hex);
	EXPECT_EQ((size_t)KW_KEY_HEX_LEN, strlen(hex));
	EXPECT_EQ(0, strncmp(hex, "f0f1f2", 6));
	ASSERT_EQ(0, kw_key_from_hex(hex, strlen(hex), back));
	EXPECT_EQ(0, memcmp(key, back, sizeof(key)));
	hex[0] = 'F';
	EXPECT_EQ(0, kw_key_from_hex(hex, strlen(hex), back));
	hex[0] = 'g';
	EXPECT_EQ(-EINVAL, kw_key_from_hex(hex, strlen(hex), back));
	EXPECT_EQ(-EINVAL, kw_key_from_hex(hex, KW_KEY_HEX_LEN - 1, back));
	EXPECT_EQ(-EINVAL, kw_key_from_hex("", 0, back));
}

TEST(create_then_read)
{
	uint8_t key[KW_KEY_LEN], back[KW_KEY_LEN], other[KW_KEY_LEN];
	char dir[64], path[128];
	struct stat st;
	mode_t mode = 0;

	tmpdir(dir, sizeof(dir));
	ASSERT_NE(0, dir[0]);
	snprintf(path, sizeof(path), "%s/unlock.key", dir);
	ASSERT_EQ(0, kw_key_create(path, key));
	ASSERT_EQ(0, stat(path, &st));
	EXPECT_EQ(0600, (int)(st.st_mode & 07777));
	EXPECT_EQ((off_t)KW_KEY_HEX_LEN + 1, st.st_size);
	ASSERT_EQ(0, kw_key_read(path, back, &mode));
	EXPECT_EQ(0, memcmp(key, back, sizeof(key)));
	EXPECT_EQ(0600, (int)(mode & 07777));
	/* never overwritten */
	EXPECT_EQ(-EEXIST, kw_key_create(path, other));
	ASSERT_EQ(0, kw_key_read(path, back, NULL));
	EXPECT_EQ(0, memcmp(key, back, sizeof(key)));
	/* two keys differ */
	unlink(path);
	ASSERT_EQ(0, kw_key_create(path, other));
	EXPECT_NE(0, memcmp(key, other, sizeof(key)));
	unlink(path);
	rmdir(dir);
}

TEST(malformed_files)
{
	static const char *const bad[] = {
		"", "\n", "0011", "zz",
		"00112233445566778899aabbccddeeff00112233445566778899aabbccddeef\n",
		"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff0\n",
		"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n\n",
		" 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
	};
	uint8_t key[KW_KEY_LEN];
	char dir[64], path[128];
	size_t i;

	tmpdir(dir, sizeof(dir));
	ASSERT_NE(0, dir[0]);
	snprintf(path, sizeof(path), "%s/k", dir);
	EXPECT_EQ(-ENOENT, kw_key_read(path, key, NULL));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		write_file(path, bad[i]);
		EXPECT_EQ(-EINVAL, kw_key_read(path, key, NULL)) TH_LOG("%zu", i);
	}
	write_file(path, "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
	EXPECT_EQ(0, kw_key_read(path, key, NULL));
	EXPECT_EQ(0x11, key[1]);
	unlink(path);
	EXPECT_EQ(-EINVAL, kw_key_read(dir, key, NULL));
	/* a symlink is not followed */
	ASSERT_EQ(0, symlink("/etc/hostname", path));
	EXPECT_EQ(-ELOOP, kw_key_read(path, key, NULL));
	unlink(path);
	rmdir(dir);
}

TEST(equal)
{
	uint8_t a[KW_KEY_LEN] = { 1 }, b[KW_KEY_LEN] = { 1 };

	EXPECT_TRUE(kw_key_equal(a, b));
	b[KW_KEY_LEN - 1] = 1;
	EXPECT_FALSE(kw_key_equal(a, b));
	b[KW_KEY_LEN - 1] = 0;
	b[0] = 0;
	EXPECT_FALSE(kw_key_equal(a, b));
}

TEST_HARNESS_MAIN
