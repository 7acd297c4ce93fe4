// SPDX-License-Identifier: GPL-2.0
/*
 * kwardend: loads and pins the BPF programs, listens to kwarden.ko, writes
 * every alert to the durable journal, and serves kwardenctl.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif
#include "kwd.h"
#include "boot.h"
#include "bpf.h"
#include "bpf_fit.h"
#include "control.h"
#include "danger.h"
#include "disable.h"
#include "fault_budget.h"
#include "flood.h"
#include "genl.h"
#include "guard.h"
#include "log.h"
#include "loop.h"
#include "metrics.h"
#include "modstats.h"
#include "module_policy.h"
#include "response_policy.h"
#include "sink.h"
#include "stage.h"
#include "status.h"
#include "timefmt.h"

struct options {
	const char *config;
	bool config_given;
	bool foreground;
	bool check_config;
	bool boot_check;
	bool no_bpf, no_kmod;
};

static void print_usage(FILE *f)
{
	fprintf(f,
		"Usage: kwardend [OPTION]...\n"
		"kwarden's user-space controller: BPF programs, kwarden.ko link,\n"
		"alert journal and the control socket of kwardenctl.\n"
		"\n"
		"  -f, --foreground     stay in the foreground, log to stderr\n"
		"  -c, --config FILE    configuration file (default %s)\n"
		"      --check-config   check the configuration, print problems, exit\n"
		"      --boot-check     judge the previous boots, quarantine crash-looping\n"
		"                       modules, record this boot, exit (kwarden-early.service)\n"
		"      --no-bpf         do not load the BPF programs\n"
		"      --no-kmod        do not talk to kwarden.ko\n"
		"  -h, --help           this help\n"
		"  -V, --version        print the version\n"
		"\n"
		"Exit status: 0 stopped cleanly (or configuration valid), 1 error,\n"
		"64 usage error.\n", KW_CONF_PATH);
}

static int parse_options(int argc, char **argv, struct options *o)
{
	enum { OPT_CHECK = 256, OPT_NO_BPF, OPT_NO_KMOD, OPT_BOOT_CHECK };
	static const struct option longopts[] = {
		{ "foreground", no_argument, NULL, 'f' },
		{ "config", required_argument, NULL, 'c' },
		{ "check-config", no_argument, NULL, OPT_CHECK },
		{ "boot-check", no_argument, NULL, OPT_BOOT_CHECK },
		{ "no-bpf", no_argument, NULL, OPT_NO_BPF },
		{ "no-kmod", no_argument, NULL, OPT_NO_KMOD },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{}
	};
	int c;

	o->config = KW_CONF_PATH;
	while ((c = getopt_long(argc, argv, "fc:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			o->foreground = true;
			break;
		case 'c':
			o->config = optarg;
			o->config_given = true;
			break;
		case OPT_CHECK:
			o->check_config = true;
			break;
		case OPT_BOOT_CHECK:
			o->boot_check = true;
			break;
		case OPT_NO_BPF:
			o->no_bpf = true;
			break;
		case OPT_NO_KMOD:
			o->no_kmod = true;
			break;
		case 'h':
			print_usage(stdout);
			exit(0);
		case 'V':
			printf("kwardend %s\n", KWARDEN_VERSION);
			exit(0);
		default:
			print_usage(stderr);
			return 64;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "kwardend: unexpected argument '%s'\n",
			argv[optind]);
		return 64;
	}
	return 0;
}

static void report_stderr(void *ctx, const char *msg)
{
	fprintf(stderr, "kwardend: %s\n", msg);
	(*(int *)ctx)++;
}

/* Bad lines keep their defaults; an unreadable file keeps all of them */
static int load_config(struct kwd *d, const struct options *o)
{
	int reported = 0, n, m;

	kw_config_defaults(&d->cfg);
	n = kw_config_load(&d->cfg, o->config, report_stderr, &reported);
	if (n == -ENOENT && !o->config_given)
		n = 0;
	if (n < 0) {
		fprintf(stderr, "kwardend: %s: %s\n", o->config, strerror(-n));
		return 1;
	}
	m = kw_config_load_dropins(&d->cfg, o->config, report_stderr,
				   &reported);
	if (m < 0) {
		fprintf(stderr, "kwardend: %s.d: %s\n", o->config, strerror(-m));
		return 1;
	}
	return n + m;
}

static void read_boot_id(struct kwd *d)
{
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "re");

	if (!f || !fgets(d->boot_id, sizeof(d->boot_id), f))
		snprintf(d->boot_id, sizeof(d->boot_id), "unknown");
	d->boot_id[strcspn(d->boot_id, "\n")] = '\0';
	if (f)
		fclose(f);
}

static int daemonize(void)
{
	int fd;

	if (daemon(0, 1))
		return -errno;
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		close(fd);
	}
	return 0;
}

static void notify(const char *state)
{
#ifdef HAVE_LIBSYSTEMD
	sd_notify(0, state);
#endif
}

/* /proc/PID/cgroup (PID 0: ours) into buf; false if unreadable */
static bool read_cgroup(pid_t pid, char *buf, size_t size)
{
	char path[64];
	ssize_t n;
	int fd;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	else
		snprintf(path, sizeof(path), "/proc/self/cgroup");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return true;
}

/*
 * Started by systemd while the kwardend of the same unit still runs: a
 * stop by hand was refused while locked (its signals denied, see
 * kwardend-stop), and systemd has forgotten its main process. Hand the
 * unit back to that kwardend (MAINPID=) and leave. Only a process in our
 * own cgroup, that is our unit, is adopted.
 */
static bool adopt(pid_t other)
{
#ifdef HAVE_LIBSYSTEMD
	char mine[512], theirs[512], msg[128];

	if (other <= 0 || !getenv("NOTIFY_SOCKET") ||
	    !read_cgroup(0, mine, sizeof(mine)) ||
	    !read_cgroup(other, theirs, sizeof(theirs)) ||
	    strcmp(mine, theirs))
		return false;
	snprintf(msg, sizeof(msg),
		 "MAINPID=%d\nREADY=1\nSTATUS=adopted the running kwardend (pid %d)",
		 (int)other, (int)other);
	if (sd_notify(0, msg) <= 0)
		return false;
	/* systemd has read MAINPID= before it sees us exit */
	sd_notify_barrier(0, 5 * 1000000ULL);
	fprintf(stderr, "kwardend: kwardend (pid %d) still runs in this unit: adopted as its main process\n",
		(int)other);
	return true;
#else
	return false;
#endif
}

/* Each part's state, before anything runs; out of memory: no kwardend */
static int init_parts(struct kwd *d)
{
	if (kwd_boot_init(d) || kwd_stage_init(d) || kwd_policy_init(d) ||
	    kwd_guard_init(d) || kwd_genl_init(d) || kwd_ctl_init(d) ||
	    kwd_danger_init(d) || kwd_budget_init(d) ||
	    kwd_modstat_init(d) || kwd_response_init(d)) {
		kwd_log(LOG_CRIT, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

/*
 * The pipeline's subscribers, in the order each alert reaches them: the
 * response policy and the fault budget read the counts modstats keeps.
 */
static void subscribe(struct kwd *d)
{
	kwd_subscribe(d, &kwd_boot_subscriber);
	kwd_subscribe(d, &kwd_modstat_subscriber);
	kwd_subscribe(d, &kwd_response_subscriber);
	kwd_subscribe(d, &kwd_stage_subscriber);
	kwd_subscribe(d, &kwd_budget_subscriber);
	kwd_sink_followers(d, kwd_ctl_publish);
}

/* What we cannot watch is an alert, raised once all parts are up */
static void report_coverage(struct kwd *d, const struct options *o)
{
	if (!d->bpf && !kwd_genl_present(d))
		kwd_degraded(d, "neither BPF programs nor kwarden.ko: kwarden watches nothing");
	else if (!kwd_genl_present(d))
		kwd_degraded(d, "kwarden.ko is not loaded: BPF-only mode, no kernel integrity checks");
	else if (!d->bpf)
		kwd_degraded(d, "BPF programs not loaded: no module-load attribution, no self-protection");
	kwd_guard_report(d);
	if (d->bpf)
		kwd_bpf_fit_report(d);
}

static int start(struct kwd *d, const struct options *o)
{
	int err;

	d->started_ns = kw_now_ns();
	read_boot_id(d);
	err = init_parts(d);
	if (err)
		return err;
	subscribe(d);
	err = kwd_loop_init(d);
	if (err) {
		kwd_log(LOG_ERR, "event loop: %s", strerror(-err));
		return err;
	}
	kwd_guard_claim(d);	/* a locked guard lets only kwardend write */
	kwd_journal_open(d);
	kwd_flood_start(d);
	kwd_journal_replay(d);	/* resume points, modstats, fault budget */
	kwd_boot_start(d);	/* quarantines go out with the first policy */
	kwd_blocks_start(d);
	if (!o->no_bpf)
		kwd_bpf_start(d);
	kwd_policy_start(d);	/* before kwarden.ko is connected to */
	kwd_stage_start(d);	/* its stage, and a rollback, before too */
	if (!o->no_kmod && kwd_genl_start(d) == -ENOENT)
		kwd_log(LOG_WARNING, "kwarden.ko is not loaded");
	if (!kwd_genl_present(d))
		kwd_safe_mode_apply(d);
	kwd_response_start(d);
	err = kwd_ctl_start(d);
	if (err)
		kwd_log(LOG_ERR, "control socket %s: %s: kwardenctl cannot reach us",
			d->cfg.socket_path, strerror(-err));
	report_coverage(d, o);
	kwd_log(LOG_INFO, "kwardend %s running, mode %s", KWARDEN_VERSION,
		kwd_mode(d));
	return 0;
}

/* kwarden-early.service: before systemd-modules-load.service */
static int boot_check(struct kwd *d)
{
	kwd_log_init(d->cfg.syslog);
	d->started_ns = kw_now_ns();
	read_boot_id(d);
	if (init_parts(d))
		return 1;
	subscribe(d);
	kwd_journal_open(d);
	kwd_boot_start(d);
	kwd_boot_stop(d);
	kwd_journal_close(d);
	return 0;
}

static void stop(struct kwd *d)
{
	kwd_metrics_stop(d);
	kwd_boot_stop(d);
	kwd_ctl_stop(d);
	kwd_genl_stop(d);
	kwd_policy_stop(d);
	kwd_bpf_stop(d);
	kwd_flood_stop(d);
	kwd_journal_close(d);
}

int main(int argc, char **argv)
{
	struct options o = {};
	struct kwd d = { .epfd = -1, .pinned.fd = -1 };
	char st[64];
	pid_t other;
	int err;

	err = parse_options(argc, argv, &o);
	if (err)
		return err;
	d.config_path = o.config;
	err = load_config(&d, &o);
	if (o.check_config) {
		if (!err)
			printf("%s: configuration valid\n", o.config);
		return err ? 1 : 0;
	}
	if (o.boot_check)
		return boot_check(&d);
	if (kwd_ctl_other_running(d.cfg.socket_path, &other)) {
		if (adopt(other))
			return 0;
		fprintf(stderr, "kwardend: another kwardend answers on %s\n",
			d.cfg.socket_path);
		return 1;
	}
	if (!o.foreground && !getenv("NOTIFY_SOCKET") && daemonize()) {
		perror("kwardend: daemon");
		return 1;
	}
	kwd_log_init(d.cfg.syslog || (!o.foreground && !getenv("NOTIFY_SOCKET")));
	if (start(&d, &o))
		return 1;
	snprintf(st, sizeof(st), "READY=1\nSTATUS=mode %s", kwd_mode(&d));
	notify(st);
	err = kwd_loop_run(&d);
	notify("STOPPING=1");
	if (err)
		kwd_log(LOG_ERR, "event loop: %s", strerror(-err));
	stop(&d);
	return err ? 1 : 0;
}
