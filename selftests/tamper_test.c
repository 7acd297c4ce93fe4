// SPDX-License-Identifier: GPL-2.0
/*
 * kwarden's self-protection under attack, inside a test VM, as root.
 *
 * Each test makes one attempt on kwarden: signals, ptrace and
 * /proc/PID/mem against kwardend; rmmod and rmmod -f of kwarden.ko;
 * removing, renaming and unmounting its BPF pins, a writable fd to its
 * maps, detaching its links; turning ftrace or kprobes off; writing,
 * truncating, removing, renaming or adding its config and journal files;
 * claiming or unlocking with a wrong key. Each must fail, raise exactly
 * one tamper_attempt alert that names the attempt and the task, and leave
 * kwardend running. Last, kwarden still reports a module load, an admin
 * with the key unlocks, stops and restarts kwardend, and `lock` brings
 * the protection back.
 */
#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include "unit/harness.h"
#include "kw_vmtest.h"
#include "key.h"
#include "procmods.h"

#define PINS		"/sys/fs/bpf/kwarden"
#define CONF		"/etc/kwarden/kwarden.conf"
#define JOURNAL		"/var/lib/kwarden/alerts.jsonl"
#define DUMMY_KO	"/opt/kwarden/selftests/modules/kw_dummy.ko"
#define TAMPER		"--kind tamper_attempt"
#define PIN_PARAM	"/sys/module/kwarden/parameters/pinned"
#define CGROUP_SETUP	"mkdir -p /tmp/kwcg && mount -t cgroup2 none /tmp/kwcg && mkdir /tmp/kwcg/kwd"

static json_object *guard_status(void)
{
	json_object *st = kw_status(), *g = json_object_get(kw_get(st, "guard"));

	json_object_put(st);
	return g;
}

static bool guard_flag(const char *key)
{
	json_object *g = guard_status();
	bool v = json_object_get_boolean(kw_get(g, key));

	json_object_put(g);
	return v;
}

static int run(const char *cmd)
{
	int st = system(cmd);

	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* An admin's change under unlock, e.g. creating the config file */
static int as_admin(const char *cmd)
{
	int err;

	if (run("kwardenctl unlock --for 60 >/dev/null"))
		return -1;
	err = run(cmd);
	return run("kwardenctl lock >/dev/null") ? -1 : err;
}

static bool module_loaded(const char *name)
{
	struct kw_procmod m;

	return !kw_procmod_find(NULL, name, &m);
}

static char proc_state(pid_t pid)
{
	char path[64], buf[256], *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return '?';
	p = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
	fclose(f);
	return p && p[1] == ' ' ? p[2] : '?';
}

FIXTURE(tamper) {
	uint64_t seq0;
	pid_t kwardend;
};

FIXTURE_SETUP(tamper)
{
	json_object *g;

	if (system("kwardenctl status >/dev/null 2>&1"))
		SKIP(return, "kwardend is not running");
	g = guard_status();
	if (!g)
		SKIP(return, "this kwardend has no guard");
	if (strcmp(kw_rec_str(g, "bpf_lsm") ?: "", "active")) {
		json_object_put(g);
		SKIP(return, "the BPF LSM is not active");
	}
	if (!strcmp(kw_rec_str(g, "mode") ?: "", "observe")) {
		json_object_put(g);
		SKIP(return, "safe mode: the guard observes only");
	}
	ASSERT_TRUE(json_object_get_boolean(kw_get(g, "enforcing")))
		TH_LOG("guard: %s", json_object_to_json_string(g));
	ASSERT_TRUE(json_object_get_boolean(kw_get(g, "locked")));
	json_object_put(g);
	self->kwardend = kw_kwardend_pid();
	ASSERT_LT(0, self->kwardend);
	if (access(CONF, F_OK))
		ASSERT_EQ(0, as_admin("echo '# kwarden defaults' > " CONF));
	self->seq0 = kw_journal_seq();
}

FIXTURE_TEARDOWN(tamper)
{
}

/*
 * Exactly one tamper_attempt after seq0, for what, by this process (or
 * by comm if not NULL); kwardend still the same process and answering.
 */
static json_object *one_tamper(struct __test_metadata *_metadata,
			       struct _test_data_tamper *self, const char *what,
			       const char *comm)
{
	json_object *rec, *d;
	int n;

	rec = kw_wait_alerts(TAMPER, self->seq0, 1, &n);
	ASSERT_NE(NULL, rec) TH_LOG("no tamper_attempt for %s", what);
	EXPECT_EQ(1, n);
	d = kw_get(rec, "detail");
	TH_LOG("%s", kw_rec_str(rec, "message"));
	EXPECT_STREQ("tamper_attempt", kw_rec_str(rec, "kind"));
	EXPECT_STREQ("alert", kw_rec_str(rec, "severity"));
	EXPECT_STREQ("denied", kw_rec_str(rec, "action"));
	EXPECT_STREQ(what, kw_rec_str(d, "what") ?: "(none)");
	EXPECT_EQ(0, json_object_get_int(kw_get(d, "uid")));
	EXPECT_NE(NULL, kw_rec_str(d, "comm"));
	if (comm) {
		EXPECT_STREQ(comm, kw_rec_str(d, "comm") ?: "(none)");
	} else {
		EXPECT_EQ(getpid(), json_object_get_int(kw_get(d, "pid")));
		EXPECT_STREQ("tamper_test", kw_rec_str(d, "exe") ?: "(none)");
	}
	EXPECT_EQ(2004, json_object_get_int(kw_get(kw_get(rec, "ocsf"),
						   "class_uid")));
	EXPECT_EQ(self->kwardend, kw_kwardend_pid());
	EXPECT_EQ(0, system("kwardenctl status >/dev/null 2>&1"));
	return rec;
}

#define ONE_TAMPER(what, comm) one_tamper(_metadata, self, what, comm)

static void expect_target(struct __test_metadata *_metadata,
			  json_object *rec, const char *target,
			  const char *cls)
{
	json_object *d = kw_get(rec, "detail");

	EXPECT_STREQ(target, kw_rec_str(d, "target") ?: "(none)");
	if (cls)
		EXPECT_STREQ(cls, kw_rec_str(d, "target_class") ?: "(none)");
	json_object_put(rec);
}

/* ---- kwardend's process ---- */

static void signal_denied(struct __test_metadata *_metadata,
			  struct _test_data_tamper *self, int sig,
			  const char *name)
{
	json_object *rec, *d;

	errno = 0;
	EXPECT_EQ(-1, kill(self->kwardend, sig));
	EXPECT_EQ(EPERM, errno);
	rec = ONE_TAMPER("signal", NULL);
	d = kw_get(rec, "detail");
	EXPECT_STREQ(name, kw_rec_str(d, "signal"));
	EXPECT_EQ(self->kwardend, json_object_get_int(kw_get(d, "target_pid")));
	EXPECT_NE('T', proc_state(self->kwardend));
	expect_target(_metadata, rec, "kwardend", NULL);
}

TEST_F(tamper, sigkill)
{
	signal_denied(_metadata, self, SIGKILL, "SIGKILL");
}

TEST_F(tamper, sigterm)
{
	signal_denied(_metadata, self, SIGTERM, "SIGTERM");
}

TEST_F(tamper, sigstop)
{
	signal_denied(_metadata, self, SIGSTOP, "SIGSTOP");
}

/* The signal-0 probe of scripts stays allowed, and silent */
TEST_F(tamper, signal_zero_allowed)
{
	int n;

	EXPECT_EQ(0, kill(self->kwardend, 0));
	usleep(500 * 1000);
	json_object_put(kw_run_json("kwardenctl --json alerts " TAMPER,
				    (long long)self->seq0, &n));
	EXPECT_EQ(0, n);
}

TEST_F(tamper, shell_kill_9)
{
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "kill -9 %d 2>/dev/null", self->kwardend);
	EXPECT_NE(0, run(cmd));
	json_object_put(ONE_TAMPER("signal", "sh"));
}

TEST_F(tamper, sigio_kill)
{
	int p[2];

	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, fcntl(p[0], F_SETOWN, self->kwardend));
	ASSERT_EQ(0, fcntl(p[0], F_SETSIG, SIGKILL));
	ASSERT_EQ(0, fcntl(p[0], F_SETFL, O_ASYNC | O_NONBLOCK));
	EXPECT_EQ(1, write(p[1], "x", 1));
	close(p[0]);
	close(p[1]);
	json_object_put(ONE_TAMPER("sigio", NULL));
}

TEST_F(tamper, prlimit)
{
	struct rlimit rl = { .rlim_cur = 1, .rlim_max = 1 };

	errno = 0;
	EXPECT_EQ(-1, prlimit(self->kwardend, RLIMIT_CPU, &rl, NULL));
	EXPECT_EQ(EPERM, errno);
	json_object_put(ONE_TAMPER("setrlimit", NULL));
}

TEST_F(tamper, ptrace_attach)
{
	errno = 0;
	EXPECT_EQ(-1, ptrace(PTRACE_ATTACH, self->kwardend, NULL, NULL));
	EXPECT_EQ(EPERM, errno);
	expect_target(_metadata, ONE_TAMPER("ptrace", NULL), "kwardend", NULL);
}

TEST_F(tamper, proc_mem)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/mem", self->kwardend);
	fd = open(path, O_RDONLY);
	EXPECT_EQ(-1, fd);
	EXPECT_TRUE(errno == EACCES || errno == EPERM);
	if (fd >= 0)
		close(fd);
	json_object_put(ONE_TAMPER("ptrace", NULL));
}

/* ---- kwarden.ko ---- */

static void rmmod_denied(struct __test_metadata *_metadata,
			 struct _test_data_tamper *self, const char *cmd,
			 bool force)
{
	json_object *rec;

	if (!module_loaded("kwarden"))
		SKIP(return, "kwarden.ko is not loaded");
	EXPECT_NE(0, run(cmd));
	EXPECT_TRUE(module_loaded("kwarden"));
	rec = ONE_TAMPER("module_unload", "rmmod");
	EXPECT_STREQ("kwarden", kw_rec_str(rec, "module"));
	EXPECT_EQ(force, json_object_get_boolean(kw_get(kw_get(rec, "detail"),
							"force")));
	expect_target(_metadata, rec, "kwarden", NULL);
}

TEST_F(tamper, rmmod)
{
	rmmod_denied(_metadata, self, "rmmod kwarden 2>/dev/null", false);
}

TEST_F(tamper, rmmod_force)
{
	rmmod_denied(_metadata, self, "rmmod -f kwarden 2>/dev/null", true);
}

/* rmmod -f ignores references: refused for every module, not only ours */
TEST_F(tamper, rmmod_force_other_module)
{
	json_object *rec;

	if (access(DUMMY_KO, R_OK))
		SKIP(return, DUMMY_KO " is not staged");
	kw_unload("kw_dummy");
	ASSERT_EQ(0, kw_finit(DUMMY_KO, ""));
	self->seq0 = kw_journal_seq();
	EXPECT_NE(0, run("rmmod -f kw_dummy 2>/dev/null"));
	EXPECT_TRUE(module_loaded("kw_dummy"));
	rec = ONE_TAMPER("module_unload", "rmmod");
	EXPECT_TRUE(json_object_get_boolean(kw_get(kw_get(rec, "detail"),
						   "force")));
	expect_target(_metadata, rec, "kw_dummy", NULL);
	kw_unload("kw_dummy");
}

static char pin_state(void)
{
	char buf[4] = "";
	FILE *p = fopen(PIN_PARAM, "r");

	if (!p)
		return '?';
	if (!fgets(buf, sizeof(buf), p))
		buf[0] = '?';
	fclose(p);
	return buf[0];
}

struct name_flipper {
	char name[16];
	int stop;
};

static void *flip_name(void *arg)
{
	struct name_flipper *f = arg;

	while (!__atomic_load_n(&f->stop, __ATOMIC_RELAXED)) {
		memcpy(f->name, "kw_dumm", 8);
		memcpy(f->name, "kwarden", 8);
	}
	return NULL;
}

/* Our own denied unloads of kwarden.ko */
static bool our_unload(json_object *rec)
{
	json_object *d = kw_get(rec, "detail");

	return !strcmp(kw_rec_str(d, "exe") ?: "", "tamper_test") &&
	       !strcmp(kw_rec_str(d, "what") ?: "", "module_unload");
}

/*
 * The race the guard alone loses: the name changes between the guard's
 * read and the kernel's. kwarden.ko's reference on itself holds: every
 * unload fails, with EPERM (guard) or EWOULDBLOCK (reference).
 */
TEST_F_TIMEOUT(tamper, rmmod_name_race, 180)
{
	struct name_flipper f = { .name = "kwarden" };
	int i, denied = 0, busy = 0, other = 0;
	struct kw_repeat_count c;
	uint64_t drops0 = kw_bpf_drops();
	pthread_t t;

	if (!module_loaded("kwarden"))
		SKIP(return, "kwarden.ko is not loaded");
	ASSERT_EQ('Y', pin_state()) TH_LOG("kwarden.ko is not pinned while locked");
	ASSERT_EQ(0, pthread_create(&t, NULL, flip_name, &f));
	for (i = 0; i < 300; i++) {
		errno = 0;
		if (!syscall(__NR_delete_module, f.name, O_NONBLOCK))
			break;
		if (errno == EPERM)
			denied++;
		else if (errno == EWOULDBLOCK)
			busy++;
		else
			other++;
	}
	__atomic_store_n(&f.stop, 1, __ATOMIC_RELAXED);
	pthread_join(t, NULL);
	TH_LOG("300 unloads: %d denied by the guard, %d held by the reference, %d other (ENOENT)",
	       denied, busy, other);
	EXPECT_EQ(300, i);
	EXPECT_TRUE(module_loaded("kwarden"));
	EXPECT_LT(0, denied);
	/*
	 * Each denial is journaled or counted (the flood is aggregated): wait
	 * for the last count, so it does not land in the next test's window.
	 */
	EXPECT_EQ((uint64_t)denied,
		  kw_wait_accounted("tamper_attempt", self->seq0, our_unload,
				    drops0, denied, KW_WAIT_MS, &c))
		TH_LOG("%d records, %" PRIu64 " repeats counted", c.records,
		       c.repeats);
	EXPECT_EQ(self->kwardend, kw_kwardend_pid());
}

/*
 * The reference alone, with the guard out of the way: an admin unlocks
 * (kwardend unpins), pins by hand, and rmmod still cannot unload; lock
 * pins again.
 */
TEST_F_TIMEOUT(tamper, pin_holds_without_guard, 120)
{
	if (!module_loaded("kwarden"))
		SKIP(return, "kwarden.ko is not loaded");
	EXPECT_EQ('Y', pin_state());
	ASSERT_EQ(0, run("kwardenctl unlock --for 60 >/dev/null"));
	EXPECT_EQ('N', pin_state());
	EXPECT_EQ(0, run("echo 1 > " PIN_PARAM));
	EXPECT_NE(0, run("rmmod kwarden 2>/dev/null"));
	EXPECT_TRUE(module_loaded("kwarden"));
	ASSERT_EQ(0, run("kwardenctl lock >/dev/null"));
	EXPECT_EQ('Y', pin_state());
	EXPECT_EQ(self->kwardend, kw_kwardend_pid());
}

/* kwarden.ko's switches are guarded: unpinning, safe mode (observe only) */
static void kmod_switch_denied(struct __test_metadata *_metadata,
			       struct _test_data_tamper *self,
			       const char *param)
{
	int fd;

	if (!module_loaded("kwarden"))
		SKIP(return, "kwarden.ko is not loaded");
	errno = 0;
	fd = open(param, O_WRONLY);
	EXPECT_EQ(-1, fd);
	EXPECT_EQ(EPERM, errno);
	if (fd >= 0)
		close(fd);
	expect_target(_metadata, ONE_TAMPER("open_write", NULL), param, "kmod");
}

TEST_F(tamper, unpin_kmod)
{
	kmod_switch_denied(_metadata, self, PIN_PARAM);
}

/* clearing a configured restore would let data patches stay */
TEST_F(tamper, kmod_restore_switch)
{
	kmod_switch_denied(_metadata, self,
			   "/sys/module/kwarden/parameters/restore");
}

TEST_F(tamper, kmod_safe_mode_switch)
{
	kmod_switch_denied(_metadata, self,
			   "/sys/module/kwarden/parameters/safe_mode");
}

/* ---- BPF objects and pins ---- */

TEST_F(tamper, unlink_pin)
{
	errno = 0;
	EXPECT_EQ(-1, unlink(PINS "/kw_guard_kill"));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(0, access(PINS "/kw_guard_kill", F_OK));
	expect_target(_metadata, ONE_TAMPER("unlink", NULL),
		      PINS "/kw_guard_kill", "pins");
}

TEST_F(tamper, rm_rf_pins)
{
	int n;

	EXPECT_NE(0, run("rm -rf " PINS " 2>/dev/null"));
	EXPECT_EQ(0, access(PINS "/kw_guard_kill", F_OK));
	EXPECT_EQ(0, access(PINS "/events", F_OK));
	/* one denial per pin and one for the directory: at least two */
	json_object_put(kw_wait_alerts(TAMPER, self->seq0, 2, &n));
	EXPECT_LT(1, n);
}

TEST_F(tamper, rename_pin_dir)
{
	errno = 0;
	EXPECT_EQ(-1, rename(PINS, "/sys/fs/bpf/elsewhere"));
	EXPECT_EQ(EPERM, errno);
	expect_target(_metadata, ONE_TAMPER("rename", NULL), PINS, "pins");
}

TEST_F(tamper, pin_into_pin_dir)
{
	LIBBPF_OPTS(bpf_obj_get_opts, ro, .file_flags = BPF_F_RDONLY);
	int fd = bpf_obj_get_opts(PINS "/events", &ro);

	ASSERT_LE(0, fd);
	errno = 0;
	EXPECT_NE(0, bpf_obj_pin(fd, PINS "/intruder"));
	EXPECT_EQ(EPERM, errno);
	close(fd);
	json_object_put(ONE_TAMPER("create", NULL));
}

TEST_F(tamper, umount_bpffs)
{
	EXPECT_NE(0, run("umount /sys/fs/bpf 2>/dev/null"));
	EXPECT_EQ(0, access(PINS "/events", F_OK));
	expect_target(_metadata, ONE_TAMPER("umount", "umount"), "/sys/fs/bpf",
		      "pins");
}

TEST_F(tamper, umount_bpffs_lazy)
{
	errno = 0;
	EXPECT_EQ(-1, umount2("/sys/fs/bpf", MNT_DETACH));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(0, access(PINS "/events", F_OK));
	expect_target(_metadata, ONE_TAMPER("umount", NULL), "/sys/fs/bpf",
		      "pins");
}

/* A lazy unmount above the pins would detach the bpffs with it */
TEST_F(tamper, umount_sys_lazy)
{
	errno = 0;
	EXPECT_EQ(-1, umount2("/sys", MNT_DETACH));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(0, access(PINS "/events", F_OK));
	expect_target(_metadata, ONE_TAMPER("umount", NULL), "/sys", "mount");
}

/* A read-only fd is harmless and allowed; a writable one is not */
TEST_F(tamper, map_write_fd)
{
	LIBBPF_OPTS(bpf_obj_get_opts, ro, .file_flags = BPF_F_RDONLY);
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	int fd;

	fd = bpf_obj_get_opts(PINS "/guard_unlock", &ro);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, bpf_obj_get_info_by_fd(fd, &info, &len));
	close(fd);
	errno = 0;
	EXPECT_GT(0, bpf_obj_get(PINS "/guard_unlock"));
	EXPECT_EQ(EPERM, errno);
	json_object_put(ONE_TAMPER("bpf_map_write", NULL));
	/* and by id */
	self->seq0 = kw_journal_seq();
	errno = 0;
	EXPECT_GT(0, bpf_map_get_fd_by_id(info.id));
	EXPECT_EQ(EPERM, errno);
	expect_target(_metadata, ONE_TAMPER("bpf_map_write", NULL),
		      "guard_unlock", "pins");
}

TEST_F(tamper, link_detach)
{
	int fd = bpf_obj_get(PINS "/kw_guard_kill");

	ASSERT_LE(0, fd);
	errno = 0;
	EXPECT_NE(0, bpf_link_detach(fd));
	EXPECT_EQ(EPERM, errno);
	close(fd);
	json_object_put(ONE_TAMPER("bpf_link_detach", NULL));
}

/* ---- tracing switches that would blind every BPF trampoline ---- */

static char read_char(const char *path)
{
	char c = '?';
	int fd = open(path, O_RDONLY);

	if (fd >= 0 && read(fd, &c, 1) != 1)
		c = '?';
	if (fd >= 0)
		close(fd);
	return c;
}

TEST_F(tamper, sysctl_ftrace_enabled)
{
	json_object *rec;

	EXPECT_NE(0, run("sysctl -w kernel.ftrace_enabled=0 >/dev/null 2>&1"));
	EXPECT_EQ('1', read_char("/proc/sys/kernel/ftrace_enabled"));
	rec = ONE_TAMPER("tracing_off", "sysctl");
	expect_target(_metadata, rec, "/proc/sys/kernel/ftrace_enabled",
		      "tracing");
}

TEST_F(tamper, write_ftrace_enabled)
{
	errno = 0;
	EXPECT_EQ(-1, open("/proc/sys/kernel/ftrace_enabled", O_WRONLY));
	EXPECT_EQ(EPERM, errno);
	json_object_put(ONE_TAMPER("tracing_off", NULL));
}

TEST_F(tamper, kprobes_enabled)
{
	const char *path = "/sys/kernel/debug/kprobes/enabled";

	if (access(path, F_OK))
		SKIP(return, "no debugfs kprobes/enabled");
	errno = 0;
	EXPECT_EQ(-1, open(path, O_WRONLY));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ('1', read_char(path));
	expect_target(_metadata, ONE_TAMPER("tracing_off", NULL),
		      path, "tracing");
}

/* ---- config and journal, by inode ---- */

TEST_F(tamper, config_write)
{
	errno = 0;
	EXPECT_EQ(-1, open(CONF, O_WRONLY | O_APPEND));
	EXPECT_EQ(EPERM, errno);
	expect_target(_metadata, ONE_TAMPER("open_write", NULL), CONF,
		      "config");
}

TEST_F(tamper, config_truncate)
{
	errno = 0;
	EXPECT_EQ(-1, truncate(CONF, 0));
	EXPECT_EQ(EPERM, errno);
	expect_target(_metadata, ONE_TAMPER("setattr", NULL), CONF, "config");
}

TEST_F(tamper, config_delete)
{
	errno = 0;
	EXPECT_EQ(-1, unlink(CONF));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(0, access(CONF, F_OK));
	expect_target(_metadata, ONE_TAMPER("unlink", NULL), CONF, "config");
}

TEST_F(tamper, config_rename)
{
	errno = 0;
	EXPECT_EQ(-1, rename(CONF, CONF ".old"));
	EXPECT_EQ(EPERM, errno);
	expect_target(_metadata, ONE_TAMPER("rename", NULL), CONF, "config");
}

/* Replacing it by renaming another file (same file system) over it */
TEST_F(tamper, config_replace)
{
	ASSERT_EQ(0, run("echo 'syslog = yes' > /etc/kw-evil.conf"));
	errno = 0;
	EXPECT_EQ(-1, rename("/etc/kw-evil.conf", CONF));
	EXPECT_EQ(EPERM, errno);
	unlink("/etc/kw-evil.conf");
	expect_target(_metadata, ONE_TAMPER("rename", NULL), CONF, "config");
}

TEST_F(tamper, config_new_file)
{
	errno = 0;
	EXPECT_EQ(-1, open("/etc/kwarden/extra.conf",
			   O_WRONLY | O_CREAT | O_EXCL, 0600));
	EXPECT_EQ(EPERM, errno);
	expect_target(_metadata, ONE_TAMPER("create", NULL),
		      "/etc/kwarden/extra.conf", "config");
}

TEST_F(tamper, config_chmod)
{
	errno = 0;
	EXPECT_EQ(-1, chmod(CONF, 0666));
	EXPECT_EQ(EPERM, errno);
	json_object_put(ONE_TAMPER("setattr", NULL));
}

/* A hard link made elsewhere is the same inode: still protected */
TEST_F(tamper, unlock_key_write)
{
	errno = 0;
	EXPECT_EQ(-1, open(KW_KEY_PATH, O_WRONLY | O_TRUNC));
	EXPECT_EQ(EPERM, errno);
	expect_target(_metadata, ONE_TAMPER("open_write", NULL), KW_KEY_PATH,
		      "config");
}

TEST_F(tamper, journal_delete)
{
	errno = 0;
	EXPECT_EQ(-1, unlink(JOURNAL));
	EXPECT_EQ(EPERM, errno);
	expect_target(_metadata, ONE_TAMPER("unlink", NULL), JOURNAL,
		      "journal");
}

TEST_F(tamper, journal_write)
{
	errno = 0;
	EXPECT_EQ(-1, open(JOURNAL, O_WRONLY | O_APPEND));
	EXPECT_EQ(EPERM, errno);
	json_object_put(ONE_TAMPER("open_write", NULL));
}

/* ---- the key ---- */

TEST_F(tamper, claim_wrong_key)
{
	unsigned char key[KW_KEY_LEN] = { 0 };
	json_object *g;

	errno = 0;
	EXPECT_EQ(-1, prctl(KW_PRCTL_CLAIM, (unsigned long)key, 0UL, 0UL, 0UL));
	EXPECT_EQ(EACCES, errno);
	json_object_put(ONE_TAMPER("claim", NULL));
	g = guard_status();
	EXPECT_EQ(self->kwardend,
		  json_object_get_int(kw_get(g, "protected_pid")));
	json_object_put(g);
}

TEST_F(tamper, unlock_wrong_key)
{
	json_object *rec;

	ASSERT_EQ(0, run("printf '%064d\\n' 0 > /tmp/wrong.key"));
	EXPECT_EQ(1, run("kwardenctl unlock --key-file /tmp/wrong.key 2>/dev/null"));
	rec = ONE_TAMPER("unlock", "kwardenctl");
	EXPECT_STREQ("kwardend", kw_rec_str(rec, "source"));
	json_object_put(rec);
	EXPECT_TRUE(guard_flag("locked"));
	unlink("/tmp/wrong.key");
}

/* ---- kwarden.ko's generic netlink channel ---- */

#define KMOD_BATCH	17	/* more messages than the guard inspects */

struct kmod_msg {
	struct nlmsghdr nlh;
	struct genlmsghdr gh;
	struct nlattr mode_attr;
	__u32 mode;
	struct nlattr def_attr;
	__u32 def;
};

/* kwarden.ko's family id, resolved as anyone may */
static int kmod_family(void)
{
	struct nl_sock *s = nl_socket_alloc();
	int fam = -1;

	if (s && !genl_connect(s))
		fam = genl_ctrl_resolve(s, KWARDEN_GENL_NAME);
	nl_socket_free(s);
	return fam;
}

static void kmod_msg_init(struct kmod_msg *m, int fam, __u8 cmd)
{
	memset(m, 0, sizeof(*m));
	m->nlh.nlmsg_len = cmd == KWARDEN_CMD_POLICY ? sizeof(*m) :
			   NLMSG_HDRLEN + GENL_HDRLEN;
	m->nlh.nlmsg_type = fam;
	m->nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	m->gh.cmd = cmd;
	m->gh.version = 1;
	m->mode_attr.nla_len = NLA_HDRLEN + sizeof(__u32);
	m->mode_attr.nla_type = KWARDEN_A_POL_MODE;
	m->mode = KW_POL_OFF;
	m->def_attr.nla_len = NLA_HDRLEN + sizeof(__u32);
	m->def_attr.nla_type = KWARDEN_A_POL_DEFAULT;
	m->def = KW_RULE_ALLOW;
}

/*
 * Send @cmd to kwarden.ko from this process, which is root but not
 * kwardend, after @status_first STATUS messages in the same send: -errno
 * of the send, or 0.  The policy sent is {mode off, default allow}.
 */
static int kmod_send(int status_first, __u8 cmd)
{
	struct kmod_msg m[KMOD_BATCH + 1];
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	char buf[sizeof(m)];
	size_t len = 0;
	int fam = kmod_family(), fd, i, err = 0;

	if (fam < 0 || status_first > KMOD_BATCH)
		return -ENOENT;
	for (i = 0; i <= status_first; i++) {
		kmod_msg_init(&m[i], fam, i < status_first ?
			      KWARDEN_CMD_STATUS : cmd);
		memcpy(buf + len, &m[i], m[i].nlh.nlmsg_len);
		len += NLMSG_ALIGN(m[i].nlh.nlmsg_len);
	}
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		return -errno;
	if (sendto(fd, buf, len, 0, (struct sockaddr *)&kernel,
		   sizeof(kernel)) < 0)
		err = -errno;
	close(fd);
	return err;
}

static void kmod_cmd_denied(struct __test_metadata *_metadata,
			    struct _test_data_tamper *self, int status_first,
			    __u8 cmd, const char *name)
{
	json_object *rec;

	EXPECT_EQ(-EPERM, kmod_send(status_first, cmd));
	rec = ONE_TAMPER("kmod_command", NULL);
	EXPECT_STREQ(name, kw_rec_str(kw_get(rec, "detail"), "command"));
	expect_target(_metadata, rec, "kwarden.ko", NULL);
}

/*
 * No tamper_attempt since seq0, shown by order rather than by waiting: a
 * wrong-key claim made now must be the first one after seq0 (the ring
 * buffer and the journal keep the order of events).
 */
static void expect_no_tamper(struct __test_metadata *_metadata,
			     struct _test_data_tamper *self)
{
	unsigned char key[KW_KEY_LEN] = { 0 };
	json_object *rec;
	int n;

	EXPECT_EQ(-1, prctl(KW_PRCTL_CLAIM, (unsigned long)key, 0UL, 0UL, 0UL));
	rec = kw_wait_alerts(TAMPER, self->seq0, 1, &n);
	EXPECT_EQ(1, n);
	EXPECT_STREQ("claim", kw_rec_str(kw_get(rec, "detail"), "what"));
	json_object_put(rec);
}

TEST_F(tamper, kmod_policy_from_stranger)
{
	kmod_cmd_denied(_metadata, self, 0, KWARDEN_CMD_POLICY, "policy");
}

TEST_F(tamper, kmod_scan_from_stranger)
{
	kmod_cmd_denied(_metadata, self, 0, KWARDEN_CMD_SCAN, "scan");
}

TEST_F(tamper, kmod_unknown_command_from_stranger)
{
	kmod_cmd_denied(_metadata, self, 0, 42, "command 42");
}

/* A policy hidden behind a long run of harmless messages */
TEST_F(tamper, kmod_policy_in_a_batch)
{
	kmod_cmd_denied(_metadata, self, 3, KWARDEN_CMD_POLICY, "policy");
	self->seq0 = kw_journal_seq();
	kmod_cmd_denied(_metadata, self, KMOD_BATCH - 1, KWARDEN_CMD_STATUS,
			"batch");
}

/* What only reads stays open to root: no denial, no alert */
TEST_F(tamper, kmod_status_open)
{
	EXPECT_EQ(0, kmod_send(0, KWARDEN_CMD_STATUS));
	EXPECT_EQ(0, kmod_send(8, KWARDEN_CMD_MODULE));
	expect_no_tamper(_metadata, self);
}

/* The attack of the review: a policy "off" right after a block */
TEST_F(tamper, kmod_block_survives_stranger_policy)
{
	kw_unload("kw_dummy");
	ASSERT_EQ(0, run("kwardenctl quarantine kw_dummy --reason selftest >/dev/null"));
	self->seq0 = kw_journal_seq();
	kmod_cmd_denied(_metadata, self, 0, KWARDEN_CMD_POLICY, "policy");
	errno = 0;
	EXPECT_NE(0, kw_finit(DUMMY_KO, ""));
	EXPECT_EQ(EPERM, errno);
	kw_unload("kw_dummy");
	EXPECT_EQ(0, run("kwardenctl release kw_dummy >/dev/null"));
}

/* A restarted kwardend claims with its key and pushes its policy again */
TEST_F_TIMEOUT(tamper, kmod_policy_after_restart, 240)
{
	ASSERT_EQ(0, kw_stop_kwardend());
	ASSERT_EQ(0, kw_start_kwardend());
	self->kwardend = kw_kwardend_pid();
	ASSERT_EQ(0, run("printf 'mode audit\\ndefault allow\\n' > /tmp/kw-chan.policy"));
	EXPECT_EQ(0, run("kwardenctl policy apply --now /tmp/kw-chan.policy >/dev/null"));
	expect_no_tamper(_metadata, self);
	ASSERT_EQ(0, run("printf 'mode off\\n' > /tmp/kw-chan.policy"));
	EXPECT_EQ(0, run("kwardenctl policy apply --now /tmp/kw-chan.policy >/dev/null"));
	unlink("/tmp/kw-chan.policy");
}

/* ---- and kwarden still works ---- */

TEST_F(tamper, still_reports_module_loads)
{
	json_object *rec;
	int n;

	if (access(DUMMY_KO, R_OK))
		SKIP(return, DUMMY_KO " is not staged");
	kw_unload("kw_dummy");
	ASSERT_EQ(0, kw_finit(DUMMY_KO, ""));
	rec = kw_wait_alerts("--kind module_load --module kw_dummy",
			     self->seq0, 1, &n);
	EXPECT_NE(NULL, rec);
	EXPECT_EQ(1, n);
	json_object_put(rec);
	kw_unload("kw_dummy");
	EXPECT_EQ(self->kwardend, kw_kwardend_pid());
	EXPECT_TRUE(guard_flag("enforcing"));
}

/*
 * cgroup.kill sends SIGKILL from the kernel, past every LSM hook, as the
 * OOM killer does: it cannot be refused, so it must leave evidence. The
 * record waits in the pinned ring buffer until the next kwardend.
 */
TEST_F_TIMEOUT(tamper, cgroup_kill_leaves_evidence, 120)
{
	json_object *rec, *d;
	char cmd[160];
	int n;

	if (run(CGROUP_SETUP))
		SKIP(return, "no cgroup2 here");
	snprintf(cmd, sizeof(cmd), "echo %d > /tmp/kwcg/kwd/cgroup.procs",
		 self->kwardend);
	ASSERT_EQ(0, run(cmd));
	ASSERT_EQ(0, run("echo 1 > /tmp/kwcg/kwd/cgroup.kill"));
	ASSERT_EQ(0, kw_wait_running(false));
	ASSERT_EQ(0, kw_start_kwardend());
	run("rmdir /tmp/kwcg/kwd; umount /tmp/kwcg");
	rec = kw_wait_alerts(TAMPER, self->seq0, 1, &n);
	ASSERT_NE(NULL, rec);
	EXPECT_EQ(1, n);
	d = kw_get(rec, "detail");
	TH_LOG("%s", kw_rec_str(rec, "message"));
	EXPECT_STREQ("daemon_exit", kw_rec_str(d, "what"));
	EXPECT_STREQ("logged", kw_rec_str(rec, "action"));
	EXPECT_STREQ("SIGKILL", kw_rec_str(d, "signal"));
	EXPECT_EQ(self->kwardend,
		  json_object_get_int(kw_get(d, "target_pid")));
	json_object_put(rec);
	self->kwardend = kw_kwardend_pid();
	EXPECT_TRUE(guard_flag("locked"));
	EXPECT_TRUE(guard_flag("enforcing"));
}

/*
 * The admin's way: unlock with the key, stop kwardend, start it again
 * (it locks on start), unlock and lock by hand; denied again after each.
 */
TEST_F_TIMEOUT(tamper, unlock_stop_lock, 240)
{
	json_object *rec;
	pid_t pid;
	int n;

	ASSERT_EQ(0, run("kwardenctl unlock --for 120 >/dev/null"));
	EXPECT_FALSE(guard_flag("locked"));
	rec = kw_wait_alerts("--kind protection_unlocked", self->seq0, 1, &n);
	EXPECT_EQ(1, n);
	json_object_put(rec);
	ASSERT_EQ(0, kill(self->kwardend, SIGTERM));
	ASSERT_EQ(0, kw_wait_running(false));
	ASSERT_EQ(0, kw_start_kwardend());
	pid = kw_kwardend_pid();
	ASSERT_LT(0, pid);
	EXPECT_TRUE(guard_flag("locked"));
	EXPECT_TRUE(guard_flag("enforcing"));
	self->kwardend = pid;
	self->seq0 = kw_journal_seq();
	errno = 0;
	EXPECT_EQ(-1, kill(pid, SIGTERM));
	EXPECT_EQ(EPERM, errno);
	json_object_put(ONE_TAMPER("signal", NULL));

	ASSERT_EQ(0, run("kwardenctl unlock --for 120 >/dev/null"));
	ASSERT_EQ(0, run("kwardenctl lock >/dev/null"));
	rec = kw_wait_alerts("--kind protection_locked", self->seq0, 1, &n);
	EXPECT_EQ(1, n);
	json_object_put(rec);
	self->seq0 = kw_journal_seq();
	errno = 0;
	EXPECT_EQ(-1, kill(pid, SIGKILL));
	EXPECT_EQ(EPERM, errno);
	json_object_put(ONE_TAMPER("signal", NULL));
}

TEST_HARNESS_MAIN
