// SPDX-License-Identifier: GPL-2.0
/*
 * Every kwardenctl command, run by an unprivileged user inside a test VM,
 * fails with a permission error (exit status 4, "permission denied" on
 * stderr) and changes nothing: kwardenctl refuses non-root users before
 * anything else.  Behind it, without kwardenctl: a non-root process that
 * speaks the control protocol itself is stopped by the socket's mode, and
 * one that gets past the mode (CAP_DAC_OVERRIDE kept, uid nobody) is
 * refused by kwardend itself (SO_PEERCRED): an error line, the connection
 * closed, nothing done.  Root on the same code path is answered (the
 * control).
 */
#include <errno.h>
#include <string.h>
#include <grp.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include "unit/harness.h"
#include "kw_vmtest.h"
#include "proto.h"

#define NOBODY		65534
#define EXIT_NOPERM	4
#define CONTROL_SOCK	KW_CONTROL_SOCKET

/* Become nobody; with dac, keep CAP_DAC_OVERRIDE (and only it) effective */
static int become_nobody(bool dac)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct c[2] = {};

	if (dac && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0))
		return -1;
	if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY))
		return -1;
	if (!dac)
		return 0;
	c[0].effective = c[0].permitted = 1U << CAP_DAC_OVERRIDE;
	return syscall(SYS_capset, &h, c);
}

/*
 * Runs fn(fd, arg) in a child: its exit status (-1 if it did not exit),
 * and the first bytes it wrote to fd in out
 */
static int in_child(int (*fn)(int fd, const void *arg), const void *arg,
		    char *out, size_t len)
{
	int p[2], st;
	ssize_t n;
	pid_t pid;

	if (pipe(p))
		return -1;
	pid = fork();
	if (!pid) {
		close(p[0]);
		_exit(fn(p[1], arg));
	}
	close(p[1]);
	n = read(p[0], out, len - 1);
	out[n > 0 ? n : 0] = '\0';
	close(p[0]);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/* kwardenctl ARGS... as nobody, its stderr to fd */
static int kwardenctl_as_nobody(int fd, const void *arg)
{
	const char *const *args = arg;
	const char *argv[8] = { "kwardenctl" };
	int i;

	dup2(fd, 2);
	for (i = 0; args[i] && i < 6; i++)
		argv[i + 1] = args[i];
	if (become_nobody(false))
		return 99;
	execvp("kwardenctl", (char *const *)argv);
	return 98;
}

/* Exit status and the first bytes of stderr of kwardenctl as nobody */
static int run_as_nobody(const char *const *args, char *err, size_t len)
{
	return in_child(kwardenctl_as_nobody, args, err, len);
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

struct talk {
	int who;		/* 0 root, 1 nobody, 2 nobody past the mode */
	const char *request;
};

/*
 * Connect to the control socket as t->who and send t->request; the
 * reply's first line to fd, and what was seen: 0 a reply and then the
 * connection closed,
 * 1 connect failed with EACCES, 2 a reply without EOF, 3 no reply,
 * 9 setup failed.
 */
static int talk_child(int out, const void *arg)
{
	const struct talk *t = arg;
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char buf[1024], extra;
	ssize_t n, got = 0;
	int fd;

	if (t->who != 0 && become_nobody(t->who == 2))
		return 9;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", CONTROL_SOCK);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 9;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)))
		return errno == EACCES ? 1 : 9;
	/* kwardend may have refused and closed already: no SIGPIPE */
	if (send(fd, t->request, strlen(t->request), MSG_NOSIGNAL) < 0 &&
	    errno != EPIPE)
		return 9;
	while (got < (ssize_t)sizeof(buf) - 1 &&
	       (n = read(fd, buf + got, sizeof(buf) - 1 - got)) > 0) {
		got += n;
		if (memchr(buf, '\n', got))
			break;
	}
	if (got <= 0)
		return 3;
	if (write(out, buf, got) < 0)
		return 9;
	/*
	 * refused: kwardend has closed (with our request unread, which
	 * reads as ECONNRESET); answered: it waits for more
	 */
	shutdown(fd, SHUT_WR);
	n = read(fd, &extra, 1);
	return !n || (n < 0 && errno == ECONNRESET) ? 0 : 2;
}

static int talk(int who, const char *request, char *out, size_t len)
{
	const struct talk t = { .who = who, .request = request };

	return in_child(talk_child, &t, out, len);
}

#define REQ_STATUS	"{\"version\":1,\"cmd\":\"status\"}\n"
#define REQ_SCAN	"{\"version\":1,\"cmd\":\"scan\"}\n{\"version\":1,\"cmd\":\"lock\"}\n"

FIXTURE(socket) {
	uint64_t seq0;
};

FIXTURE_SETUP(socket)
{
	ASSERT_EQ(0, access(CONTROL_SOCK, F_OK)) TH_LOG("kwardend is not running");
	self->seq0 = kw_journal_seq();
}

FIXTURE_TEARDOWN(socket)
{
}

/* The control: root, with the same code, is answered */
TEST_F(socket, root_answered)
{
	char out[1024];
	int st = talk(0, REQ_STATUS, out, sizeof(out));

	EXPECT_TRUE(st == 0 || st == 2) TH_LOG("root: status %d", st);
	TH_LOG("root: %.120s", out);
	EXPECT_NE(NULL, strstr(out, "\"ok\":true,\"status\""));
}

/* nobody without privileges does not get through the socket's mode */
TEST_F(socket, nobody_stopped_by_mode)
{
	char out[1024];

	EXPECT_EQ(1, talk(1, REQ_STATUS, out, sizeof(out)));
	EXPECT_EQ(self->seq0, kw_journal_seq());
}

/* nobody past the mode: kwardend itself refuses it, whatever it asks */
TEST_F(socket, nobody_refused_by_peercred)
{
	char out[1024];

	EXPECT_EQ(0, talk(2, REQ_STATUS, out, sizeof(out)))
		TH_LOG("kwardend did not close the connection after the refusal");
	TH_LOG("nobody with CAP_DAC_OVERRIDE, status: %s", out);
	EXPECT_NE(NULL, strstr(out, "\"ok\":false"));
	EXPECT_NE(NULL, strstr(out, "permission denied"));
	EXPECT_EQ(NULL, strstr(out, "\"status\""));
	EXPECT_EQ(0, talk(2, REQ_SCAN, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "permission denied"));
	/* no scan, no lock: nothing reached the journal */
	EXPECT_EQ(self->seq0, kw_journal_seq());
}

TEST_HARNESS_MAIN
