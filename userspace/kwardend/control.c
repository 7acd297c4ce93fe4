// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket (/run/kwarden/control.sock, 0600, root peers only):
 * newline-delimited JSON requests, answered in order. `alerts` streams
 * journal records from a cursor, a bounded amount at a time, so a slow or
 * following client costs a file position, not memory.
 *
 * A source of the pipeline (sink.c) by its requests, and the followers
 * it tells after each journal write (kwd_ctl_publish).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include "kwd.h"
#include "boot.h"
#include "control.h"
#include "disable.h"
#include "genl.h"
#include "guard.h"
#include "log.h"
#include "loop.h"
#include "modinfo.h"
#include "modlist.h"
#include "module_policy.h"
#include "stage.h"
#include "status.h"
#include "proto.h"

#define OUT_HIGH	(64 * 1024)	/* stop reading the journal above */
#define MAX_CLIENTS	64
#define MAX_ROUNDS	16		/* per wake-up, then yield */

enum client_state { C_IDLE, C_KMOD, C_STREAM };

struct client {
	struct kwd_watch w;
	struct client *next;
	bool dead, eof, closing, end_sent;
	enum client_state state;
	uint32_t mask;			/* epoll events asked for */
	int pid;			/* SO_PEERCRED */
	unsigned int uid;
	struct kw_request req;
	struct kw_cursor cur;
	uint64_t count;
	char in[KW_REQUEST_MAX + 1];	/* one request and its newline */
	size_t in_len;
	char *out;
	size_t out_len, out_off, out_cap;
};

struct kwd_ctl {
	struct kwd_watch listen;
	struct client *clients;
	unsigned int nclients;
};

/* Its state, reached as d->ctl only; made once, before start */
int kwd_ctl_init(struct kwd *d)
{
	d->ctl = calloc(1, sizeof(*d->ctl));
	if (!d->ctl)
		return -ENOMEM;
	d->ctl->listen.fd = -1;
	return 0;
}

static void set_mask(struct kwd *d, struct client *c, uint32_t mask)
{
	if (mask != c->mask && !kwd_watch_mod(d, &c->w, mask))
		c->mask = mask;
}

static void kill_client(struct kwd *d, struct client *c)
{
	if (c->dead)
		return;
	c->dead = true;
	kwd_genl_cancel(d, c);
	kwd_watch_del(d, &c->w);
	close(c->w.fd);
	kw_cursor_close(&c->cur);
	free(c->out);
	c->out = NULL;
	d->ctl->nclients--;
}

/* Freed between epoll batches, so no event of this batch sees them */
void kwd_ctl_reap(struct kwd *d)
{
	struct client **pp = &d->ctl->clients, *c;

	while ((c = *pp)) {
		if (c->dead) {
			*pp = c->next;
			free(c);
		} else {
			pp = &c->next;
		}
	}
}

static int append(struct client *c, const char *s, size_t len)
{
	size_t need = c->out_len + len + 1;

	if (need > c->out_cap) {
		size_t cap = need < 4096 ? 4096 : need * 2;
		char *p = realloc(c->out, cap);

		if (!p)
			return -ENOMEM;
		c->out = p;
		c->out_cap = cap;
	}
	memcpy(c->out + c->out_len, s, len);
	c->out[c->out_len + len] = '\n';
	c->out_len += len + 1;
	return 0;
}

static void reply(struct client *c, json_object *o)
{
	size_t len;
	const char *s = json_object_to_json_string_length(o,
		JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);

	if (!s || append(c, s, len))
		c->closing = true;
	json_object_put(o);
}

static void reply_error(struct client *c, const char *msg)
{
	reply(c, kw_reply_error(msg));
}

/* true: everything written */
static bool flush(struct kwd *d, struct client *c)
{
	ssize_t n;

	while (c->out_off < c->out_len) {
		n = send(c->w.fd, c->out + c->out_off, c->out_len - c->out_off,
			 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			set_mask(d, c, c->mask | EPOLLOUT);
			return false;
		}
		if (n <= 0) {
			kill_client(d, c);
			return false;
		}
		c->out_off += (size_t)n;
	}
	c->out_off = c->out_len = 0;
	set_mask(d, c, c->mask & ~EPOLLOUT);
	return true;
}

static void end_stream(struct client *c)
{
	json_object *o = kw_reply_ok();

	json_object_object_add(o, "end", json_object_new_boolean(1));
	json_object_object_add(o, "count", json_object_new_uint64(c->count));
	json_object_object_add(o, "following",
			       json_object_new_boolean(c->req.follow));
	reply(c, o);
	c->end_sent = true;
}

/* Journal records into the output buffer; true if it stopped when full */
static bool pump(struct kwd *d, struct client *c)
{
	const char *line;
	json_object *rec;
	size_t len;
	int r;

	while (c->out_len - c->out_off < OUT_HIGH) {
		r = kw_cursor_next_match(&c->cur, d->journal.generation,
					 &c->req.filter, &rec, &line, &len);
		if (r > 0) {
			json_object_put(rec);
			c->count++;
			if (append(c, line, len))
				c->closing = true;
			continue;
		}
		if (r < 0) {
			reply_error(c, "reading the journal failed");
			c->state = C_IDLE;
		} else if (!c->end_sent) {
			end_stream(c);
		}
		if (!c->req.follow)
			c->state = C_IDLE;
		if (c->state == C_IDLE)
			kw_cursor_close(&c->cur);
		return false;
	}
	return true;
}

static void service(struct kwd *d, struct client *c);

/* Answered: go on with the client, unless we answered from handle() */
static void kmod_done(struct kwd *d, struct client *c)
{
	bool async = c->state == C_KMOD;

	c->state = C_IDLE;
	if (async)
		service(d, c);
}

static void on_kmod_status(struct kwd *d, void *ctx, json_object *st,
			   const char *error)
{
	struct client *c = ctx;
	json_object *o = kw_reply_ok();

	json_object_object_add(o, "status", kwd_status(d, st, error));
	reply(c, o);
	kmod_done(d, c);
}

static void on_kmod_scan(struct kwd *d, void *ctx, json_object *st,
			 const char *error)
{
	struct client *c = ctx;
	json_object *o;
	char msg[160];

	if (error) {
		snprintf(msg, sizeof(msg), "scan failed: %s", error);
		reply_error(c, msg);
	} else {
		o = kw_reply_ok();
		json_object_object_add(o, "scan", json_object_get(st));
		reply(c, o);
	}
	kmod_done(d, c);
}

static void ask_kmod(struct kwd *d, struct client *c, int cmd,
		     kwd_kmod_done_fn *done)
{
	int err = kwd_genl_request(d, cmd, done, c);

	if (!err) {
		c->state = C_KMOD;
		return;
	}
	done(d, c, NULL, err == -EBUSY ? "too many requests in flight"
				       : strerror(-err));
}

/* Who asked, for the alerts of unlock and lock */
static void peer_info(const struct client *c, struct kwd_peer *p)
{
	char path[64];
	ssize_t n;
	FILE *f;

	memset(p, 0, sizeof(*p));
	p->pid = c->pid;
	p->uid = c->uid;
	snprintf(path, sizeof(path), "/proc/%d/comm", c->pid);
	f = fopen(path, "re");
	if (f && fgets(p->comm, sizeof(p->comm), f))
		p->comm[strcspn(p->comm, "\n")] = '\0';
	if (f)
		fclose(f);
	snprintf(path, sizeof(path), "/proc/%d/exe", c->pid);
	n = readlink(path, p->exe, sizeof(p->exe) - 1);
	p->exe[n > 0 ? n : 0] = '\0';
}

static void guard_request(struct kwd *d, struct client *c)
{
	struct kwd_peer peer;
	json_object *o;
	int err;

	peer_info(c, &peer);
	if (c->req.cmd == KW_CMD_UNLOCK)
		err = kwd_guard_unlock(d, c->req.key, c->req.unlock_s, &peer);
	else
		err = kwd_guard_lock(d, &peer);
	memset(c->req.key, 0, sizeof(c->req.key));
	if (err == -EACCES) {
		reply_error(c, "unlock refused: wrong key");
		return;
	}
	if (err && err != -ENOENT) {
		reply_error(c, strerror(-err));
		return;
	}
	/* -ENOENT: no guard, nothing to unlock; the status says so */
	o = kw_reply_ok();
	json_object_object_add(o, "guard", kwd_guard_status(d));
	reply(c, o);
}

/* disable, quarantine, release: done at once, answered with the result */
static void module_request(struct kwd *d, struct client *c)
{
	struct kwd_peer peer;
	char origin[128], err[768];
	struct kwd_act act = {
		.name = c->req.name, .reason = c->req.reason,
		.origin = origin, .dry_run = c->req.dry_run,
	};
	json_object *res, *o;

	peer_info(c, &peer);
	snprintf(origin, sizeof(origin), "kwardenctl %s (pid %d, uid %u)",
		 kw_cmd_name(c->req.cmd), peer.pid, peer.uid);
	err[0] = '\0';
	if (c->req.cmd == KW_CMD_DISABLE)
		res = kwd_disable(d, &act, err, sizeof(err));
	else if (c->req.cmd == KW_CMD_QUARANTINE)
		res = kwd_quarantine(d, &act, err, sizeof(err));
	else
		res = kwd_release(d, &act, err, sizeof(err));
	if (!res) {
		reply_error(c, err[0] ? err : "refused");
		return;
	}
	o = kw_reply_ok();
	json_object_object_add(o, "result", res);
	reply(c, o);
}

static void on_policy_pushed(struct kwd *d, void *ctx, json_object *st,
			     const char *error)
{
	struct client *c = ctx;
	json_object *o;
	char msg[200];

	if (error) {
		snprintf(msg, sizeof(msg), "kwarden.ko refused the policy: %s",
			 error);
		reply_error(c, msg);
	} else {
		kwd_policy_acked(d, st);
		o = kw_reply_ok();
		json_object_object_add(o, "policy", kwd_policy_status(d));
		json_object_object_add(o, "kmod", json_object_get(st));
		reply(c, o);
	}
	kmod_done(d, c);
}

/* policy show | reload | apply PATH | history | rollback [VERSION] */
static void policy_request(struct kwd *d, struct client *c)
{
	char err[512];
	json_object *o, *res;
	int ret;

	if (c->req.policy_op == KW_POLICY_HISTORY) {
		o = kw_reply_ok();
		json_object_object_add(o, "history", kwd_stage_history(d));
		reply(c, o);
		return;
	}
	if (c->req.policy_op == KW_POLICY_ROLLBACK) {
		res = kwd_stage_rollback(d, c->req.version, false,
					 "kwardenctl policy rollback", err,
					 sizeof(err));
		if (!res) {
			reply_error(c, err);
			return;
		}
		o = kw_reply_ok();
		json_object_object_add(o, "state", res);
		json_object_object_add(o, "policy", kwd_policy_status(d));
		reply(c, o);
		return;
	}
	if (c->req.policy_op == KW_POLICY_SHOW) {
		o = kw_reply_ok();
		json_object_object_add(o, "policy", kwd_policy_status(d));
		json_object_object_add(o, "last_healthy_boot",
				       kwd_boot_last_healthy(d));
		json_object_object_add(o, "kmod",
				       json_object_new_boolean(kwd_genl_present(d)));
		reply(c, o);
		return;
	}
	kwd_stage_skip_audit(d, c->req.policy_op == KW_POLICY_APPLY && c->req.now);
	ret = kwd_policy_request(d, c->req.policy_op == KW_POLICY_APPLY ?
				 c->req.path : NULL, err, sizeof(err),
				 on_policy_pushed, c);
	if (ret < 0) {
		reply_error(c, err);
		return;
	}
	if (ret == 0) {
		c->state = C_KMOD;
		return;
	}
	o = kw_reply_ok();
	json_object_object_add(o, "policy", kwd_policy_status(d));
	json_object_object_add(o, "kmod", json_object_new_boolean(kwd_genl_present(d)));
	reply(c, o);
}

/* modules: the inventory, or with "loaded" the policy's facts */
static void modules_request(struct kwd *d, struct client *c)
{
	json_object *o = kw_reply_ok(), *loaded;

	if (!c->req.loaded) {
		json_object_object_add(o, "modules", kwd_modules(d));
		json_object_object_add(o, "blocklist", kwd_blocks_status(d));
		reply(c, o);
		return;
	}
	loaded = kwd_modlist(d);
	if (!loaded) {
		json_object_put(o);
		reply_error(c, "cannot list the loaded modules: /proc/modules unreadable");
		return;
	}
	json_object_object_add(o, "loaded", loaded);
	reply(c, o);
}

static void handle(struct kwd *d, struct client *c, const char *line,
		   size_t len)
{
	json_object *o;
	char err[256];

	if (kw_request_parse(line, len, &c->req, err, sizeof(err))) {
		reply_error(c, err);
		return;
	}
	switch (c->req.cmd) {
	case KW_CMD_STATUS:
		if (kwd_genl_present(d))
			ask_kmod(d, c, KWARDEN_CMD_STATUS, on_kmod_status);
		else
			on_kmod_status(d, c, NULL, NULL);
		break;
	case KW_CMD_SCAN:
		if (kwd_genl_present(d))
			ask_kmod(d, c, KWARDEN_CMD_SCAN, on_kmod_scan);
		else
			reply_error(c, "kwarden.ko is not loaded: no integrity scan in BPF-only mode");
		break;
	case KW_CMD_UNLOCK:
	case KW_CMD_LOCK:
		guard_request(d, c);
		break;
	case KW_CMD_MODULES:
		modules_request(d, c);
		break;
	case KW_CMD_MODULE:
		o = kw_reply_ok();
		json_object_object_add(o, "module", kwd_module_facts(d, c->req.name));
		reply(c, o);
		break;
	case KW_CMD_DISABLE:
	case KW_CMD_QUARANTINE:
	case KW_CMD_RELEASE:
		module_request(d, c);
		break;
	case KW_CMD_POLICY:
		policy_request(d, c);
		break;
	case KW_CMD_ALERTS:
		kw_cursor_init(&c->cur, d->cfg.journal_path,
			       d->cfg.journal_keep, d->journal.generation);
		kw_cursor_pinned(&c->cur);
		c->count = 0;
		c->end_sent = false;
		c->state = C_STREAM;
		break;
	default:
		break;
	}
}

/* Start the next buffered request; false if there is none */
static bool next_request(struct kwd *d, struct client *c)
{
	char *nl = memchr(c->in, '\n', c->in_len), line[sizeof(c->in)];
	size_t len;

	if (!nl) {
		if (c->in_len == sizeof(c->in)) {
			reply_error(c, "request too long");
			c->closing = true;
		} else if (c->eof && c->in_len) {
			reply_error(c, "incomplete request (no newline)");
			c->closing = true;
		}
		return false;
	}
	len = (size_t)(nl - c->in);
	memcpy(line, c->in, len);
	c->in_len -= len + 1;
	memmove(c->in, nl + 1, c->in_len);
	handle(d, c, line, len);
	return true;
}

static void read_input(struct kwd *d, struct client *c)
{
	ssize_t n;

	while (!c->eof && c->in_len < sizeof(c->in)) {
		n = recv(c->w.fd, c->in + c->in_len, sizeof(c->in) - c->in_len,
			 MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			c->eof = true;
			set_mask(d, c, c->mask & ~(EPOLLIN | EPOLLRDHUP));
			return;
		}
		c->in_len += (size_t)n;
	}
}

static void service(struct kwd *d, struct client *c)
{
	bool more = true;
	int round;

	for (round = 0; more && round < MAX_ROUNDS && !c->dead; round++) {
		more = false;
		if (c->state == C_IDLE && !c->closing)
			more = next_request(d, c);
		if (c->state == C_STREAM)
			more = pump(d, c) || more;
		if (!flush(d, c))
			return;
	}
	if (c->dead)
		return;
	if (more)
		set_mask(d, c, c->mask | EPOLLOUT);	/* yield, come back */
	else if (c->closing || (c->eof && c->state == C_IDLE && !c->in_len))
		kill_client(d, c);
}

static void on_client(struct kwd *d, struct kwd_watch *w, uint32_t events)
{
	struct client *c = (struct client *)((char *)w - offsetof(struct client, w));

	if (c->dead)
		return;
	if (events & (EPOLLERR | EPOLLHUP)) {
		kill_client(d, c);
		return;
	}
	if (events & (EPOLLIN | EPOLLRDHUP))
		read_input(d, c);
	service(d, c);
}

void kwd_ctl_publish(struct kwd *d)
{
	struct client *c;

	for (c = d->ctl->clients; c; c = c->next)
		if (!c->dead && c->state == C_STREAM && !(c->mask & EPOLLOUT))
			service(d, c);
}

/* Only root may talk to us; the socket mode says so too */
static bool peer_is_root(int fd, struct ucred *cred)
{
	socklen_t len = sizeof(*cred);

	return !getsockopt(fd, SOL_SOCKET, SO_PEERCRED, cred, &len) &&
	       cred->uid == 0;
}

static void refuse(int fd, const char *why)
{
	json_object *o = kw_reply_error(why);
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);

	if (send(fd, s, strlen(s), MSG_NOSIGNAL | MSG_DONTWAIT) > 0)
		send(fd, "\n", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
	json_object_put(o);
	close(fd);
}

static void on_listen(struct kwd *d, struct kwd_watch *w, uint32_t events)
{
	struct ucred cred;
	struct client *c;
	int fd;

	while ((fd = accept4(w->fd, NULL, NULL,
			     SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		if (!peer_is_root(fd, &cred)) {
			refuse(fd, "permission denied: kwardend answers root only");
			continue;
		}
		if (d->ctl->nclients >= MAX_CLIENTS) {
			refuse(fd, "too many clients");
			continue;
		}
		c = calloc(1, sizeof(*c));
		if (!c) {
			close(fd);
			continue;
		}
		c->w.fd = fd;
		c->w.cb = on_client;
		c->pid = cred.pid;
		c->uid = cred.uid;
		c->mask = EPOLLIN | EPOLLRDHUP;
		if (kwd_watch_add(d, &c->w, c->mask)) {
			close(fd);
			free(c);
			continue;
		}
		c->next = d->ctl->clients;
		d->ctl->clients = c;
		d->ctl->nclients++;
	}
}

/* Another kwardend answering on path? Then we must not start. */
/*
 * Does another kwardend answer on path? Its pid (from SO_PEERCRED: the
 * process that called listen) goes to *pid when asked, else 0.
 */
bool kwd_ctl_other_running(const char *path, pid_t *pid)
{
	struct sockaddr_un sun;
	struct ucred cred;
	socklen_t len = sizeof(cred);
	bool running;
	int fd;

	if (pid)
		*pid = 0;
	if (kw_unix_addr(path, &sun))
		return false;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	running = !connect(fd, (struct sockaddr *)&sun, sizeof(sun));
	if (running && pid &&
	    !getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len))
		*pid = cred.pid;
	close(fd);
	return running;
}

static void make_dir(const char *path)
{
	char dir[KW_SOCKET_PATH_MAX], *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		mkdir(dir, 0700);
	}
}

/*
 * The node bind() made at path must be our socket, mode 0600. Its mode
 * comes from the umask at bind() (0777 & ~0177): nothing by path sets it.
 * fchmod() on the socket before bind() would not do: it changes the
 * sockfs inode, not the node bind() creates. A chmod(path) after bind()
 * follows a symlink swapped in between, and would change its target's
 * mode. lstat() sees what is there: anything else, or another mode (a
 * default ACL on the directory overrides the umask), is refused.
 */
static int check_node(const char *path)
{
	struct stat st;

	if (lstat(path, &st))
		return -errno;
	if (S_ISSOCK(st.st_mode) && st.st_uid == geteuid() &&
	    (st.st_mode & 07777) == 0600)
		return 0;
	kwd_log(LOG_ERR, "control socket %s: not our 0600 socket (mode %o, uid %u): refused",
		path, (unsigned int)st.st_mode, (unsigned int)st.st_uid);
	return -EPERM;
}

int kwd_ctl_start(struct kwd *d)
{
	const char *path = d->cfg.socket_path;
	struct sockaddr_un sun;
	mode_t old;
	int fd, err;

	err = kw_unix_addr(path, &sun);
	if (err)
		return err;
	make_dir(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	unlink(path);
	old = umask(0177);
	err = bind(fd, (struct sockaddr *)&sun, sizeof(sun)) ? -errno : 0;
	umask(old);
	if (!err)
		err = check_node(path);
	if (!err && listen(fd, 16))
		err = -errno;
	d->ctl->listen.fd = fd;
	d->ctl->listen.cb = on_listen;
	if (!err)
		err = kwd_watch_add(d, &d->ctl->listen, EPOLLIN);
	if (err) {
		close(fd);
		d->ctl->listen.fd = -1;
		return err;
	}
	return 0;
}

void kwd_ctl_stop(struct kwd *d)
{
	struct client *c;

	for (c = d->ctl->clients; c; c = c->next)
		kill_client(d, c);
	kwd_ctl_reap(d);
	if (d->ctl->listen.fd >= 0) {
		kwd_watch_del(d, &d->ctl->listen);
		close(d->ctl->listen.fd);
		unlink(d->cfg.socket_path);
		d->ctl->listen.fd = -1;
	}
}
