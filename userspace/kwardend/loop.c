// SPDX-License-Identifier: GPL-2.0
/*
 * The one epoll loop of kwardend: ring buffer, netlink sockets, control
 * socket, signals and a one-second tick all come through here.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include "kwd.h"
#include "boot.h"
#include "bpf.h"
#include "control.h"
#include "danger.h"
#include "flood.h"
#include "genl.h"
#include "guard.h"
#include "log.h"
#include "loop.h"
#include "metrics.h"
#include "request.h"
#include "response_policy.h"
#include "stage.h"

#define MAX_EVENTS	32

static struct kwd_watch sig_watch = { .fd = -1 };
static struct kwd_watch tick_watch = { .fd = -1 };

int kwd_watch_add(struct kwd *d, struct kwd_watch *w, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = w };

	return epoll_ctl(d->epfd, EPOLL_CTL_ADD, w->fd, &ev) ? -errno : 0;
}

int kwd_watch_mod(struct kwd *d, struct kwd_watch *w, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = w };

	return epoll_ctl(d->epfd, EPOLL_CTL_MOD, w->fd, &ev) ? -errno : 0;
}

void kwd_watch_del(struct kwd *d, struct kwd_watch *w)
{
	if (w->fd >= 0)
		epoll_ctl(d->epfd, EPOLL_CTL_DEL, w->fd, NULL);
}

static void on_signal(struct kwd *d, struct kwd_watch *w, uint32_t events)
{
	struct signalfd_siginfo si;

	while (read(w->fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			kwd_log(LOG_NOTICE, "SIGHUP: reloading is not supported yet, restart kwardend to apply a new configuration");
			continue;
		}
		kwd_log(LOG_NOTICE, "signal %u: stopping", si.ssi_signo);
		d->stop = true;
	}
}

static void on_tick(struct kwd *d, struct kwd_watch *w, uint32_t events)
{
	uint64_t n;

	if (read(w->fd, &n, sizeof(n)) != sizeof(n))
		return;
	kwd_bpf_tick(d);
	kwd_genl_tick(d);
	kwd_guard_tick(d);
	kwd_danger_contained_sync(d);
	kwd_request_tick(d);
	kwd_response_tick(d);
	kwd_boot_tick(d);
	kwd_metrics_tick(d);
	kwd_stage_tick(d);
	kwd_flood_tick(d);
}

static int add_signals(struct kwd *d)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -errno;
	signal(SIGPIPE, SIG_IGN);
	sig_watch.fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (sig_watch.fd < 0)
		return -errno;
	sig_watch.cb = on_signal;
	return kwd_watch_add(d, &sig_watch, EPOLLIN);
}

static int add_tick(struct kwd *d)
{
	struct itimerspec its = {
		.it_interval = { .tv_sec = 1 }, .it_value = { .tv_sec = 1 },
	};

	tick_watch.fd = timerfd_create(CLOCK_MONOTONIC,
				       TFD_NONBLOCK | TFD_CLOEXEC);
	if (tick_watch.fd < 0)
		return -errno;
	if (timerfd_settime(tick_watch.fd, 0, &its, NULL))
		return -errno;
	tick_watch.cb = on_tick;
	return kwd_watch_add(d, &tick_watch, EPOLLIN);
}

int kwd_loop_init(struct kwd *d)
{
	int err;

	d->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (d->epfd < 0)
		return -errno;
	err = add_signals(d);
	return err ? err : add_tick(d);
}

int kwd_loop_run(struct kwd *d)
{
	struct epoll_event ev[MAX_EVENTS];
	struct kwd_watch *w;
	int i, n;

	while (!d->stop) {
		n = epoll_wait(d->epfd, ev, MAX_EVENTS, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		for (i = 0; i < n && !d->stop; i++) {
			w = ev[i].data.ptr;
			w->cb(d, w, ev[i].events);
		}
		kwd_ctl_reap(d);
	}
	return 0;
}
