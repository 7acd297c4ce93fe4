// SPDX-License-Identifier: GPL-2.0
/*
 * Livepatches reported as what they are, inside a test VM.
 *
 * kw_livepatch.ko replaces cmdline_proc_show() through the kernel's
 * livepatch core (klp_enable_patch(), as the kernel's sample does).  Each
 * replaced function must give one livepatch_applied record naming the old
 * function, the new one, the patched object and the livepatch module,
 * with its signature state: crit when the module-load policy does not
 * vouch for the module (here: let in by "default allow"), notice when an
 * allow rule names it.  Disabling the patch through sysfs, or replacing it
 * with an atomic-replace patch (kw_livepatch_replace.ko), must give one
 * livepatch_reverted.  The ftrace redirection behind it must raise no
 * integrity alert, and /proc/cmdline shows that the patch really ran.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include "unit/harness.h"
#include "kw_vmtest.h"

#define LP_NAME		"kw_livepatch"
#define LP_KO		"/opt/kwarden/selftests/modules/" LP_NAME ".ko"
#define LP_SYSFS	"/sys/kernel/livepatch/" LP_NAME
#define LP_OLD		"cmdline_proc_show"
#define LP_NEW		"kw_livepatch_cmdline_proc_show"
#define POL_FILE	"/tmp/kw-livepatch-policy"
/* an atomic-replace livepatch of the same function */
#define RP_NAME		"kw_livepatch_replace"
#define RP_KO		"/opt/kwarden/selftests/modules/" RP_NAME ".ko"
#define RP_NEW		"kw_replace_cmdline_proc_show"

static bool exists(const char *path)
{
	return !access(path, F_OK);
}

/* Waits up to ms for path to exist (want) or to be gone (!want) */
static bool wait_path(const char *path, bool want, int ms)
{
	for (; ms > 0; ms -= 100) {
		if (exists(path) == want)
			return true;
		usleep(100 * 1000);
	}
	return exists(path) == want;
}

static int write_file(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");
	int err = !f;

	if (f)
		err = (fputs(s, f) < 0) | (fclose(f) != 0);
	return err ? -1 : 0;
}

/* Livepatch module name's patch disabled, its transition done, it gone */
static void lp_remove(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/kernel/livepatch/%s", name);
	if (exists(path)) {
		snprintf(path, sizeof(path),
			 "/sys/kernel/livepatch/%s/enabled", name);
		write_file(path, "0");
		snprintf(path, sizeof(path), "/sys/kernel/livepatch/%s", name);
		wait_path(path, false, 60000);
	}
	kw_unload(name);
	snprintf(path, sizeof(path), "/sys/module/%s", name);
	wait_path(path, false, 10000);
}

/*
 * "kwardenctl policy apply --now" of: mode enforce, default, extra rules,
 * then an allow rule for every module loaded now (kwardenctl policy learn)
 */
static int apply_policy(const char *def, const char *extra)
{
	char line[1024];
	FILE *in, *out;
	int ret = 0, st;

	if (system("kwardenctl policy learn -o " POL_FILE ".learned >/dev/null"))
		return -1;
	in = fopen(POL_FILE ".learned", "r");
	out = fopen(POL_FILE, "w");
	if (!in || !out)
		ret = -1;
	if (!ret) {
		fprintf(out, "mode enforce\ndefault %s\n%s", def, extra);
		while (fgets(line, sizeof(line), in))
			if (!strncmp(line, "allow ", 6))
				fputs(line, out);
	}
	if (in)
		fclose(in);
	if (out && fclose(out))
		ret = -1;
	if (ret)
		return ret;
	st = system("kwardenctl policy apply --now " POL_FILE " >/dev/null");
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (f && !fgets(buf, (int)len, f))
		buf[0] = '\0';
	if (f)
		fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
}

/* Until livepatch name's transition is over (transition reads 0) */
static bool wait_settled(const char *name, int ms)
{
	char path[128], buf[8];

	snprintf(path, sizeof(path), "/sys/kernel/livepatch/%s/transition",
		 name);
	for (; ms > 0; ms -= 100) {
		read_line(path, buf, sizeof(buf));
		if (!strcmp(buf, "0"))
			return true;
		usleep(100 * 1000);
	}
	return false;
}

static json_object *wait_kind_of(const char *kind, const char *module,
				 uint64_t after, int *n)
{
	char filter[128];

	snprintf(filter, sizeof(filter), "--kind %s --module %s", kind, module);
	return kw_wait_alerts(filter, after, 1, n);
}

static json_object *wait_kind(const char *kind, uint64_t after, int *n)
{
	return wait_kind_of(kind, LP_NAME, after, n);
}

FIXTURE(livepatch) {
	uint64_t seq0;
};

FIXTURE_SETUP(livepatch)
{
	if (system("kwardenctl status >/dev/null 2>&1"))
		SKIP(return, "kwardend is not running");
	if (!exists("/sys/module/kwarden"))
		SKIP(return, "kwarden.ko is not loaded: livepatches go unseen");
	if (access(LP_KO, R_OK))
		SKIP(return, LP_KO " is not staged");
	lp_remove(RP_NAME);
	lp_remove(LP_NAME);
	ASSERT_FALSE(exists("/sys/module/" LP_NAME));
	/*
	 * Until a pass has seen the last test's patch gone: the same patch
	 * reverted and applied again between two passes is no change.
	 */
	kw_wait_scans(2);
	self->seq0 = kw_journal_seq();
}

FIXTURE_TEARDOWN(livepatch)
{
	lp_remove(RP_NAME);
	lp_remove(LP_NAME);
	/* the other tests of this VM load modules freely */
	if (system("echo 'mode off' > " POL_FILE ".off && kwardenctl policy apply --now " POL_FILE ".off >/dev/null"))
		TH_LOG("could not turn the policy off");
}

/* What every livepatch record of kw_livepatch says */
static void check_record(struct __test_metadata *_metadata, json_object *rec,
			 const char *kind, const char *severity)
{
	json_object *d = kw_get(rec, "detail"), *ocsf = kw_get(rec, "ocsf");

	ASSERT_NE(NULL, rec);
	EXPECT_STREQ(kind, kw_rec_str(rec, "kind"));
	EXPECT_STREQ(severity, kw_rec_str(rec, "severity"));
	EXPECT_STREQ("logged", kw_rec_str(rec, "action"));
	EXPECT_STREQ("kmod", kw_rec_str(rec, "source"));
	EXPECT_STREQ(LP_NAME, kw_rec_str(rec, "module"));
	EXPECT_STREQ(LP_NAME, kw_rec_str(d, "name"));
	EXPECT_STREQ("livepatch", kw_rec_str(d, "region"));
	EXPECT_STREQ(LP_OLD, kw_rec_str(d, "symbol"));
	EXPECT_STREQ(LP_NEW, kw_rec_str(d, "target_symbol"));
	EXPECT_STREQ("vmlinux", kw_rec_str(d, "object"));
	EXPECT_NE(NULL, kw_rec_str(d, "address"));
	EXPECT_NE(NULL, kw_rec_str(d, "target"));
	/* built out of tree, unsigned; the kernel taints a livepatch K */
	EXPECT_FALSE(json_object_get_boolean(kw_get(d, "sig_ok")));
	EXPECT_NE(NULL, strchr(kw_rec_str(d, "taint_flags") ?: "", 'K'));
	EXPECT_STREQ(LP_KO, kw_rec_str(d, "path"));
	EXPECT_EQ(64, (int)strlen(kw_rec_str(d, "sha256") ?: ""));
	EXPECT_EQ(1002, json_object_get_int(kw_get(ocsf, "class_uid")));
	EXPECT_EQ(strcmp(severity, "crit") ? 2 : 5,
		  json_object_get_int(kw_get(ocsf, "severity_id")));
	EXPECT_NE(NULL, strstr(kw_rec_str(rec, "message") ?: "", LP_OLD));
}

/* Load kw_livepatch; its applied record, the only one */
static json_object *load_applied(struct __test_metadata *_metadata,
				 uint64_t seq0)
{
	json_object *rec;
	char buf[128];
	int n;

	EXPECT_EQ(0, kw_finit(LP_KO, ""));
	EXPECT_TRUE(wait_path(LP_SYSFS, true, 10000));
	read_line("/proc/cmdline", buf, sizeof(buf));
	EXPECT_STREQ(LP_NAME, buf) TH_LOG("the patch did not take");
	rec = wait_kind("livepatch_applied", seq0, &n);
	EXPECT_EQ(1, n);
	return rec;
}

/* Let in by "default allow": no rule vouches for it */
TEST_F_TIMEOUT(livepatch, applied_crit_when_not_allowed, 300)
{
	json_object *rec, *d;

	ASSERT_EQ(0, apply_policy("allow", ""));
	rec = load_applied(_metadata, self->seq0);
	check_record(_metadata, rec, "livepatch_applied", "crit");
	d = kw_get(rec, "detail");
	EXPECT_STREQ("allowed", kw_rec_str(d, "verdict"));
	EXPECT_STREQ("default allow", kw_rec_str(d, "rule"));
	json_object_put(rec);
	kw_wait_scans(3);
	EXPECT_EQ(0, kw_memory_alerts(self->seq0));
}

/* An allow rule that names the module: notice */
TEST_F_TIMEOUT(livepatch, applied_notice_when_allowed_by_name, 300)
{
	json_object *rec, *d;

	ASSERT_EQ(0, apply_policy("deny",
				  "allow name=" LP_NAME " reason=\"our livepatch\"\n"));
	rec = load_applied(_metadata, self->seq0);
	check_record(_metadata, rec, "livepatch_applied", "notice");
	d = kw_get(rec, "detail");
	EXPECT_STREQ("allowed", kw_rec_str(d, "verdict"));
	EXPECT_NE(NULL, strstr(kw_rec_str(d, "rule") ?: "", "our livepatch"));
	json_object_put(rec);
}

/* Disabled through sysfs: reverted, and nothing else */
TEST_F_TIMEOUT(livepatch, reverted_when_disabled, 300)
{
	json_object *rec;
	uint64_t seq;
	char buf[128];
	int n;

	rec = load_applied(_metadata, self->seq0);
	check_record(_metadata, rec, "livepatch_applied", "crit");
	json_object_put(rec);
	seq = kw_journal_seq();
	ASSERT_EQ(0, write_file(LP_SYSFS "/enabled", "0"));
	rec = wait_kind("livepatch_reverted", seq, &n);
	check_record(_metadata, rec, "livepatch_reverted", "crit");
	EXPECT_EQ(1, n);
	json_object_put(rec);
	EXPECT_TRUE(wait_path(LP_SYSFS, false, 60000))
		TH_LOG("the unpatch transition did not end");
	read_line("/proc/cmdline", buf, sizeof(buf));
	EXPECT_STRNE(LP_NAME, buf);
	kw_unload(LP_NAME);
	EXPECT_TRUE(wait_path("/sys/module/" LP_NAME, false, 10000));
	kw_wait_scans(3);
	/* one of each, and no integrity alert at any point */
	json_object_put(wait_kind("livepatch_applied", self->seq0, &n));
	EXPECT_EQ(1, n);
	json_object_put(wait_kind("livepatch_reverted", self->seq0, &n));
	EXPECT_EQ(1, n);
	EXPECT_EQ(0, kw_memory_alerts(self->seq0));
}

/*
 * An atomic-replace patch takes the function over: the kernel reverts and
 * frees kw_livepatch's patch, which must be reported reverted; the new
 * one applied.
 */
TEST_F_TIMEOUT(livepatch, replaced_by_atomic_replace, 300)
{
	json_object *rec, *d;
	uint64_t seq;
	char buf[128];
	int n;

	if (access(RP_KO, R_OK))
		SKIP(return, RP_KO " is not staged");
	json_object_put(load_applied(_metadata, self->seq0));
	/* the kernel refuses a patch (EBUSY) while another one is in transition */
	EXPECT_TRUE(wait_settled(LP_NAME, 60000));
	seq = kw_journal_seq();
	ASSERT_EQ(0, kw_finit(RP_KO, ""));
	rec = wait_kind_of("livepatch_applied", RP_NAME, seq, &n);
	EXPECT_EQ(1, n);
	ASSERT_NE(NULL, rec);
	d = kw_get(rec, "detail");
	EXPECT_STREQ(LP_OLD, kw_rec_str(d, "symbol"));
	EXPECT_STREQ(RP_NEW, kw_rec_str(d, "target_symbol"));
	EXPECT_STREQ("vmlinux", kw_rec_str(d, "object"));
	json_object_put(rec);
	rec = wait_kind("livepatch_reverted", seq, &n);
	check_record(_metadata, rec, "livepatch_reverted", "crit");
	EXPECT_EQ(1, n);
	json_object_put(rec);
	EXPECT_TRUE(wait_path(LP_SYSFS, false, 60000));
	read_line("/proc/cmdline", buf, sizeof(buf));
	EXPECT_STREQ(RP_NAME, buf);
	kw_wait_scans(3);
	/* the replacing patch itself stays applied: nothing reverted of it */
	json_object_put(kw_run_json("kwardenctl --json alerts --kind livepatch_reverted --module " RP_NAME,
				    (long long)seq, &n));
	EXPECT_EQ(0, n);
	EXPECT_EQ(0, kw_memory_alerts(self->seq0));
}

TEST_HARNESS_MAIN
