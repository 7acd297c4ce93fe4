/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /etc/kwarden/kwarden.conf: "key = value" lines, '#' comments. Every bad
 * line is reported as "file:line: message" and leaves its default alone.
 * Then the drop-ins, /etc/kwarden/kwarden.conf.d/NAME.conf in name order:
 * a later line wins.
 */
#ifndef KW_CONFIG_H
#define KW_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/kwarden.h>
#include "response.h"

#define KW_CONF_PATH		"/etc/kwarden/kwarden.conf"
#define KW_CONF_MAX_BYTES	(64 * 1024)
#define KW_CONF_LINE_MAX	1024
#define KW_CONF_DROPINS_MAX	64
#define KW_SOCKET_PATH_MAX	108	/* sizeof(sun_path) */
#define KW_FAULT_BUDGET_MAX	1000000		/* faults in a window */
#define KW_FAULT_WINDOW_MAX	(7 * 86400)	/* seconds */

struct kw_config {
	char journal_path[PATH_MAX];
	uint64_t journal_max_bytes;
	unsigned int journal_keep;
	char socket_path[KW_SOCKET_PATH_MAX];
	unsigned int scan_interval_ms;	/* informational for now */
	bool syslog;
	bool safe_mode;			/* observe only: no disables */
	char blocklist_dir[PATH_MAX];
	char modprobe_blocklist[PATH_MAX];
	char forensics_dir[PATH_MAX];
	struct kw_response_rule response[KW_KIND_MAX];	/* by kind */
	/* boot health and crash-loop quarantine, see docs/resilience.md */
	char boot_dir[PATH_MAX];
	unsigned int boot_healthy_after;	/* seconds */
	char boot_healthy_target[128];		/* systemd unit, or "" */
	unsigned int quarantine_after;		/* unhealthy boots; 0: never */
	char metrics_file[PATH_MAX];	/* node_exporter textfile, "": off */
	char policy_file[PATH_MAX];	/* module-load policy; missing: off */
	/* fault_budget = COUNT/WINDOW: more faults of one module is an alert */
	unsigned int fault_budget;	/* 0: no budget */
	unsigned int fault_window_s;
	unsigned int danger_mode;	/* dangerous_interfaces: enum kw_pol_mode */
	/* staged policy, see docs/policy-staging.md */
	char policy_store_dir[PATH_MAX];	/* every version applied */
	unsigned int policy_audit_period;	/* seconds of audit first */
	unsigned int policy_max_would_deny;	/* bound to be promoted */
	unsigned int policy_storm_denials;	/* denials that roll back; 0: off */
	unsigned int policy_storm_window;	/* ... within seconds */
	unsigned int policy_probation_boots;	/* unhealthy one rolls back */
};

/* Called once per problem with "file:line: message" */
typedef void kw_report_fn(void *ctx, const char *msg);

void kw_config_defaults(struct kw_config *cfg);
/* Returns the number of bad lines; report may be NULL */
int kw_config_parse(struct kw_config *cfg, const char *name, const char *buf,
		    size_t len, kw_report_fn *report, void *ctx);
/* As above, from a file; -errno if it cannot be read */
int kw_config_load(struct kw_config *cfg, const char *path,
		   kw_report_fn *report, void *ctx);
/*
 * PATH.d/NAME.conf (hidden files and other names skipped) in name order,
 * each as above; an unreadable one is one reported problem. Returns the
 * problems; a missing directory is none; -errno if it cannot be listed.
 */
int kw_config_load_dropins(struct kw_config *cfg, const char *path,
			   kw_report_fn *report, void *ctx);

#endif /* KW_CONFIG_H */
