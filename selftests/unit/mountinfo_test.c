// SPDX-License-Identifier: GPL-2.0
/*
 * The mount chain of /proc/self/mountinfo: from the pins' bpffs up to the
 * root, the topmost of stacked mounts, escaped mount points, junk lines.
 */
#include <errno.h>
#include <string.h>
#include "harness.h"
#include "mountinfo.h"

static const char sample[] =
	"22 1 0:21 / / rw,relatime - rootfs none rw\n"
	"23 22 0:22 / /proc rw,nosuid,nodev,noexec,relatime - proc none rw\n"
	"24 22 0:23 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs none rw\n"
	"this is not a mountinfo line\n"
	"31 24 0:30 / /sys/fs/bpf rw,relatime - bpf none rw,mode=700\n"
	"32 24 0:31 / /sys/kernel/tracing rw,relatime - tracefs none rw\n"
	"40 22 0:40 / /mnt/with\\040space rw master:3 - tmpfs none rw\n"
	"41 31 0:41 / /sys/fs/bpf rw - tmpfs over rw\n";

static int chain(const char *text, const char *point, const char *fstype,
		 uint32_t *ids, int max)
{
	struct kw_mount m[8];
	int n, i;

	n = kw_mount_chain(text, strlen(text), point, fstype, m,
			   max < 8 ? max : 8);
	for (i = 0; i < n; i++)
		ids[i] = m[i].id;
	return n;
}

TEST(bpffs_up_to_root)
{
	uint32_t ids[8];

	ASSERT_EQ(3, chain(sample, "/sys/fs/bpf", "bpf", ids, 8));
	EXPECT_EQ(31U, ids[0]);
	EXPECT_EQ(24U, ids[1]);
	EXPECT_EQ(22U, ids[2]);
}

TEST(topmost_of_any_type)
{
	uint32_t ids[8];

	/* without a type, the last mount listed there is the visible one */
	ASSERT_EQ(4, chain(sample, "/sys/fs/bpf", NULL, ids, 8));
	EXPECT_EQ(41U, ids[0]);
	EXPECT_EQ(31U, ids[1]);
}

TEST(escapes_and_bounds)
{
	uint32_t ids[8];

	ASSERT_EQ(2, chain(sample, "/mnt/with space", "tmpfs", ids, 8));
	EXPECT_EQ(40U, ids[0]);
	EXPECT_EQ(1, chain(sample, "/sys/fs/bpf", "bpf", ids, 1));
	EXPECT_EQ(-ENOENT, chain(sample, "/sys/fs/bpf", "ext4", ids, 8));
	EXPECT_EQ(-ENOENT, chain(sample, "/nowhere", NULL, ids, 8));
	EXPECT_EQ(-ENOENT, chain("", "/", NULL, ids, 8));
	EXPECT_EQ(-ENOENT, chain("1 2 3\n\n- - -\n", "/", NULL, ids, 8));
}

/* A parent loop ends the walk instead of spinning */
TEST(mount_points)
{
	struct kw_mount m[4];

	ASSERT_EQ(3, kw_mount_chain(sample, strlen(sample), "/sys/fs/bpf", "bpf",
				    m, 4));
	EXPECT_STREQ("/sys/fs/bpf", m[0].point);
	EXPECT_STREQ("/sys", m[1].point);
	EXPECT_STREQ("/", m[2].point);
}

TEST(parent_loop)
{
	static const char loop[] =
		"5 6 0:1 / /a rw - ext4 x rw\n"
		"6 5 0:2 / /b rw - ext4 y rw\n";
	uint32_t ids[8];

	ASSERT_EQ(2, chain(loop, "/a", "ext4", ids, 8));
	EXPECT_EQ(5U, ids[0]);
	EXPECT_EQ(6U, ids[1]);
}

TEST_HARNESS_MAIN
