// SPDX-License-Identifier: GPL-2.0
/*
 * kw_write_atomic(), as kwardend's metrics file uses it in a directory
 * others may write (node_exporter's textfile directory): a symlink planted
 * at the file or at a temporary name is never followed (its target stays
 * intact), the mode is the one asked for whatever the umask, no temporary
 * file is left, and a failed write leaves the old file whole.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "harness.h"
#include "fileio.h"

#define VICTIM_TEXT	"root's precious file\n"

FIXTURE(dir) {
	char dir[64];
	char path[128];		/* the file written */
	char victim[128];	/* what planted symlinks point at */
};

FIXTURE_SETUP(dir)
{
	int fd;

	snprintf(self->dir, sizeof(self->dir), "/tmp/kw-fileio-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->path, sizeof(self->path), "%s/kwarden.prom", self->dir);
	snprintf(self->victim, sizeof(self->victim), "%s/victim", self->dir);
	fd = open(self->victim, O_WRONLY | O_CREAT | O_EXCL, 0600);
	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)strlen(VICTIM_TEXT),
		  write(fd, VICTIM_TEXT, strlen(VICTIM_TEXT)));
	close(fd);
}

FIXTURE_TEARDOWN(dir)
{
	struct dirent *de;
	char name[400];
	DIR *d = opendir(self->dir);

	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.' &&
		    (!de->d_name[1] || !strcmp(de->d_name, "..")))
			continue;
		snprintf(name, sizeof(name), "%s/%s", self->dir, de->d_name);
		unlink(name);
	}
	if (d)
		closedir(d);
	rmdir(self->dir);
}

static void read_text(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW);
	ssize_t n = fd < 0 ? -1 : kw_read_full(fd, buf, len - 1);

	buf[n < 0 ? 0 : n] = '\0';
	if (fd >= 0)
		close(fd);
}

TEST_F(dir, symlink_at_the_file_is_replaced_not_followed)
{
	char buf[256];
	struct stat st;

	ASSERT_EQ(0, symlink(self->victim, self->path));
	ASSERT_EQ(0, kw_write_atomic(self->path, "m 1\n", 4, 0644));
	read_text(self->victim, buf, sizeof(buf));
	EXPECT_STREQ(VICTIM_TEXT, buf);
	ASSERT_EQ(0, lstat(self->path, &st));
	EXPECT_TRUE(S_ISREG(st.st_mode));
	read_text(self->path, buf, sizeof(buf));
	EXPECT_STREQ("m 1\n", buf);
}

/* The name kwardend's metrics writer used (open O_TRUNC, symlinks followed) */
TEST_F(dir, symlink_at_a_temporary_name_is_not_followed)
{
	char tmp[160], buf[256];

	snprintf(tmp, sizeof(tmp), "%s.tmp", self->path);
	ASSERT_EQ(0, symlink(self->victim, tmp));
	ASSERT_EQ(0, kw_write_atomic(self->path, "m 2\n", 4, 0644));
	read_text(self->victim, buf, sizeof(buf));
	EXPECT_STREQ(VICTIM_TEXT, buf);
	read_text(self->path, buf, sizeof(buf));
	EXPECT_STREQ("m 2\n", buf);
	/* victim, the planted link, the file: no temporary left */
	EXPECT_EQ(3, kw_count_entries(self->dir));
}

TEST_F(dir, mode_is_set_whatever_the_umask)
{
	mode_t old = umask(077);
	struct stat st;

	EXPECT_EQ(0, kw_write_atomic(self->path, "m 3\n", 4, 0644));
	umask(old);
	ASSERT_EQ(0, stat(self->path, &st));
	EXPECT_EQ(0644U, st.st_mode & 07777);
	EXPECT_EQ(2, kw_count_entries(self->dir));
}

TEST_F(dir, failure_leaves_the_old_file)
{
	char buf[256], sub[160];

	ASSERT_EQ(0, kw_write_atomic(self->path, "old\n", 4, 0644));
	/* a directory where the file should go: rename fails */
	snprintf(sub, sizeof(sub), "%s/d", self->dir);
	ASSERT_EQ(0, mkdir(sub, 0700));
	EXPECT_EQ(-EISDIR, kw_write_atomic(sub, "new\n", 4, 0644));
	rmdir(sub);
	read_text(self->path, buf, sizeof(buf));
	EXPECT_STREQ("old\n", buf);
	EXPECT_EQ(2, kw_count_entries(self->dir));
}

TEST_HARNESS_MAIN
