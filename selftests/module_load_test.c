// SPDX-License-Identifier: GPL-2.0
/*
 * module_load alerts end to end, inside a test VM: load kw_dummy.ko by
 * finit_module, by init_module from a buffer, by busybox insmod of a
 * compressed file (finit_module fails, init_module follows) and by
 * modprobe, and find each load in `kwardenctl --json alerts` with the
 * right path, load path, task and taints. Last, stop kwardend, load a
 * module, start kwardend again: the pinned programs and ring buffer must
 * have kept the event, and the new programs must not double it.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include "unit/harness.h"
#include "kw_vmtest.h"

#define MODDIR		"/opt/kwarden/selftests/modules"
#define DUMMY_KO	MODDIR "/kw_dummy.ko"

static json_object *wait_module(const char *module, uint64_t after, int want,
				int *count)
{
	char filter[128];

	snprintf(filter, sizeof(filter), "--kind module_load --module %s",
		 module);
	return kw_wait_alerts(filter, after, want, count);
}

static int init_from_buffer(const char *path)
{
	struct stat st;
	char *buf;
	int fd, ret = -EIO;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	buf = fstat(fd, &st) ? NULL : malloc(st.st_size);
	if (buf && read(fd, buf, st.st_size) == st.st_size)
		ret = syscall(SYS_init_module, buf, st.st_size, "") ? -errno : 0;
	free(buf);
	close(fd);
	return ret;
}

static void my_comm(char *buf, size_t len)
{
	FILE *f = fopen("/proc/self/comm", "r");

	buf[0] = '\0';
	if (f && fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = '\0';
	if (f)
		fclose(f);
}

FIXTURE(module_load) {
	uint64_t seq0;
};

FIXTURE_SETUP(module_load)
{
	if (system("kwardenctl status >/dev/null 2>&1"))
		SKIP(return, "kwardend is not running");
	if (access(DUMMY_KO, R_OK))
		SKIP(return, DUMMY_KO " is not staged");
	kw_unload("kw_dummy");
	self->seq0 = kw_journal_seq();
	TH_LOG("journal seq before the test: %llu",
	       (unsigned long long)self->seq0);
}

FIXTURE_TEARDOWN(module_load)
{
	kw_unload("kw_dummy");
}

/* The fields every module_load of this test carries */
static void check_common(struct __test_metadata *_metadata, json_object *rec,
			 const char *module)
{
	json_object *d = kw_get(rec, "detail");

	ASSERT_NE(NULL, rec);
	EXPECT_STREQ("module_load", kw_rec_str(rec, "kind"));
	EXPECT_STREQ("info", kw_rec_str(rec, "severity"));
	EXPECT_STREQ("logged", kw_rec_str(rec, "action"));
	EXPECT_STREQ("bpf", kw_rec_str(rec, "source"));
	EXPECT_STREQ(module, kw_rec_str(rec, "module"));
	EXPECT_STREQ(module, kw_rec_str(d, "name"));
	EXPECT_EQ(0, json_object_get_int(kw_get(d, "uid")));
	EXPECT_EQ(1002, json_object_get_int(kw_get(kw_get(rec, "ocsf"), "class_uid")));
}

TEST_F(module_load, finit_module)
{
	json_object *rec, *d;
	char comm[32];
	int n;

	ASSERT_EQ(0, kw_finit(DUMMY_KO, ""));
	rec = wait_module("kw_dummy", self->seq0, 1, &n);
	check_common(_metadata, rec, "kw_dummy");
	EXPECT_EQ(1, n);
	d = kw_get(rec, "detail");
	EXPECT_STREQ("finit_module", kw_rec_str(d, "via"));
	EXPECT_STREQ(DUMMY_KO, kw_rec_str(d, "path"));
	EXPECT_EQ(getpid(), json_object_get_int(kw_get(d, "pid")));
	my_comm(comm, sizeof(comm));
	EXPECT_STREQ(comm, kw_rec_str(d, "comm"));
	/* out of tree and unsigned */
	EXPECT_NE(NULL, strchr(kw_rec_str(d, "taint_flags"), 'O'));
	EXPECT_FALSE(json_object_get_boolean(kw_get(d, "sig_ok")));
	json_object_put(rec);
}

TEST_F(module_load, init_module_from_buffer)
{
	json_object *rec, *d;
	int n;

	ASSERT_EQ(0, init_from_buffer(DUMMY_KO));
	rec = wait_module("kw_dummy", self->seq0, 1, &n);
	check_common(_metadata, rec, "kw_dummy");
	EXPECT_EQ(1, n);
	d = kw_get(rec, "detail");
	EXPECT_STREQ("init_module", kw_rec_str(d, "via"));
	EXPECT_TRUE(json_object_is_type(kw_get(d, "path"), json_type_null));
	EXPECT_EQ(getpid(), json_object_get_int(kw_get(d, "pid")));
	json_object_put(rec);
}

/*
 * busybox insmod tries finit_module first; the kernel refuses a compressed
 * file there, and insmod falls back to init_module with the unpacked image.
 * A .ko.xz staged next to the .ko is used if present, else gzip makes one.
 */
TEST_F(module_load, busybox_insmod_compressed)
{
	const char *cmd = access(DUMMY_KO ".xz", R_OK) ?
		"gzip -c " DUMMY_KO " > /tmp/kw_dummy.ko.gz && insmod /tmp/kw_dummy.ko.gz" :
		"insmod " DUMMY_KO ".xz";
	json_object *rec, *d;
	int n;

	TH_LOG("%s", cmd);
	ASSERT_EQ(0, system(cmd));
	rec = wait_module("kw_dummy", self->seq0, 1, &n);
	check_common(_metadata, rec, "kw_dummy");
	EXPECT_EQ(1, n);
	d = kw_get(rec, "detail");
	EXPECT_STREQ("init_module", kw_rec_str(d, "via"));
	EXPECT_STREQ("insmod", kw_rec_str(d, "comm"));
	json_object_put(rec);
	unlink("/tmp/kw_dummy.ko.gz");
}

TEST_F(module_load, modprobe)
{
	json_object *rec, *d;
	int n;

	kw_unload("dummy");
	if (system("modprobe dummy 2>/dev/null"))
		SKIP(return, "no dummy.ko to modprobe in this guest");
	rec = wait_module("dummy", self->seq0, 1, &n);
	check_common(_metadata, rec, "dummy");
	d = kw_get(rec, "detail");
	EXPECT_STREQ("modprobe", kw_rec_str(d, "comm"));
	EXPECT_NE(NULL, strstr(kw_rec_str(d, "path") ?: "", "/dummy.ko"));
	json_object_put(rec);
	kw_unload("dummy");
}

/* Enforcement outlives the daemon, and nothing raised meanwhile is lost */
TEST_F_TIMEOUT(module_load, event_survives_daemon_restart, 180)
{
	json_object *rec;
	int n;

	ASSERT_EQ(0, access("/sys/fs/bpf/kwarden/kw_module_load", F_OK));
	ASSERT_EQ(0, kw_stop_kwardend());
	ASSERT_EQ(0, kw_finit(DUMMY_KO, ""));
	kw_unload("kw_dummy");
	ASSERT_EQ(0, kw_start_kwardend());
	rec = wait_module("kw_dummy", self->seq0, 1, &n);
	check_common(_metadata, rec, "kw_dummy");
	EXPECT_EQ(1, n);
	json_object_put(rec);
	/* the new programs replaced the pinned ones: one load, one alert */
	ASSERT_EQ(0, kw_finit(DUMMY_KO, ""));
	rec = wait_module("kw_dummy", self->seq0, 2, &n);
	EXPECT_EQ(2, n);
	json_object_put(rec);
}

/*
 * With kwardend stopped, more loads than the 256 KiB ring buffer holds:
 * the ones that fit are delivered on restart, the rest are counted and
 * reported as one events_lost; a further restart does not report them
 * again.
 */
TEST_F_TIMEOUT(module_load, drops_reported_once, 300)
{
	const int loads = 760;	/* the ring buffer holds 555 records */
	json_object *rec, *d;
	int i, n, lost;

	ASSERT_EQ(0, kw_stop_kwardend());
	for (i = 0; i < loads; i++) {
		ASSERT_EQ(0, kw_finit(DUMMY_KO, ""));
		kw_unload("kw_dummy");
	}
	ASSERT_EQ(0, kw_start_kwardend());
	rec = kw_wait_alerts("--kind events_lost", self->seq0, 1, &n);
	ASSERT_NE(NULL, rec);
	EXPECT_EQ(1, n);
	d = kw_get(rec, "detail");
	EXPECT_STREQ("bpf_ringbuf", kw_rec_str(d, "channel"));
	lost = (int)kw_rec_u64(d, "lost");
	EXPECT_LT(0, lost);
	json_object_put(rec);
	rec = wait_module("kw_dummy", self->seq0, loads - lost, &n);
	EXPECT_EQ(loads - lost, n);
	json_object_put(rec);
	ASSERT_EQ(0, kw_stop_kwardend());
	ASSERT_EQ(0, kw_start_kwardend());
	rec = kw_wait_alerts("--kind events_lost", self->seq0, 2, &n);
	EXPECT_EQ(1, n);
	json_object_put(rec);
}

TEST_HARNESS_MAIN
