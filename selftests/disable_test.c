// SPDX-License-Identifier: GPL-2.0
/*
 * Safe disable, inside a test VM, through `kwardenctl` as an admin would:
 *  - kw_rogue_drv (an ftrace hook, a platform device, an exit function)
 *    is disabled: forensic record first, device unbound, unloaded without
 *    force, module_disabled "unloaded", reload blocked in the store and
 *    modprobe.d and by kwarden.ko's module gate (a gate without the rule,
 *    or a reload that succeeds, fails the test);
 *  - held by kw_rogue_user, it is refused, the holder named, nothing done;
 *  - kw_rogue_noexit (no exit function, a sys_call_table slot changed) is
 *    contained, not unloaded, with the reason; kwarden.ko restores the slot;
 *  - quarantine blocks without unloading, release lifts the block.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include "unit/harness.h"
#include "kw_vmtest.h"
#include "sha256.h"

#define MODDIR		"/opt/kwarden/selftests/modules"
#define DRV_KO		MODDIR "/kw_rogue_drv.ko"
#define USER_KO		MODDIR "/kw_rogue_user.ko"
#define NOEXIT_KO	MODDIR "/kw_rogue_noexit.ko"
#define HIDE_KO		MODDIR "/kw_rootkit_hide.ko"
#define DUMMY_KO	MODDIR "/kw_dummy.ko"
#define BLOCKED		"/var/lib/kwarden/blocked"
#define MODPROBE_CONF	"/etc/modprobe.d/kwarden-blocked.conf"
#define RESTORE		"/sys/module/kwarden/parameters/restore"

/* Runs cmd; its exit status, and its output (both streams) in out */
static int run(const char *cmd, char *out, size_t len)
{
	char full[512];
	size_t n = 0;
	FILE *p;
	int st;

	snprintf(full, sizeof(full), "%s 2>&1", cmd);
	p = popen(full, "r");
	if (!p)
		return -1;
	if (out) {
		n = fread(out, 1, len - 1, p);
		out[n] = '\0';
	} else {
		while (fgetc(p) != EOF)
			;
	}
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static bool loaded(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/module/%s", name);
	return !access(path, F_OK);
}

static bool file_has(const char *path, const char *text)
{
	char buf[8192];
	size_t n;
	FILE *f = fopen(path, "r");

	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strstr(buf, text) != NULL;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static bool guard_enforcing(void)
{
	json_object *st = kw_status();
	bool on = json_object_get_boolean(kw_get(kw_get(st, "guard"),
						 "enforcing"));

	json_object_put(st);
	return on;
}

/* kw_rogue_drv where modprobe finds it */
/* ko into /lib/modules/$(uname -r)/extra, and depmod */
static int install_module(const char *ko)
{
	struct utsname u;
	char cmd[512];

	if (uname(&u))
		return -1;
	snprintf(cmd, sizeof(cmd),
		 "mkdir -p /lib/modules/%s/extra && cp %s /lib/modules/%s/extra/ && depmod",
		 u.release, ko, u.release);
	return run(cmd, NULL, 0);
}

static int modprobe_ready(void)
{
	return install_module(DRV_KO);
}

/* kwarden.ko took the block as a policy rule: its module gate is there */
static bool kmod_gate(void)
{
	json_object *st = kw_status();
	bool gate = kw_rec_u64(kw_get(st, "kmod"), "policy_rules") > 0;

	json_object_put(st);
	return gate;
}

FIXTURE(disable) {
	uint64_t seq0;
};

FIXTURE_SETUP(disable)
{
	if (system("kwardenctl status >/dev/null 2>&1"))
		SKIP(return, "kwardend is not running");
	if (access(DRV_KO, R_OK) || access(USER_KO, R_OK))
		SKIP(return, "the kw_rogue test modules are not staged");
	kw_unload("kw_rogue_user");
	kw_unload("kw_rogue_drv");
	run("kwardenctl release kw_rogue_drv", NULL, 0);
	run("kwardenctl release kw_rogue_noexit", NULL, 0);
	self->seq0 = kw_journal_seq();
}

FIXTURE_TEARDOWN(disable)
{
	kw_unload("kw_rogue_user");
	kw_unload("kw_rogue_drv");
	run("kwardenctl release kw_rogue_drv", NULL, 0);
	run("kwardenctl release kw_rogue_noexit", NULL, 0);
	run("kwardenctl release kw_rootkit_hide", NULL, 0);
	kw_set_restore("\n");	/* other tests expect "logged" */
}

/* The step named name of a disable result */
static json_object *find_step(json_object *res, const char *name)
{
	json_object *steps = kw_get(res, "steps");
	size_t i;

	for (i = 0; steps && i < json_object_array_length(steps); i++)
		if (!strcmp(kw_rec_str(json_object_array_get_idx(steps, i), "step") ?: "",
			    name))
			return json_object_array_get_idx(steps, i);
	return NULL;
}

static bool has_hook(json_object *list, const char *kind)
{
	size_t i;

	for (i = 0; list && i < json_object_array_length(list); i++)
		if (!strcmp(kw_rec_str(json_object_array_get_idx(list, i), "kind") ?: "",
			    kind))
			return true;
	return false;
}

TEST_F_TIMEOUT(disable, unload_unbind_block, 240)
{
	json_object *res, *rec, *rec2, *step, *fx;
	char out[8192], hex[KW_SHA256_HEX_LEN + 1];
	uint8_t hash[KW_HASH_LEN];
	const char *drv_line, *exit_line;
	long long t0;
	int n, err;

	ASSERT_EQ(0, kw_finit(DRV_KO, ""));
	ASSERT_EQ(0, access("/sys/bus/platform/drivers/kw_rogue/kw_rogue.0", F_OK));
	rec = kw_wait_alerts("--kind ftrace_hook --module kw_rogue_drv",
			     self->seq0, 1, &n);
	ASSERT_NE(NULL, rec) TH_LOG("kwarden.ko never reported the ftrace hook");
	json_object_put(rec);

	/* a dry run changes nothing */
	res = kw_run_json("kwardenctl --json disable --dry-run kw_rogue_drv", -1, &n);
	ASSERT_NE(NULL, res);
	EXPECT_STREQ("would_unload", kw_rec_str(res, "action"));
	fx = kw_get(res, "module");
	EXPECT_TRUE(has_hook(kw_get(fx, "hook_list"), "ftrace_hook"));
	EXPECT_NE(NULL, kw_get(kw_get(fx, "sections"), ".text"));
	EXPECT_NE(NULL, kw_get(kw_get(fx, "sections"), ".exit.text"));
	EXPECT_NE(NULL, kw_get(kw_get(fx, "parameters"), "target"));
	json_object_put(res);
	EXPECT_TRUE(loaded("kw_rogue_drv"));
	EXPECT_NE(0, access(BLOCKED "/kw_rogue_drv", F_OK));

	run("dmesg -c", NULL, 0);
	t0 = now_ms();
	res = kw_run_json("kwardenctl --json disable kw_rogue_drv --reason selftest", -1, &n);
	TH_LOG("kwardenctl disable took %lld ms (TCG)", now_ms() - t0);
	ASSERT_NE(NULL, res);
	TH_LOG("%s", json_object_to_json_string_ext(res, JSON_C_TO_STRING_PLAIN));
	EXPECT_STREQ("unloaded", kw_rec_str(res, "action"));
	step = find_step(res, "unbind");
	ASSERT_NE(NULL, step);
	EXPECT_TRUE(json_object_get_boolean(kw_get(step, "ok")));
	EXPECT_STREQ("kw_rogue.0 from platform:kw_rogue", kw_rec_str(step, "detail"));
	step = find_step(res, "delete_module");
	ASSERT_NE(NULL, step);
	EXPECT_TRUE(json_object_get_boolean(kw_get(step, "ok")));
	EXPECT_FALSE(loaded("kw_rogue_drv"));

	/* the device was unbound before the exit function ran */
	ASSERT_EQ(0, run("dmesg", out, sizeof(out)));
	drv_line = strstr(out, "kw_rogue_drv: unbound kw_rogue.0");
	exit_line = strstr(out, "kw_rogue_drv: exit after");
	ASSERT_NE(NULL, drv_line);
	ASSERT_NE(NULL, exit_line);
	EXPECT_LT(drv_line, exit_line);

	/* forensic record, written before: hooks, file hash, sections */
	ASSERT_NE(NULL, kw_rec_str(res, "forensics"));
	EXPECT_TRUE(file_has(kw_rec_str(res, "forensics"), "\"ftrace_hook\""));
	EXPECT_TRUE(file_has(kw_rec_str(res, "forensics"), "\".text\""));
	ASSERT_EQ(0, kw_sha256_file(DRV_KO, hash));
	kw_sha256_hex(hash, hex);
	EXPECT_TRUE(file_has(kw_rec_str(res, "forensics"), hex))
		TH_LOG("the record lacks the file's sha256 %s", hex);
	json_object_put(res);

	rec = kw_wait_alerts("--kind module_disabled --module kw_rogue_drv",
			     self->seq0, 1, &n);
	ASSERT_NE(NULL, rec);
	EXPECT_EQ(1, n);
	EXPECT_STREQ("unloaded", kw_rec_str(rec, "action"));
	EXPECT_EQ(7001, json_object_get_int(kw_get(kw_get(rec, "ocsf"), "class_uid")));
	EXPECT_TRUE(has_hook(kw_get(kw_get(kw_get(rec, "detail"), "summary"),
				    "hook_list"), "ftrace_hook"));
	json_object_put(rec);

	/* blocked: the store and modprobe.d */
	EXPECT_TRUE(file_has(BLOCKED "/kw_rogue_drv", "state=disabled\n"));
	EXPECT_TRUE(file_has(MODPROBE_CONF, "blacklist kw_rogue_drv\n"));
	EXPECT_TRUE(file_has(MODPROBE_CONF, "install kw_rogue_drv /bin/false\n"));
	t0 = now_ms();
	ASSERT_EQ(0, run("kwardenctl modules", out, sizeof(out)));
	TH_LOG("kwardenctl modules took %lld ms (TCG)", now_ms() - t0);
	EXPECT_NE(NULL, strstr(out, "disabled"));

	/* while kwarden is locked, nobody else lifts the block */
	ASSERT_TRUE(guard_enforcing())
		TH_LOG("the guard is not enforcing in the test VM: the block's files are not protected");
	EXPECT_NE(0, unlink(BLOCKED "/kw_rogue_drv"));
	EXPECT_EQ(EPERM, errno);
	EXPECT_NE(0, rename(BLOCKED "/kw_rogue_drv", "/var/lib/kwarden/x"));
	EXPECT_NE(0, unlink(MODPROBE_CONF));
	EXPECT_EQ(0, access(BLOCKED "/kw_rogue_drv", F_OK));
	rec = kw_wait_alerts("--kind tamper_attempt", self->seq0, 3, &n);
	EXPECT_NE(NULL, rec);
	json_object_put(rec);

	/*
	 * modprobe honours the blacklist (busybox: with -b, quietly; kmod:
	 * "install ... /bin/false"); quarantine_and_release is the control
	 */
	ASSERT_EQ(0, modprobe_ready());
	run("modprobe -b kw_rogue_drv", out, sizeof(out));
	EXPECT_FALSE(loaded("kw_rogue_drv")) TH_LOG("modprobe -b: %s", out);
	kw_unload("kw_rogue_drv");

	/* kwarden.ko's gate holds the block: every load path is denied */
	EXPECT_TRUE(kmod_gate())
		TH_LOG("kwarden.ko's module gate holds no rule after the disable");
	err = kw_finit(DRV_KO, "");
	EXPECT_NE(0, err) TH_LOG("finit_module of a disabled module succeeded");
	EXPECT_FALSE(loaded("kw_rogue_drv"));
	kw_unload("kw_rogue_drv");
	err = kw_init_buffer(DRV_KO);
	EXPECT_NE(0, err) TH_LOG("init_module of a disabled module succeeded");
	EXPECT_FALSE(loaded("kw_rogue_drv"));
	kw_unload("kw_rogue_drv");
	EXPECT_NE(0, run("modprobe kw_rogue_drv", NULL, 0));
	EXPECT_FALSE(loaded("kw_rogue_drv"));
	rec2 = kw_wait_alerts("--kind module_load_denied --module kw_rogue_drv",
			      self->seq0, 1, &n);
	EXPECT_NE(NULL, rec2);
	json_object_put(rec2);
}

/* Held by another module: refused, the holder named, nothing changed */
TEST_F(disable, in_use_refused)
{
	char out[2048];
	int n;

	ASSERT_EQ(0, kw_finit(DRV_KO, ""));
	ASSERT_EQ(0, kw_finit(USER_KO, ""));
	EXPECT_EQ(1, run("kwardenctl disable kw_rogue_drv", out, sizeof(out)));
	TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "in use by kw_rogue_user"));
	EXPECT_NE(NULL, strstr(out, "nothing was changed"));
	EXPECT_TRUE(loaded("kw_rogue_drv"));
	EXPECT_TRUE(loaded("kw_rogue_user"));
	EXPECT_EQ(0, access("/sys/bus/platform/drivers/kw_rogue/kw_rogue.0", F_OK));
	EXPECT_NE(0, access(BLOCKED "/kw_rogue_drv", F_OK));
	json_object_put(kw_run_json("kwardenctl --json alerts --kind module_disabled --module kw_rogue_drv",
				    (long long)self->seq0, &n));
	EXPECT_EQ(0, n);
	/* the holder itself may go */
	EXPECT_EQ(0, run("kwardenctl disable kw_rogue_user", out, sizeof(out)))
		TH_LOG("%s", out);
	EXPECT_FALSE(loaded("kw_rogue_user"));
	run("kwardenctl release kw_rogue_user", NULL, 0);
}

#define NOEXIT_DEV	"/dev/kw_rogue_noexit"
#define NOEXIT_IOCTL	0x4b57	/* any command: the driver says 0 */

/* A read of the device: its length, or -errno */
static int dev_read(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf), 0);

	return n < 0 ? -errno : (int)n;
}

static int dev_ioctl(int fd)
{
	return ioctl(fd, NOEXIT_IOCTL, 0) ? -errno : 0;
}

/*
 * No exit function: contained, not unloaded, the reason said; slot
 * restored; its misc device, open before and opened after, answers no
 * read or ioctl any more (a dangerous_interface says so)
 */
TEST_F_TIMEOUT(disable, no_exit_contained, 180)
{
	json_object *res, *rec, *step;
	int n, err, fd, fd2;

	if (access(NOEXIT_KO, R_OK))
		SKIP(return, NOEXIT_KO " is not staged");
	err = loaded("kw_rogue_noexit") ? 0 : kw_finit(NOEXIT_KO, "");
	ASSERT_EQ(0, err);
	rec = kw_wait_alerts("--kind syscall_table_modified --module kw_rogue_noexit",
			     self->seq0, 1, &n);
	ASSERT_NE(NULL, rec) TH_LOG("kwarden.ko never reported the slot");
	json_object_put(rec);
	/* the driver works, and a process holds it open */
	fd = open(NOEXIT_DEV, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd) TH_LOG(NOEXIT_DEV ": %s", strerror(errno));
	EXPECT_EQ(16, dev_read(fd));
	EXPECT_EQ(0, dev_ioctl(fd));

	res = kw_run_json("kwardenctl --json disable kw_rogue_noexit", -1, &n);
	ASSERT_NE(NULL, res);
	TH_LOG("%s", json_object_to_json_string_ext(res, JSON_C_TO_STRING_PLAIN));
	EXPECT_STREQ("contained", kw_rec_str(res, "action"));
	EXPECT_NE(NULL, strstr(kw_rec_str(res, "why") ?: "", "no exit function"));
	EXPECT_EQ(NULL, find_step(res, "delete_module"));	/* never tried */
	step = find_step(res, "device_nodes");
	ASSERT_NE(NULL, step);
	EXPECT_TRUE(json_object_get_boolean(kw_get(step, "ok")));
	json_object_put(res);
	EXPECT_TRUE(loaded("kw_rogue_noexit"));
	/* its device: the open fd and a new one answer nothing */
	EXPECT_EQ(-EPERM, dev_read(fd));
	EXPECT_EQ(-EPERM, dev_ioctl(fd));
	fd2 = open(NOEXIT_DEV, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd2);
	EXPECT_EQ(-EPERM, dev_read(fd2));
	close(fd2);
	close(fd);
	rec = kw_wait_alerts("--kind dangerous_interface --module kw_rogue_noexit",
			     self->seq0, 1, &n);
	ASSERT_NE(NULL, rec) TH_LOG("no dangerous_interface for the device");
	EXPECT_STREQ("denied", kw_rec_str(rec, "action"));
	EXPECT_STREQ("contained_device",
		     kw_rec_str(kw_get(rec, "detail"), "what"));
	EXPECT_STREQ("kw_rogue_noexit",
		     kw_rec_str(kw_get(rec, "detail"), "target"));
	json_object_put(rec);
	EXPECT_TRUE(file_has(BLOCKED "/kw_rogue_noexit", "state=disabled\n"));
	EXPECT_TRUE(file_has(RESTORE, "syscall_table_modified"));

	rec = kw_wait_alerts("--kind module_disabled --module kw_rogue_noexit",
			     self->seq0, 1, &n);
	ASSERT_NE(NULL, rec);
	EXPECT_STREQ("contained", kw_rec_str(rec, "action"));
	EXPECT_NE(NULL, strstr(kw_rec_str(rec, "message") ?: "", "no exit function"));
	json_object_put(rec);
	/* kwarden.ko put the slot back, and said so */
	rec = kw_wait_alerts("--kind syscall_table_modified --module kw_rogue_noexit",
			     self->seq0, 2, &n);
	ASSERT_NE(NULL, rec);
	EXPECT_STREQ("restored", kw_rec_str(rec, "action"));
	json_object_put(rec);
}

/* Hidden from /proc/modules: contained, delete_module never tried */
TEST_F_TIMEOUT(disable, hidden_contained, 180)
{
	json_object *res, *rec;
	int n, i;

	if (access(HIDE_KO, R_OK))
		SKIP(return, HIDE_KO " is not staged");
	/* it links itself back after 15 s, so that it can be removed */
	ASSERT_EQ(0, kw_finit(HIDE_KO, "unhide_ms=15000"));
	rec = kw_wait_alerts("--kind module_hidden --module kw_rootkit_hide",
			     self->seq0, 1, &n);
	ASSERT_NE(NULL, rec) TH_LOG("kwarden.ko never reported the hidden module");
	json_object_put(rec);
	res = kw_run_json("kwardenctl --json disable kw_rootkit_hide", -1, &n);
	ASSERT_NE(NULL, res);
	TH_LOG("%s", kw_rec_str(res, "message") ?: "?");
	EXPECT_STREQ("contained", kw_rec_str(res, "action"));
	EXPECT_NE(NULL, strstr(kw_rec_str(res, "why") ?: "", "hidden"));
	EXPECT_EQ(NULL, find_step(res, "delete_module"));
	json_object_put(res);
	EXPECT_TRUE(file_has(BLOCKED "/kw_rootkit_hide", "state=disabled\n"));
	/* back in the list: remove it, for the tests that load it again */
	for (i = 0; i < 300 && system("grep -q '^kw_rootkit_hide ' /proc/modules"); i++)
		usleep(100 * 1000);
	kw_unload("kw_rootkit_hide");
	EXPECT_FALSE(loaded("kw_rootkit_hide"));
}

/* quarantine blocks and leaves it loaded; release lifts everything */
TEST_F(disable, quarantine_and_release)
{
	json_object *res, *rec;
	int n;

	ASSERT_EQ(0, kw_finit(DRV_KO, ""));
	res = kw_run_json("kwardenctl --json quarantine kw_rogue_drv --reason watch", -1, &n);
	ASSERT_NE(NULL, res);
	EXPECT_STREQ("quarantined", kw_rec_str(res, "action"));
	json_object_put(res);
	EXPECT_TRUE(loaded("kw_rogue_drv"));
	EXPECT_TRUE(file_has(BLOCKED "/kw_rogue_drv", "state=quarantined\n"));
	EXPECT_TRUE(file_has(MODPROBE_CONF, "blacklist kw_rogue_drv\n"));
	rec = kw_wait_alerts("--kind module_quarantined --module kw_rogue_drv",
			     self->seq0, 1, &n);
	ASSERT_NE(NULL, rec);
	EXPECT_STREQ("quarantined", kw_rec_str(rec, "action"));
	json_object_put(rec);

	EXPECT_EQ(0, run("kwardenctl release kw_rogue_drv", NULL, 0));
	EXPECT_NE(0, access(BLOCKED "/kw_rogue_drv", F_OK));
	EXPECT_FALSE(file_has(MODPROBE_CONF, "kw_rogue_drv"));
	EXPECT_EQ(1, run("kwardenctl release kw_rogue_drv", NULL, 0));
	/* released: modprobe -b loads it again (the control of the blacklist) */
	kw_unload("kw_rogue_drv");
	ASSERT_EQ(0, modprobe_ready());
	EXPECT_EQ(0, run("modprobe -b kw_rogue_drv", NULL, 0));
	EXPECT_TRUE(loaded("kw_rogue_drv"));
	rec = kw_wait_alerts("--kind module_released --module kw_rogue_drv",
			     self->seq0, 1, &n);
	EXPECT_NE(NULL, rec);
	json_object_put(rec);
}

/* Whether modules.alias maps alias to module, as depmod wrote it */
static bool has_alias(const char *alias, const char *module)
{
	char path[256], want[128], line[512];
	struct utsname u;
	bool found = false;
	FILE *f;

	if (uname(&u))
		return false;
	snprintf(path, sizeof(path), "/lib/modules/%s/modules.alias", u.release);
	snprintf(want, sizeof(want), "alias %s %s\n", alias, module);
	f = fopen(path, "re");
	while (f && !found && fgets(line, sizeof(line), f))
		found = !strcmp(line, want);
	if (f)
		fclose(f);
	return found;
}

/*
 * mount -t kw_dummyfs asks the kernel for "fs-kw_dummyfs" (request_module),
 * an alias of kw_dummy: with kw_dummy quarantined, the BPF
 * kernel_module_request program denies the request itself (no modprobe
 * runs, the mount says ENODEV), and the record names the request and the
 * task. Released, the same mount autoloads kw_dummy (the control).
 */
TEST_F_TIMEOUT(disable, autoload_request_denied, 240)
{
	json_object *rec;
	int n, err;

	kw_unload("kw_dummy");
	ASSERT_EQ(0, install_module(DUMMY_KO));
	ASSERT_TRUE(has_alias("fs-kw_dummyfs", "kw_dummy"));
	ASSERT_EQ(0, run("kwardenctl quarantine kw_dummy --reason selftest",
			 NULL, 0));
	mkdir("/tmp/kw-dummyfs", 0700);
	err = mount("none", "/tmp/kw-dummyfs", "kw_dummyfs", MS_RDONLY, NULL);
	EXPECT_EQ(-1, err);
	EXPECT_EQ(ENODEV, errno);
	EXPECT_FALSE(loaded("kw_dummy"));
	rec = kw_wait_alerts("--kind module_load_denied --module kw_dummy",
			     self->seq0, 1, &n);
	ASSERT_NE(NULL, rec) TH_LOG("no module_load_denied for the request");
	TH_LOG("%s", kw_rec_str(rec, "message"));
	EXPECT_STREQ("denied", kw_rec_str(rec, "action"));
	EXPECT_STREQ("request_module", kw_rec_str(kw_get(rec, "detail"), "via"));
	EXPECT_STREQ("fs-kw_dummyfs",
		     kw_rec_str(kw_get(rec, "detail"), "request"));
	EXPECT_STREQ("disable_test", kw_rec_str(kw_get(rec, "detail"), "comm"));
	json_object_put(rec);

	/* the control: released, the kernel's request loads kw_dummy */
	ASSERT_EQ(0, run("kwardenctl release kw_dummy", NULL, 0));
	mount("none", "/tmp/kw-dummyfs", "kw_dummyfs", MS_RDONLY, NULL);
	EXPECT_TRUE(loaded("kw_dummy")) TH_LOG("released, it did not autoload");
	kw_unload("kw_dummy");
}

/* The CLI's usage errors, and what it says about the unknown */
TEST(cli_errors)
{
	char out[1024];

	EXPECT_EQ(64, run("kwardenctl disable", out, sizeof(out)));
	EXPECT_EQ(64, run("kwardenctl disable a b", out, sizeof(out)));
	EXPECT_EQ(64, run("kwardenctl disable ../etc", out, sizeof(out)));
	EXPECT_EQ(64, run("kwardenctl release x --dry-run", out, sizeof(out)));
	EXPECT_EQ(64, run("kwardenctl module list", out, sizeof(out)));
	EXPECT_EQ(64, run("kwardenctl top --iterations 0", out, sizeof(out)));
	EXPECT_EQ(1, run("kwardenctl disable kw_not_loaded", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "is not loaded"));
	EXPECT_EQ(1, run("kwardenctl disable kwarden", out, sizeof(out)));
	EXPECT_EQ(0, run("kwardenctl top --iterations 2 --interval 1", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "round 2"));
	EXPECT_EQ(0, run("kwardenctl module show kwarden", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "kwarden, loaded"));
}

TEST_HARNESS_MAIN
