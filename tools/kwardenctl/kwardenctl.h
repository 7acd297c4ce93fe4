/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kwardenctl: the admin CLI of kwarden, a client of kwardend's control
 * socket. Tables for people, --json for machines.
 */
#ifndef KWARDENCTL_H
#define KWARDENCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <json-c/json.h>
#include "proto.h"

/* Exit codes, see `kwardenctl help` */
#define EXIT_TALK		1	/* kwardend unreachable or said no */
#define EXIT_NOT_RUNNING	3	/* status: LSB "program is not running" */
#define EXIT_NOPERM		4	/* LSB "user had insufficient privilege" */
#define EXIT_POLICY_DENIES	2	/* policy check: loaded modules denied */
#define EXIT_USAGE		64	/* EX_USAGE */
#define EXIT_DATAERR		65	/* EX_DATAERR: policy file not valid */

struct ctl {
	bool json;
	const char *socket;
};

#define CONN_BUF_MIN	(64 * 1024)
#define CONN_BUF_MAX	(16 * 1024 * 1024)	/* the longest reply line */

struct conn {
	int fd;
	char *buf;		/* grows to CONN_BUF_MAX for a long line */
	size_t cap, len, off;
	char *line;		/* last line read, NUL-terminated */
};

/* client.c: 0, -ENOENT/-ECONNREFUSED (not running) or -errno */
int ctl_connect(struct conn *c, const char *path);
int ctl_send(struct conn *c, json_object *req);
/* 1 with c->line, 0 at EOF, -ETIMEDOUT or -errno; timeout_ms < 0: none */
int ctl_read_line(struct conn *c, int timeout_ms, size_t *len);
void ctl_close(struct conn *c);

/* commands.c: the one table of commands, see there */
struct command {
	const char *name;
	/* argv[0] is the command's name; returns the exit status */
	int (*run)(struct ctl *ctl, int argc, char **argv);
	const char *help;	/* synopsis and description lines */
};

const struct command *find_command(const char *name);
void print_usage(FILE *f);
int print_command_help(const char *name);

/* main.c: status, scan, lock, alerts, unlock and what they share */
struct kw_request;
int usage_error(const char *fmt, const char *arg);
int cmd_plain(struct ctl *ctl, int argc, char **argv);
int cmd_alerts(struct ctl *ctl, int argc, char **argv);
int cmd_unlock(struct ctl *ctl, int argc, char **argv);
bool not_running(int err);
int talk_error(int err);	/* EXIT_NOPERM or EXIT_TALK */
int open_and_send(const struct ctl *ctl, struct conn *c,
		  const struct kw_request *req);
/* One reply line: its KW_REPLY_* type, or -1 after saying what went wrong */
int read_reply(struct conn *c, int timeout_ms, json_object **obj);
json_object *ctl_ask(const struct ctl *ctl, const struct kw_request *req,
		     int timeout_ms, int *rc);
void print_json(json_object *o);

/* modcmds.c: modules, module show, disable, quarantine, release, top */
int cmd_modules(struct ctl *ctl, int argc, char **argv);
int cmd_module(struct ctl *ctl, int argc, char **argv);
int cmd_block(struct ctl *ctl, int argc, char **argv);	/* argv[0]: verb */
int cmd_top(struct ctl *ctl, int argc, char **argv);

/* modules.c: what is loaded now, as kwardend reports it */
struct live_module {
	char name[56];
	char path[256];
	unsigned char hash[32], file_hash[32];
	bool have_hash, have_file_hash, sig_ok;
	unsigned int taints;
};

/*
 * From kwardend, sorted by name; *from_kwarden: kwarden.ko's facts (else
 * /proc/modules'). 0, or an exit status after saying what went wrong.
 */
int live_modules(const struct ctl *ctl, struct live_module **out, size_t *n,
		 bool *from_kwarden);

/* policy.c */
int cmd_policy(struct ctl *ctl, int argc, char **argv);

int policy_request(const struct ctl *ctl, enum kw_policy_op op,
		   const char *path, json_object **body);
int policy_request_version(const struct ctl *ctl, enum kw_policy_op op,
			   unsigned int version, json_object **body);

/* policy_stage.c: staged policy, see docs/policy-staging.md */
struct kw_policy;
int policy_stage_checks(const struct ctl *ctl, const char *path,
			const struct kw_policy *p,
			const struct live_module *mods, size_t n,
			json_object *report);
int policy_history(const struct ctl *ctl);
int policy_rollback(const struct ctl *ctl, const char *version);

/* show.c */
void show_clean(const char *s, int width);	/* one line, padded, cut */
void show_status(json_object *st);
void show_scan(json_object *scan);
void show_guard_change(bool unlock, json_object *guard);
void show_alert_header(void);
void show_alert(json_object *rec);

#endif /* KWARDENCTL_H */
