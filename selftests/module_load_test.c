// SPDX-License-Identifier: GPL-2.0
/*
 * module_load alerts end to end, inside a test VM: load kw_dummy.ko by
 * finit_module, by init_module from a buffer, by busybox insmod of a
 * compressed file (finit_module fails, init_module follows) and by
 * modprobe, and find each load in `kwardenctl --json alerts` with the
 * right path, load path, task and taints. Last, stop kwardend, load a
 * module, start kwardend again: the pinned programs and ring buffer must
 * have kept the event, and the new programs must not double it.
 *
 * With kwarden.ko loaded its gate reports every load (source "kmod", with
 * the sha256 and the verdict) and kwardend journals no second, BPF,
 * record of it. The "policy" tests apply module-load policies through
 * kwardenctl and attack them by every load path: finit_module, init_module
 * from a buffer, busybox insmod of a .ko.xz, and finit_module of the .xz
 * with MODULE_INIT_COMPRESSED_FILE (the kernel decompresses); each denial
 * must reach the loader as EPERM and be reported with its hashes.
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
#include <sys/wait.h>
#include "unit/harness.h"
#include "kw_vmtest.h"

#define MODDIR		"/opt/kwarden/selftests/modules"
#define DUMMY_KO	MODDIR "/kw_dummy.ko"
#define DUMMY_XZ	DUMMY_KO ".xz"

#ifndef MODULE_INIT_COMPRESSED_FILE
#define MODULE_INIT_COMPRESSED_FILE	4
#endif

/* kwarden.ko's gate reports loads; else the BPF programs do */
static bool kmod_gate(void)
{
	return !access("/sys/module/kwarden", F_OK);
}

static const char *load_source(void)
{
	return kmod_gate() ? "kmod" : "bpf";
}

static json_object *wait_module(const char *module, uint64_t after, int want,
				int *count)
{
	char filter[128];

	snprintf(filter, sizeof(filter), "--kind module_load --module %s",
		 module);
	return kw_wait_alerts(filter, after, want, count);
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
	EXPECT_STREQ(load_source(), kw_rec_str(rec, "source"));
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

	ASSERT_EQ(0, kw_init_buffer(DUMMY_KO));
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
/* events_lost records of one channel after seq: how many, lost in all */
static int lost_on(const char *channel, uint64_t after, int *records)
{
	json_object *rec;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int lost = 0;
	FILE *p = popen("kwardenctl --json alerts --kind events_lost", "r");

	*records = 0;
	while (p && (n = getline(&line, &cap, p)) > 0) {
		rec = kw_parse_line(line, (size_t)n - (line[n - 1] == '\n'));
		if (rec && kw_rec_u64(rec, "seq") > after &&
		    !strcmp(kw_rec_str(kw_get(rec, "detail"), "channel") ?: "",
			    channel)) {
			(*records)++;
			lost += (int)kw_rec_u64(kw_get(rec, "detail"), "lost");
		}
		json_object_put(rec);
	}
	free(line);
	if (p)
		pclose(p);
	return lost;
}

static int wait_lost(const char *channel, uint64_t after, int *records)
{
	int ms, lost = 0;

	for (ms = 0; ms < KW_WAIT_MS; ms += 200) {
		lost = lost_on(channel, after, records);
		if (*records)
			break;
		usleep(200 * 1000);
	}
	return lost;
}

/*
 * With kwardend stopped, more loads than the channel keeps: kwarden.ko's
 * backlog (128 alerts) when its gate reports loads, else the 256 KiB ring
 * buffer (555 records). The ones kept are delivered on restart, the rest
 * are counted and reported as one events_lost of that channel; a further
 * restart does not report them again.
 */
TEST_F_TIMEOUT(module_load, drops_reported_once, 300)
{
	const char *channel = kmod_gate() ? "kmod_backlog" : "bpf_ringbuf";
	/* enough to overrun the channel, no more: TCG loads are slow */
	const int loads = kmod_gate() ? 200 : 760;
	json_object *rec;
	int i, n, lost;

	ASSERT_EQ(0, kw_stop_kwardend());
	for (i = 0; i < loads; i++) {
		ASSERT_EQ(0, kw_finit(DUMMY_KO, ""));
		kw_unload("kw_dummy");
	}
	ASSERT_EQ(0, kw_start_kwardend());
	lost = wait_lost(channel, self->seq0, &n);
	TH_LOG("%s: %d of %d loads lost", channel, lost, loads);
	EXPECT_EQ(1, n);
	EXPECT_LT(0, lost);
	rec = wait_module("kw_dummy", self->seq0, loads - lost, &n);
	EXPECT_EQ(loads - lost, n);
	json_object_put(rec);
	ASSERT_EQ(0, kw_stop_kwardend());
	ASSERT_EQ(0, kw_start_kwardend());
	usleep(500 * 1000);
	lost_on(channel, self->seq0, &n);
	EXPECT_EQ(1, n);
}

/* ---- the module-load policy ---- */

#define POL_FILE	"/tmp/kw-policy-test"

/* sha256sum of the output of cmd, as 64 hex digits */
static int sha256_of(const char *cmd, char *hex)
{
	char line[256] = "", full[320];
	FILE *p;

	snprintf(full, sizeof(full), "%s | sha256sum", cmd);
	p = popen(full, "r");
	if (!p)
		return -1;
	if (!fgets(line, sizeof(line), p))
		line[0] = '\0';
	pclose(p);
	if (strlen(line) < 64)
		return -1;
	memcpy(hex, line, 64);
	hex[64] = '\0';
	return 0;
}

static bool loaded(const char *name)
{
	char path[96];

	snprintf(path, sizeof(path), "/sys/module/%s", name);
	return !access(path, F_OK);
}

static int finit_flags(const char *path, int flags)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, "", flags) ? -errno : 0;
	close(fd);
	return ret;
}

/* kwardenctl's exit status for "policy CMD FILE" */
static int ctl_policy(const char *cmd, const char *file)
{
	char line[256];
	int st;

	snprintf(line, sizeof(line), "kwardenctl policy %s %s >/dev/null", cmd,
		 file);
	st = system(line);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/*
 * POL_FILE: MODE, default deny, then extra (rules, may be ""), then an
 * allow rule for every module loaded now (by name; by hash too if hash)
 */
static int write_policy(const char *mode, const char *extra, bool hash)
{
	char line[1024];
	FILE *in, *out;
	int ret = 0;

	snprintf(line, sizeof(line), "kwardenctl policy learn %s -o %s.learned",
		 hash ? "--hash" : "", POL_FILE);
	if (system(line))
		return -1;
	in = fopen(POL_FILE ".learned", "r");
	out = fopen(POL_FILE, "w");
	if (!in || !out)
		ret = -1;
	if (!ret) {
		fprintf(out, "mode %s\ndefault deny\n%s", mode, extra);
		while (fgets(line, sizeof(line), in))
			if (!strncmp(line, "allow ", 6))
				fputs(line, out);
	}
	if (in)
		fclose(in);
	if (out && fclose(out))
		ret = -1;
	return ret;
}

static json_object *wait_kind(const char *kind, uint64_t after, int want,
			      int *count)
{
	char filter[128];

	snprintf(filter, sizeof(filter), "--kind %s --module kw_dummy", kind);
	return kw_wait_alerts(filter, after, want, count);
}

FIXTURE(policy) {
	uint64_t seq0;
	char sha[65];		/* of kw_dummy.ko, the image */
	char sha_xz[65];	/* of kw_dummy.ko.xz, the file */
};

FIXTURE_SETUP(policy)
{
	if (system("kwardenctl status >/dev/null 2>&1"))
		SKIP(return, "kwardend is not running");
	if (!kmod_gate())
		SKIP(return, "kwarden.ko is not loaded: no module gate");
	if (access(DUMMY_KO, R_OK) || access(DUMMY_XZ, R_OK))
		SKIP(return, DUMMY_KO "(.xz) is not staged");
	kw_unload("kw_dummy");
	ASSERT_EQ(0, sha256_of("cat " DUMMY_KO, self->sha));
	ASSERT_EQ(0, sha256_of("cat " DUMMY_XZ, self->sha_xz));
	self->seq0 = kw_journal_seq();
}

FIXTURE_TEARDOWN(policy)
{
	/* the other tests of this VM load modules freely */
	system("echo 'mode off' > " POL_FILE ".off");
	EXPECT_EQ(0, ctl_policy("apply", POL_FILE ".off"));
	kw_unload("kw_dummy");
}

/* What every gate record of kw_dummy says */
static void check_gate(struct __test_metadata *_metadata, json_object *rec,
		       const char *kind, const char *verdict, const char *via,
		       const char *sha)
{
	json_object *d = kw_get(rec, "detail");

	ASSERT_NE(NULL, rec);
	EXPECT_STREQ(kind, kw_rec_str(rec, "kind"));
	EXPECT_STREQ("kmod", kw_rec_str(rec, "source"));
	EXPECT_STREQ("kw_dummy", kw_rec_str(rec, "module"));
	EXPECT_STREQ(strcmp(kind, "module_load") ? "denied" : "logged",
		     kw_rec_str(rec, "action"));
	EXPECT_STREQ(verdict, kw_rec_str(d, "verdict"));
	EXPECT_STREQ(via, kw_rec_str(d, "via"));
	EXPECT_STREQ(sha, kw_rec_str(d, "sha256"));
	EXPECT_EQ(0, json_object_get_int(kw_get(d, "uid")));
	EXPECT_NE(NULL, strchr(kw_rec_str(d, "taint_flags") ?: "", 'O'));
	EXPECT_FALSE(json_object_get_boolean(kw_get(d, "sig_ok")));
}

TEST_F(policy, enforce_denies_finit_module)
{
	json_object *rec, *d;
	int n;

	ASSERT_EQ(0, write_policy("enforce", "", false));
	ASSERT_EQ(0, ctl_policy("apply --now", POL_FILE));
	EXPECT_EQ(-EPERM, kw_finit(DUMMY_KO, ""));
	EXPECT_FALSE(loaded("kw_dummy"));
	rec = wait_kind("module_load_denied", self->seq0, 1, &n);
	check_gate(_metadata, rec, "module_load_denied", "denied",
		   "finit_module", self->sha);
	EXPECT_EQ(1, n);
	d = kw_get(rec, "detail");
	EXPECT_STREQ(DUMMY_KO, kw_rec_str(d, "path"));
	EXPECT_STREQ(self->sha, kw_rec_str(d, "file_sha256"));
	EXPECT_STREQ("default deny", kw_rec_str(d, "rule"));
	EXPECT_EQ(getpid(), json_object_get_int(kw_get(d, "pid")));
	json_object_put(rec);
	/* and no module_load of it at all */
	rec = kw_run_json("kwardenctl --json alerts --kind module_load --module kw_dummy",
			  (long long)self->seq0, &n);
	EXPECT_EQ(0, n);
	json_object_put(rec);
}

TEST_F(policy, enforce_denies_init_module)
{
	json_object *rec, *d;
	int n;

	ASSERT_EQ(0, write_policy("enforce", "", false));
	ASSERT_EQ(0, ctl_policy("apply --now", POL_FILE));
	EXPECT_EQ(-EPERM, kw_init_buffer(DUMMY_KO));
	EXPECT_FALSE(loaded("kw_dummy"));
	rec = wait_kind("module_load_denied", self->seq0, 1, &n);
	check_gate(_metadata, rec, "module_load_denied", "denied",
		   "init_module", self->sha);
	d = kw_get(rec, "detail");
	EXPECT_TRUE(json_object_is_type(kw_get(d, "path"), json_type_null));
	EXPECT_EQ(NULL, kw_get(d, "file_sha256"));
	json_object_put(rec);
}

/*
 * Compressed: the kernel decompresses for finit_module with
 * MODULE_INIT_COMPRESSED_FILE (file hash of the .xz, image hash of the
 * .ko), and busybox insmod of a .ko.xz falls back to init_module.
 */
TEST_F(policy, enforce_denies_compressed)
{
	json_object *rec, *d;
	int n, ret, want;

	ASSERT_EQ(0, write_policy("enforce", "", false));
	ASSERT_EQ(0, ctl_policy("apply --now", POL_FILE));
	ret = finit_flags(DUMMY_XZ, MODULE_INIT_COMPRESSED_FILE);
	/* a kernel without CONFIG_MODULE_DECOMPRESS (Debian's 6.1) refuses it */
	if (ret == -EOPNOTSUPP)
		TH_LOG("this kernel does not decompress modules: init_module only");
	else
		EXPECT_EQ(-EPERM, ret);
	if (ret == -EPERM) {
		rec = wait_kind("module_load_denied", self->seq0, 1, &n);
		check_gate(_metadata, rec, "module_load_denied", "denied",
			   "finit_module", self->sha);
		d = kw_get(rec, "detail");
		EXPECT_STREQ(DUMMY_XZ, kw_rec_str(d, "path"));
		EXPECT_STREQ(self->sha_xz, kw_rec_str(d, "file_sha256"));
		json_object_put(rec);
	}
	EXPECT_NE(0, system("insmod " DUMMY_XZ " 2>/dev/null"));
	EXPECT_FALSE(loaded("kw_dummy"));
	want = ret == -EOPNOTSUPP ? 1 : 2;
	rec = wait_kind("module_load_denied", self->seq0, want, &n);
	check_gate(_metadata, rec, "module_load_denied", "denied",
		   "init_module", self->sha);
	EXPECT_STREQ("insmod", kw_rec_str(kw_get(rec, "detail"), "comm"));
	EXPECT_EQ(want, n);
	json_object_put(rec);
}

TEST_F(policy, audit_reports_would_deny)
{
	json_object *rec, *st;
	uint64_t before;
	int n;

	st = kw_status();
	before = kw_rec_u64(kw_get(st, "kmod"), "module_loads_would_deny");
	json_object_put(st);
	ASSERT_EQ(0, write_policy("audit", "", false));
	ASSERT_EQ(0, ctl_policy("apply --now", POL_FILE));
	ASSERT_EQ(0, kw_finit(DUMMY_KO, ""));
	EXPECT_TRUE(loaded("kw_dummy"));
	rec = wait_kind("module_load", self->seq0, 1, &n);
	check_gate(_metadata, rec, "module_load", "would_deny",
		   "finit_module", self->sha);
	EXPECT_EQ(1, n);	/* one record: the BPF one is merged */
	EXPECT_STREQ("default deny", kw_rec_str(kw_get(rec, "detail"), "rule"));
	json_object_put(rec);
	st = kw_status();
	EXPECT_EQ(before + 1,
		  kw_rec_u64(kw_get(st, "kmod"), "module_loads_would_deny"));
	json_object_put(st);
}

TEST_F(policy, allowlisted_hash_loads_other_hash_does_not)
{
	char extra[256];
	json_object *rec;
	int n;

	snprintf(extra, sizeof(extra),
		 "allow name=kw-dummy sha256=%s reason=\"test allow\"\n",
		 self->sha);
	ASSERT_EQ(0, write_policy("enforce", extra, false));
	ASSERT_EQ(0, ctl_policy("apply --now", POL_FILE));
	ASSERT_EQ(0, kw_finit(DUMMY_KO, ""));
	rec = wait_kind("module_load", self->seq0, 1, &n);
	check_gate(_metadata, rec, "module_load", "allowed", "finit_module",
		   self->sha);
	EXPECT_STREQ("rule 1 (line 3): test allow",
		     kw_rec_str(kw_get(rec, "detail"), "rule"));
	json_object_put(rec);
	kw_unload("kw_dummy");

	/* the same name with another image is not the allowed module */
	snprintf(extra, sizeof(extra), "allow name=kw_dummy sha256=%064d\n", 0);
	ASSERT_EQ(0, write_policy("enforce", extra, false));
	ASSERT_EQ(0, ctl_policy("apply --now", POL_FILE));
	EXPECT_EQ(-EPERM, kw_finit(DUMMY_KO, ""));
}

/* learn, enforce, unload a module that was loaded, load it again */
TEST_F(policy, learned_policy_lets_the_same_modules_load)
{
	json_object *rec;
	int n;

	ASSERT_EQ(0, kw_finit(DUMMY_KO, ""));	/* policy off */
	ASSERT_EQ(0, system("kwardenctl policy learn --hash -o " POL_FILE ".learned"));
	ASSERT_EQ(0, system("grep -q '^allow name=kw_dummy sha256=' " POL_FILE ".learned"));
	ASSERT_EQ(0, system("sed 's/^mode audit/mode enforce/' " POL_FILE ".learned > " POL_FILE));
	ASSERT_EQ(0, ctl_policy("check", POL_FILE));
	ASSERT_EQ(0, ctl_policy("apply --now", POL_FILE));
	kw_unload("kw_dummy");
	ASSERT_FALSE(loaded("kw_dummy"));
	ASSERT_EQ(0, kw_finit(DUMMY_KO, ""));
	kw_unload("kw_dummy");
	ASSERT_EQ(0, kw_init_buffer(DUMMY_KO));
	rec = wait_kind("module_load", self->seq0, 3, &n);
	check_gate(_metadata, rec, "module_load", "allowed", "init_module",
		   self->sha);
	EXPECT_EQ(3, n);
	json_object_put(rec);
	/* what was not loaded at learn time stays out */
	if (!loaded("kw_rawread")) {
		EXPECT_EQ(-EPERM, kw_finit(MODDIR "/kw_rawread.ko", ""));
		EXPECT_FALSE(loaded("kw_rawread"));
	}
}

/* Stopping kwardend does not stop enforcement; its restart re-pushes */
TEST_F_TIMEOUT(policy, enforcement_outlives_the_daemon, 180)
{
	json_object *st;

	ASSERT_EQ(0, write_policy("enforce", "", false));
	ASSERT_EQ(0, ctl_policy("apply --now", POL_FILE));
	ASSERT_EQ(0, kw_stop_kwardend());
	EXPECT_EQ(-EPERM, kw_finit(DUMMY_KO, ""));
	EXPECT_EQ(-EPERM, kw_init_buffer(DUMMY_KO));
	EXPECT_FALSE(loaded("kw_dummy"));
	ASSERT_EQ(0, kw_start_kwardend());
	EXPECT_EQ(-EPERM, kw_finit(DUMMY_KO, ""));
	st = kw_status();
	EXPECT_STREQ("enforce", kw_rec_str(kw_get(st, "kmod"), "policy_mode"));
	json_object_put(st);
}

/*
 * check takes the loaded modules' facts from kwardend, which has them from
 * kwarden.ko: kw_dummy's image hash is known, so a rule on it matches
 */
TEST_F(policy, check_sees_kwarden_facts)
{
	json_object *rep, *den;
	char cmd[256];
	int n;

	ASSERT_EQ(0, kw_finit(DUMMY_KO, ""));
	ASSERT_EQ(0, system("printf 'mode enforce\\ndefault allow\\n' > " POL_FILE));
	rep = kw_run_json("kwardenctl --json policy check " POL_FILE, -1, &n);
	ASSERT_NE(NULL, rep);
	EXPECT_STREQ("kwarden.ko", kw_rec_str(rep, "facts"));
	EXPECT_LE(2ULL, (unsigned long long)kw_rec_u64(rep, "loaded"));	/* kwarden, kw_dummy */
	EXPECT_EQ(0UL, json_object_array_length(kw_get(rep, "would_deny")));
	json_object_put(rep);
	snprintf(cmd, sizeof(cmd), "printf 'mode enforce\\ndefault allow\\ndeny sha256=%s\\n' > %s",
		 self->sha, POL_FILE);
	ASSERT_EQ(0, system(cmd));
	EXPECT_EQ(2, ctl_policy("check", POL_FILE));
	rep = kw_run_json("kwardenctl --json policy check " POL_FILE " 2>/dev/null",
			  -1, &n);
	ASSERT_NE(NULL, rep);
	den = kw_get(rep, "would_deny");
	ASSERT_EQ(1UL, json_object_array_length(den));
	den = json_object_array_get_idx(den, 0);
	EXPECT_STREQ("kw_dummy", kw_rec_str(den, "name"));
	EXPECT_TRUE(json_object_get_boolean(kw_get(den, "hash_known")));
	json_object_put(rep);
}

/*
 * Globs: kwarden.ko and "kwardenctl policy check" match with one header,
 * glob_match()'s semantics.  A class and a '*' that crosses '/' let
 * kw_dummy in, by both; a POSIX class (fnmatch's, not glob_match's) does
 * not, by both.
 */
TEST_F(policy, globs_match_alike_in_kernel_and_check)
{
	json_object *rec;
	int n;

	ASSERT_EQ(0, write_policy("enforce",
		"allow name=kw_d?mm[!0-9] path=/opt/*/kw_dummy.k[a-o] reason=\"glob\"\n",
		false));
	ASSERT_EQ(0, kw_finit(DUMMY_KO, ""));	/* policy off */
	EXPECT_EQ(0, ctl_policy("check", POL_FILE));
	kw_unload("kw_dummy");
	ASSERT_EQ(0, ctl_policy("apply --now", POL_FILE));
	ASSERT_EQ(0, kw_finit(DUMMY_KO, ""));
	rec = wait_kind("module_load", self->seq0, 2, &n);
	check_gate(_metadata, rec, "module_load", "allowed", "finit_module",
		   self->sha);
	EXPECT_STREQ("rule 1 (line 3): glob",
		     kw_rec_str(kw_get(rec, "detail"), "rule"));
	json_object_put(rec);
	kw_unload("kw_dummy");

	system("echo 'mode off' > " POL_FILE ".off");
	ASSERT_EQ(0, ctl_policy("apply --now", POL_FILE ".off"));
	ASSERT_EQ(0, write_policy("enforce", "allow name=kw_dumm[[:alpha:]]\n",
				  false));
	ASSERT_EQ(0, kw_finit(DUMMY_KO, ""));
	EXPECT_EQ(2, ctl_policy("check", POL_FILE));	/* would deny it */
	kw_unload("kw_dummy");
	ASSERT_EQ(0, ctl_policy("apply --now", POL_FILE));
	EXPECT_EQ(-EPERM, kw_finit(DUMMY_KO, ""));
	EXPECT_FALSE(loaded("kw_dummy"));
}

/* apply refuses what would deny a loaded module, and bad files */
TEST_F(policy, apply_refuses)
{
	json_object *st;

	ASSERT_EQ(0, kw_finit(DUMMY_KO, ""));
	ASSERT_EQ(0, system("printf 'mode enforce\\ndefault deny\\nallow name=kwarden\\n' > " POL_FILE));
	EXPECT_EQ(2, ctl_policy("check", POL_FILE));
	EXPECT_EQ(2, ctl_policy("apply", POL_FILE));
	ASSERT_EQ(0, system("printf 'mode enforce\\nallow name=x colour=red\\n' > " POL_FILE));
	EXPECT_EQ(65, ctl_policy("apply", POL_FILE));
	EXPECT_EQ(64, ctl_policy("apply", ""));
	st = kw_status();
	EXPECT_STREQ("off", kw_rec_str(kw_get(st, "kmod"), "policy_mode"));
	json_object_put(st);
}

TEST_HARNESS_MAIN
