// SPDX-License-Identifier: GPL-2.0
/*
 * The blocklist store: names, add/get/list/remove, the modprobe.d mirror,
 * atomic writes (no temporary left, no entry half written), and damaged
 * entries, which must still block their module and say what is wrong.
 * Also the SHA-256 the forensic record uses, against FIPS 180-4 vectors.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>
#include <sys/stat.h>
#include "harness.h"
#include "blocklist.h"
#include "sha256.h"

FIXTURE(store) {
	char dir[64];
	char blocked[96];
	char conf[128];
};

FIXTURE_SETUP(store)
{
	snprintf(self->dir, sizeof(self->dir), "/tmp/kw_block_test.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->blocked, sizeof(self->blocked), "%s/state/blocked",
		 self->dir);
	snprintf(self->conf, sizeof(self->conf),
		 "%s/modprobe.d/kwarden-blocked.conf", self->dir);
}

FIXTURE_TEARDOWN(store)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->dir);
	if (system(cmd))
		TH_LOG("cleanup of %s failed", self->dir);
}

static void put(const char *dir, const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

TEST(names)
{
	char out[KW_NAME_LEN];

	EXPECT_EQ(0, kw_block_name("kw_rogue", out));
	EXPECT_STREQ("kw_rogue", out);
	EXPECT_EQ(0, kw_block_name("snd-hda-intel", out));
	EXPECT_STREQ("snd_hda_intel", out);
	EXPECT_EQ(-EINVAL, kw_block_name("", out));
	EXPECT_EQ(-EINVAL, kw_block_name(NULL, out));
	EXPECT_EQ(-EINVAL, kw_block_name("../etc/passwd", out));
	EXPECT_EQ(-EINVAL, kw_block_name(".kw_rogue.tmp", out));
	EXPECT_EQ(-EINVAL, kw_block_name("a b", out));
	EXPECT_EQ(-EINVAL, kw_block_name("x\n", out));
	EXPECT_EQ(-EINVAL, kw_block_name(
		"a123456789012345678901234567890123456789012345678901234567890",
		out));
	EXPECT_EQ(0, kw_block_state_ok("disabled"));
	EXPECT_EQ(0, kw_block_state_ok("quarantined"));
	EXPECT_EQ(-EINVAL, kw_block_state_ok("gone"));
}

TEST_F(store, add_get_list_remove)
{
	struct kw_block b, *list;
	size_t n;

	/* no directory yet: an empty list, not an error */
	ASSERT_EQ(0, kw_block_list(self->blocked, &list, &n));
	EXPECT_EQ((size_t)0, n);
	free(list);
	ASSERT_EQ(0, kw_block_add(self->blocked, "kw-rogue", "disabled",
				  "ftrace_hook on __x64_sys_getdents64\nsecond line"));
	ASSERT_EQ(0, kw_block_add(self->blocked, "a_mod", "quarantined", ""));
	EXPECT_EQ(-EINVAL, kw_block_add(self->blocked, "x/y", "disabled", ""));
	EXPECT_EQ(-EINVAL, kw_block_add(self->blocked, "x", "banned", ""));

	ASSERT_EQ(0, kw_block_get(self->blocked, "kw_rogue", &b));
	EXPECT_STREQ("kw_rogue", b.name);
	EXPECT_STREQ("disabled", b.state);
	EXPECT_STREQ("ftrace_hook on __x64_sys_getdents64?second line",
		     b.reason);
	EXPECT_STREQ("", b.error);
	EXPECT_NE((uint64_t)0, b.since_ns);
	EXPECT_EQ(-ENOENT, kw_block_get(self->blocked, "other", &b));

	ASSERT_EQ(0, kw_block_list(self->blocked, &list, &n));
	ASSERT_EQ((size_t)2, n);
	EXPECT_STREQ("a_mod", list[0].name);	/* sorted */
	EXPECT_STREQ("quarantined", list[0].state);
	EXPECT_STREQ("kw_rogue", list[1].name);
	free(list);

	/* replace: quarantined -> disabled */
	ASSERT_EQ(0, kw_block_add(self->blocked, "a_mod", "disabled", "again"));
	ASSERT_EQ(0, kw_block_get(self->blocked, "a_mod", &b));
	EXPECT_STREQ("disabled", b.state);
	EXPECT_STREQ("again", b.reason);
	/* nothing but the two entries: no temporary left behind */
	EXPECT_EQ(2, kw_count_entries(self->blocked));

	ASSERT_EQ(0, kw_block_remove(self->blocked, "kw-rogue"));
	EXPECT_EQ(-ENOENT, kw_block_remove(self->blocked, "kw_rogue"));
	EXPECT_EQ(-EINVAL, kw_block_remove(self->blocked, "../x"));
	ASSERT_EQ(0, kw_block_list(self->blocked, &list, &n));
	EXPECT_EQ((size_t)1, n);
	free(list);
}

TEST_F(store, modprobe_mirror)
{
	char buf[1024] = "";
	struct stat st;
	FILE *f;
	size_t len;

	ASSERT_EQ(0, kw_block_add(self->blocked, "kw_rogue", "disabled", "x"));
	ASSERT_EQ(0, kw_block_add(self->blocked, "evil", "quarantined", "y"));
	ASSERT_EQ(0, kw_block_mirror(self->blocked, self->conf));
	f = fopen(self->conf, "r");
	ASSERT_NE(NULL, f);
	len = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[len] = '\0';
	EXPECT_NE(NULL, strstr(buf, "\nblacklist evil\ninstall evil /bin/false\n"));
	EXPECT_NE(NULL, strstr(buf, "\nblacklist kw_rogue\ninstall kw_rogue /bin/false\n"));
	ASSERT_EQ(0, stat(self->conf, &st));
	EXPECT_EQ((mode_t)0644, st.st_mode & 07777);

	/* released: gone from the mirror too */
	ASSERT_EQ(0, kw_block_remove(self->blocked, "evil"));
	ASSERT_EQ(0, kw_block_mirror(self->blocked, self->conf));
	f = fopen(self->conf, "r");
	ASSERT_NE(NULL, f);
	len = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[len] = '\0';
	EXPECT_EQ(NULL, strstr(buf, "evil"));
	EXPECT_NE(NULL, strstr(buf, "blacklist kw_rogue\n"));
}

/* A damaged entry still blocks its module, and says why */
TEST_F(store, damaged_entries_fail_closed)
{
	struct kw_block *list, b;
	char big[KW_BLOCK_FILE_MAX + 100];
	size_t n, i;

	ASSERT_EQ(0, kw_block_add(self->blocked, "good", "quarantined", "ok"));
	put(self->blocked, "garbage", "this is not a blocklist entry\n");
	put(self->blocked, "badstate", "name=badstate\nstate=free\n");
	put(self->blocked, "othername", "name=evil\nstate=disabled\n");
	put(self->blocked, "empty", "");
	put(self->blocked, "badtime", "name=badtime\nstate=quarantined\nsince=yesterday\n");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	put(self->blocked, "huge", big);
	put(self->blocked, ".good.AbC123", "name=good\nstate=disabled\n");
	put(self->blocked, "not a name", "name=x\nstate=disabled\n");

	ASSERT_EQ(0, kw_block_list(self->blocked, &list, &n));
	ASSERT_EQ((size_t)7, n);	/* temporaries and non-names are skipped */
	for (i = 0; i < n; i++) {
		TH_LOG("%s: state %s, error '%s'", list[i].name,
		       list[i].state, list[i].error);
		if (!strcmp(list[i].name, "good")) {
			EXPECT_STREQ("", list[i].error);
			EXPECT_STREQ("quarantined", list[i].state);
			continue;
		}
		EXPECT_STRNE("", list[i].error);
		if (strcmp(list[i].name, "badtime"))
			EXPECT_STREQ("disabled", list[i].state);
	}
	free(list);
	ASSERT_EQ(0, kw_block_get(self->blocked, "othername", &b));
	EXPECT_NE(NULL, strstr(b.error, "not the file's name"));
	ASSERT_EQ(0, kw_block_get(self->blocked, "huge", &b));
	EXPECT_NE(NULL, strstr(b.error, "larger than"));
	ASSERT_EQ(0, kw_block_get(self->blocked, "badstate", &b));
	EXPECT_NE(NULL, strstr(b.error, "unknown state"));

	/* the mirror blocks the damaged ones as well */
	ASSERT_EQ(0, kw_block_mirror(self->blocked, self->conf));
	ASSERT_EQ(0, system("grep -q '^install garbage /bin/false$' /tmp/kw_block_test.*/modprobe.d/kwarden-blocked.conf"));
}

/* A directory where a file should be is reported, not followed */
TEST_F(store, entry_not_a_file)
{
	char path[256];
	struct kw_block b;

	ASSERT_EQ(0, kw_block_add(self->blocked, "a", "disabled", ""));
	snprintf(path, sizeof(path), "%s/weird", self->blocked);
	ASSERT_EQ(0, mkdir(path, 0700));
	ASSERT_EQ(0, kw_block_get(self->blocked, "weird", &b));
	EXPECT_STREQ("not a regular file", b.error);
	snprintf(path, sizeof(path), "%s/link", self->blocked);
	ASSERT_EQ(0, symlink("/etc/passwd", path));
	ASSERT_EQ(0, kw_block_get(self->blocked, "link", &b));
	EXPECT_NE(NULL, strstr(b.error, "cannot open"));
	EXPECT_STREQ("disabled", b.state);
}

static void hex_of(const char *msg, size_t len, char *hex)
{
	uint8_t h[KW_HASH_LEN];

	hex[0] = '\0';
	if (!kw_sha256(msg, len, h))
		kw_sha256_hex(h, hex);
}

/* FIPS 180-4 vectors: "", "abc", two blocks, and a million 'a' */
TEST(sha256_vectors)
{
	char hex[KW_SHA256_HEX_LEN + 1], *mil;
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	const char *mil_hex = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
	uint8_t h[KW_HASH_LEN];
	char path[] = "/tmp/kw_sha_test.XXXXXX";
	int fd;

	hex_of("", 0, hex);
	EXPECT_STREQ("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", hex);
	hex_of("abc", 3, hex);
	EXPECT_STREQ("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", hex);
	hex_of(two, strlen(two), hex);
	EXPECT_STREQ("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1", hex);
	mil = malloc(1000000);
	ASSERT_NE(NULL, mil);
	memset(mil, 'a', 1000000);
	hex_of(mil, 1000000, hex);
	EXPECT_STREQ(mil_hex, hex);

	/* the file is read in chunks: the streaming path */
	fd = mkstemp(path);
	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)1000000, write(fd, mil, 1000000));
	close(fd);
	ASSERT_EQ(0, kw_sha256_file(path, h));
	kw_sha256_hex(h, hex);
	EXPECT_STREQ(mil_hex, hex);
	unlink(path);
	EXPECT_EQ(-ENOENT, kw_sha256_file(path, h));
	free(mil);
}

TEST_HARNESS_MAIN
