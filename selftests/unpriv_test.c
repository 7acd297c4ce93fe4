// SPDX-License-Identifier: GPL-2.0
/*
 * Every kwardenctl command, run by an unprivileged user inside a test VM,
 * fails with a permission error (exit status 4, "permission denied" on
 * stderr) and changes nothing: kwardenctl refuses non-root users before
 * anything else, and behind it the control socket admits root only
 * (SO_PEERCRED) and the journal and unlock key are root's.
 */
#include <errno.h>
#include <string.h>
#include <grp.h>
#include <unistd.h>
#include <sys/wait.h>
#include "unit/harness.h"
#include "kw_vmtest.h"

#define NOBODY		65534
#define EXIT_NOPERM	4

/* Exit status and the first bytes of stderr of kwardenctl as nobody */
static int run_as_nobody(const char *const *args, char *err, size_t len)
{
	const char *argv[8] = { "kwardenctl" };
	int p[2], st, i;
	ssize_t n;
	pid_t pid;

	if (pipe(p))
		return -1;
	pid = fork();
	if (!pid) {
		close(p[0]);
		dup2(p[1], 2);
		for (i = 0; args[i] && i < 6; i++)
			argv[i + 1] = args[i];
		if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY))
			_exit(99);
		execvp("kwardenctl", (char *const *)argv);
		_exit(98);
	}
	close(p[1]);
	n = read(p[0], err, len - 1);
	err[n > 0 ? n : 0] = '\0';
	close(p[0]);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

FIXTURE(unpriv) {
	uint64_t seq0;
};

FIXTURE_VARIANT(unpriv) {
	const char *args[6];
};

FIXTURE_VARIANT_ADD(unpriv, status) { .args = { "status" } };
FIXTURE_VARIANT_ADD(unpriv, status_json) { .args = { "--json", "status" } };
FIXTURE_VARIANT_ADD(unpriv, alerts) { .args = { "alerts" } };
FIXTURE_VARIANT_ADD(unpriv, alerts_json) { .args = { "--json", "alerts" } };
FIXTURE_VARIANT_ADD(unpriv, scan) { .args = { "scan" } };
FIXTURE_VARIANT_ADD(unpriv, unlock) { .args = { "unlock" } };
FIXTURE_VARIANT_ADD(unpriv, lock) { .args = { "lock" } };
FIXTURE_VARIANT_ADD(unpriv, modules) { .args = { "modules" } };
FIXTURE_VARIANT_ADD(unpriv, module_show) {
	.args = { "module", "show", "kwarden" }
};
FIXTURE_VARIANT_ADD(unpriv, disable_dry_run) {
	.args = { "disable", "kwarden", "--dry-run" }
};
FIXTURE_VARIANT_ADD(unpriv, quarantine) { .args = { "quarantine", "kw_dummy" } };
FIXTURE_VARIANT_ADD(unpriv, release) { .args = { "release", "kw_dummy" } };
FIXTURE_VARIANT_ADD(unpriv, top) { .args = { "top", "--iterations", "1" } };
FIXTURE_VARIANT_ADD(unpriv, policy_show) { .args = { "policy", "show" } };
FIXTURE_VARIANT_ADD(unpriv, policy_learn) { .args = { "policy", "learn" } };
FIXTURE_VARIANT_ADD(unpriv, policy_check) {
	.args = { "policy", "check", "/etc/kwarden/policy" }
};
FIXTURE_VARIANT_ADD(unpriv, policy_apply) {
	.args = { "policy", "apply", "/etc/kwarden/policy" }
};
FIXTURE_VARIANT_ADD(unpriv, disable) { .args = { "disable", "kwarden" } };

FIXTURE_SETUP(unpriv)
{
	if (system("kwardenctl status >/dev/null 2>&1"))
		SKIP(return, "kwardend is not running");
	self->seq0 = kw_journal_seq();
}

FIXTURE_TEARDOWN(unpriv)
{
}

TEST_F(unpriv, permission_denied)
{
	char err[512];
	int st;

	st = run_as_nobody(variant->args, err, sizeof(err));
	TH_LOG("kwardenctl %s as nobody: exit %d: %s", variant->args[0], st,
	       err);
	EXPECT_EQ(EXIT_NOPERM, st);
	EXPECT_NE(NULL, strcasestr(err, "permission denied"));
	/* and nothing happened: no unlock, no scan alert */
	EXPECT_EQ(self->seq0, kw_journal_seq());
}

TEST_HARNESS_MAIN
