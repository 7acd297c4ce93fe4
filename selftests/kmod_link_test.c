// SPDX-License-Identifier: GPL-2.0
/*
 * kwardend's netlink link to kwarden.ko, inside a test VM: a text hook by
 * the kw_rootkit_text test module reaches the journal as one
 * kernel_text_modified alert with its where/old/new detail; an alert the
 * kmod raises while kwardend is stopped is fetched from the kmod's backlog
 * when kwardend starts again, exactly once; `scan` answers; messages that
 * another process forges to kwardend's netlink sockets (an alert with a
 * huge sequence number, nlctrl's DELFAMILY) are dropped and counted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include "unit/harness.h"
#include "kw_vmtest.h"

#define ROOTKIT_KO	"/opt/kwarden/selftests/modules/kw_rootkit_text.ko"
#define FILTER		"--kind kernel_text_modified --module kw_rootkit_text"

FIXTURE(kmod_link) {
	uint64_t seq0;
};

FIXTURE_SETUP(kmod_link)
{
	json_object *st = kw_status();
	bool present = json_object_get_boolean(
		kw_get(kw_get(st, "kmod"), "present"));

	json_object_put(st);
	if (!st)
		SKIP(return, "kwardend is not running");
	if (!present)
		SKIP(return, "kwarden.ko is not loaded");
	if (access(ROOTKIT_KO, R_OK))
		SKIP(return, ROOTKIT_KO " is not staged");
	kw_unload("kw_rootkit_text");
	self->seq0 = kw_journal_seq();
}

/*
 * The hook is gone once a pass has seen the page clean again: a hook put
 * back with the same bytes before that is the same change, reported once.
 */
FIXTURE_TEARDOWN(kmod_link)
{
	kw_unload("kw_rootkit_text");
	kw_wait_scans(2);
}

static void check_hook(struct __test_metadata *_metadata, json_object *rec)
{
	json_object *d = kw_get(rec, "detail");

	ASSERT_NE(NULL, rec);
	EXPECT_STREQ("kmod", kw_rec_str(rec, "source"));
	EXPECT_STREQ("crit", kw_rec_str(rec, "severity"));
	EXPECT_EQ(1004, json_object_get_int(kw_get(kw_get(rec, "ocsf"),
						   "class_uid")));
	EXPECT_STREQ("__x64_sys_acct", kw_rec_str(d, "symbol"));
	EXPECT_EQ(0, strncmp(kw_rec_str(d, "where") ?: "",
			     "__x64_sys_acct+0x", 17));
	EXPECT_EQ(0, strncmp(kw_rec_str(d, "new") ?: "", "e9", 2));
	if (kw_golden())
		EXPECT_NE(NULL, kw_rec_str(d, "old"));
	EXPECT_NE(NULL, kw_rec_str(d, "address"));
	EXPECT_STREQ("kw_hook", kw_rec_str(d, "target_symbol"));
	EXPECT_LT(0U, kw_rec_u64(d, "kseq"));
}

TEST_F(kmod_link, multicast_alert)
{
	json_object *rec;
	int n;

	ASSERT_EQ(0, kw_finit(ROOTKIT_KO, ""));
	rec = kw_wait_alerts(FILTER, self->seq0, 1, &n);
	check_hook(_metadata, rec);
	EXPECT_EQ(1, n);
	json_object_put(rec);
}

/* kwarden.ko's log line of an alert (alert.c): "kwarden: KIND at ... [seq N]" */
struct kmsg_wait {
	const char *what;	/* e.g. "kernel_text_modified at SYMBOL+" */
	uint64_t after;		/* kwarden.ko's alert count before */
};

/* kwarden.ko has raised the alert (it is in its backlog) */
static bool kmsg_alert_raised(void *ctx)
{
	const struct kmsg_wait *w = ctx;
	unsigned long long seq;
	bool raised = false;
	char line[1024];
	const char *s;
	FILE *p = popen("dmesg", "r");

	while (p && fgets(line, sizeof(line), p)) {
		s = strstr(line, w->what);
		s = s ? strstr(s, "[seq ") : NULL;
		if (s && sscanf(s, "[seq %llu]", &seq) == 1 && seq > w->after)
			raised = true;
	}
	if (p)
		pclose(p);
	return raised;
}

/* Raised while no kwardend listened: the backlog dump brings it, once */
TEST_F_TIMEOUT(kmod_link, backlog_after_restart, 180)
{
	struct kmsg_wait raised = { .what = "kernel_text_modified at __x64_sys_acct+" };
	json_object *rec, *st;
	uint64_t kseq, before = 0;
	bool seen;
	int n;

	rec = kw_run_json("kwardenctl --json alerts --kind kernel_text_modified",
			  0, &n);
	if (rec)
		before = kw_rec_u64(kw_get(rec, "detail"), "kseq");
	json_object_put(rec);
	st = kw_status();
	raised.after = kw_rec_u64(kw_get(st, "kmod"), "alerts");
	json_object_put(st);
	ASSERT_EQ(0, kw_stop_kwardend());
	ASSERT_EQ(0, kw_finit(ROOTKIT_KO, ""));
	/* until a scan has found the hook: the alert waits in the backlog */
	seen = !kw_wait_for(kmsg_alert_raised, &raised, 3 * KW_WAIT_MS);
	EXPECT_TRUE(seen) TH_LOG("kwarden.ko raised no alert of the hook");
	/* the tests after this one need kwardend, whatever happened */
	ASSERT_EQ(0, kw_start_kwardend());
	if (!seen)
		return;
	rec = kw_wait_alerts(FILTER, self->seq0, 1, &n);
	check_hook(_metadata, rec);
	EXPECT_EQ(1, n);
	kseq = kw_rec_u64(kw_get(rec, "detail"), "kseq");
	EXPECT_LT(before, kseq);
	json_object_put(rec);
	/* nothing older came back a second time */
	rec = kw_wait_alerts("--kind kernel_text_modified", self->seq0, 1, &n);
	EXPECT_EQ(1, n);
	json_object_put(rec);
}

#define MAX_PORTS	16

/* kwardend's generic netlink ports: its socket inodes in /proc/net/netlink */
static int kwardend_ports(uint32_t *ports)
{
	unsigned long inodes[64], ino;
	int ninodes = 0, n = 0, eth, i;
	char dir[64], path[320], link[64], line[256];
	unsigned int port;
	struct dirent *de;
	ssize_t len;
	FILE *f;
	DIR *dp;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", kw_kwardend_pid());
	dp = opendir(dir);
	while (dp && (de = readdir(dp)) && ninodes < 64) {
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		len = readlink(path, link, sizeof(link) - 1);
		if (len <= 0)
			continue;
		link[len] = '\0';
		if (sscanf(link, "socket:[%lu]", &ino) == 1)
			inodes[ninodes++] = ino;
	}
	if (dp)
		closedir(dp);
	f = fopen("/proc/net/netlink", "r");
	while (f && fgets(line, sizeof(line), f) && n < MAX_PORTS) {
		if (sscanf(line, "%*x %d %u %*x %*d %*d %*d %*d %*u %lu",
			   &eth, &port, &ino) != 3 || eth != NETLINK_GENERIC)
			continue;
		for (i = 0; i < ninodes; i++)
			if (inodes[i] == ino)
				ports[n++] = port;
	}
	if (f)
		fclose(f);
	return n;
}

/* Append attribute @type with @len bytes of @data at @buf + *off */
static void put_attr(char *buf, size_t *off, int type, const void *data,
		     size_t len)
{
	struct nlattr *a = (struct nlattr *)(buf + *off);

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy(buf + *off + NLA_HDRLEN, data, len);
	*off += NLA_ALIGN(a->nla_len);
}

struct forged {
	int type;		/* nlmsg_type: a family id */
	uint8_t cmd;
	int attr[2];
	const void *data[2];
	size_t len[2];
};

/* Send @m from this process to netlink port @port: 0 or -errno */
static int forge(uint32_t port, const struct forged *m)
{
	struct sockaddr_nl to = { .nl_family = AF_NETLINK, .nl_pid = port };
	char buf[256] = { 0 };
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct genlmsghdr *gh = (struct genlmsghdr *)(buf + NLMSG_HDRLEN);
	size_t off = NLMSG_HDRLEN + GENL_HDRLEN;
	int fd, err = 0, i;

	gh->cmd = m->cmd;
	gh->version = 1;
	for (i = 0; i < 2; i++)
		put_attr(buf, &off, m->attr[i], m->data[i], m->len[i]);
	nlh->nlmsg_len = off;
	nlh->nlmsg_type = m->type;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		return -errno;
	if (sendto(fd, buf, off, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		err = -errno;
	close(fd);
	return err;
}

static json_object *link_status(const char *key, uint64_t *v)
{
	json_object *st = kw_status();

	*v = kw_rec_u64(kw_get(kw_get(st, "kmod"), "link"), key);
	return st;
}

static bool scans_done(void *ctx)
{
	json_object *st = kw_status();
	uint64_t v = kw_rec_u64(kw_get(st, "kmod"), "scans");

	json_object_put(st);
	return v >= *(uint64_t *)ctx;
}

static bool forged_counted(void *ctx)
{
	uint64_t v;

	json_object_put(link_status("forged", &v));
	return v >= *(uint64_t *)ctx;
}

/*
 * To each of kwardend's netlink sockets, as root: nlctrl's DELFAMILY for
 * "kwarden" (kwardend would think kwarden.ko gone) and an alert with a
 * sequence number far ahead (real alerts would then look like repeats).
 */
TEST_F_TIMEOUT(kmod_link, forged_messages_dropped, 120)
{
	uint64_t huge = 1ULL << 62, want, v;
	uint32_t kind = KW_KIND_kernel_text_modified, ports[MAX_PORTS];
	uint16_t fam;
	json_object *rec, *st;
	int nports, i, n;

	nports = kwardend_ports(ports);
	ASSERT_LE(2, nports) TH_LOG("kwardend's netlink ports not found");
	json_object_put(link_status("family", &v));
	fam = (uint16_t)v;
	ASSERT_LT(0, fam);
	json_object_put(link_status("forged", &want));
	want += 2 * nports;
	for (i = 0; i < nports; i++) {
		struct forged del = {
			GENL_ID_CTRL, CTRL_CMD_DELFAMILY,
			{ CTRL_ATTR_FAMILY_NAME, CTRL_ATTR_FAMILY_ID },
			{ KWARDEN_GENL_NAME, &fam },
			{ sizeof(KWARDEN_GENL_NAME), sizeof(fam) },
		};
		struct forged alert = {
			fam, KWARDEN_CMD_ALERT, { KWARDEN_A_SEQ, KWARDEN_A_KIND },
			{ &huge, &kind }, { sizeof(huge), sizeof(kind) },
		};

		EXPECT_EQ(0, forge(ports[i], &del));
		EXPECT_EQ(0, forge(ports[i], &alert));
	}
	ASSERT_EQ(0, kw_wait_for(forged_counted, &want, KW_WAIT_MS));
	st = link_status("kseq", &v);
	EXPECT_GT(huge, v);
	EXPECT_TRUE(json_object_get_boolean(kw_get(kw_get(st, "kmod"),
						   "present")));
	json_object_put(st);
	/*
	 * The link still carries real alerts, and only them.  The hook of the
	 * test before was taken away in its teardown: two passes, so that the
	 * scanner has seen that page clean before the same hook comes again.
	 */
	st = kw_status();
	v = kw_rec_u64(kw_get(st, "kmod"), "scans") + 2;
	json_object_put(st);
	ASSERT_EQ(0, kw_wait_for(scans_done, &v, KW_WAIT_MS));
	ASSERT_EQ(0, kw_finit(ROOTKIT_KO, ""));
	rec = kw_wait_alerts(FILTER, self->seq0, 1, &n);
	check_hook(_metadata, rec);
	json_object_put(rec);
	json_object_put(kw_run_json("kwardenctl --json alerts --kind kernel_text_modified",
				    (long long)self->seq0, &n));
	EXPECT_EQ(1, n);
	json_object_put(kw_run_json("kwardenctl --json alerts --kind kwarden_degraded",
				    (long long)self->seq0, &n));
	EXPECT_EQ(0, n);
}

TEST_F(kmod_link, scan)
{
	json_object *scan;
	int n;

	scan = kw_run_json("kwardenctl --json scan", -1, &n);
	ASSERT_NE(NULL, scan);
	EXPECT_EQ(1, n);
	EXPECT_TRUE(json_object_get_boolean(kw_get(scan, "present")));
	EXPECT_LT(0U, kw_rec_u64(scan, "scans"));
	json_object_put(scan);
}

TEST_HARNESS_MAIN
