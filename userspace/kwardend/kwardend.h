/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kwardend: state shared by the daemon's parts (event loop, alert sink,
 * BPF loader, netlink client, control socket).
 */
#ifndef KWARDEND_H
#define KWARDEND_H

#include <stdbool.h>
#include <stdint.h>
#include <json-c/json.h>
#include "alert.h"
#include "compiler.h"
#include "config.h"
#include "journal.h"
#include "kwarden.h"

#define KWARDEN_VERSION	"0.1.0"

#define PIN_ROOT	"/sys/fs/bpf"
#define PIN_DIR		PIN_ROOT "/kwarden"

struct kwd;

/* One fd in the epoll set; the callback gets the epoll event mask */
struct kwd_watch {
	int fd;
	void (*cb)(struct kwd *d, struct kwd_watch *w, uint32_t events);
};

struct kwd_bpf;
struct kwd_genl;
struct kwd_ctl;
struct kwd_guard;

/* A control socket client, as SO_PEERCRED and /proc name it */
struct kwd_peer {
	int pid;
	unsigned int uid;
	char comm[KW_COMM_LEN + 1];
	char exe[KW_EXE_LEN + 1];
};

struct kwd {
	struct kw_config cfg;
	const char *config_path;
	int epfd;
	bool stop;
	uint64_t started_ns;
	char boot_id[40];
	struct kw_journal journal;
	uint64_t alerts;		/* raised by this run */
	uint64_t journal_errors;
	uint64_t resume_kseq;		/* from the journal, this boot */
	uint64_t resume_drops;
	struct kwd_bpf *bpf;		/* NULL: BPF not loaded */
	struct kwd_genl *genl;
	struct kwd_ctl *ctl;
	struct kwd_guard *guard;
};

/* loop.c */
int kwd_watch_add(struct kwd *d, struct kwd_watch *w, uint32_t events);
int kwd_watch_mod(struct kwd *d, struct kwd_watch *w, uint32_t events);
void kwd_watch_del(struct kwd *d, struct kwd_watch *w);
int kwd_loop_init(struct kwd *d);
int kwd_loop_run(struct kwd *d);

/* log.c */
void kwd_log_init(bool syslog);
__printf(2, 3)
void kwd_log(int prio, const char *fmt, ...);
void kwd_log_alert(json_object *rec, unsigned int severity);

/* sink.c: journal first, then logs and followers */
int kwd_raise(struct kwd *d, struct kw_alert *a);
int kwd_journal_open(struct kwd *d);
void kwd_journal_resume(struct kwd *d);
void kwd_degraded(struct kwd *d, const char *msg);
void kwd_degraded_detail(struct kwd *d, const char *msg, json_object *extra);

/* danger.c: dangerous_interfaces, see bpf/danger.bpf.c */
void kwd_danger_configure(struct kwd *d, int conf_fd);
json_object *kwd_danger_status(struct kwd *d);

/* budget.c: fault_budget, on module_fault alerts */
void kwd_budget_fault(struct kwd *d, const struct kw_alert *fault);

/* bpf.c */
int kwd_bpf_start(struct kwd *d);
void kwd_bpf_stop(struct kwd *d);
void kwd_bpf_tick(struct kwd *d);
json_object *kwd_bpf_status(struct kwd *d);
bool kwd_bpf_guard_loaded(struct kwd *d);
bool kwd_bpf_pinned(struct kwd *d);
int kwd_bpf_map_fd(struct kwd *d, const char *name);	/* guard maps */
int kwd_bpf_ids(struct kwd *d, struct kw_guard_id *ids, int max);

/* guard.c: self-protection, see bpf/guard.bpf.c */
void kwd_guard_claim(struct kwd *d);		/* first thing at start */
void kwd_guard_configure(struct kwd *d);	/* guard loaded, not attached */
void kwd_guard_arm(struct kwd *d);		/* attached and pinned */
void kwd_safe_mode_apply(struct kwd *d);	/* safe_mode = yes */
void kwd_guard_tick(struct kwd *d);
void kwd_guard_report(struct kwd *d);		/* degraded alerts, once */
json_object *kwd_guard_status(struct kwd *d);
bool kwd_in_safe_mode(struct kwd *d);	/* any safe mode */
int kwd_guard_unlock(struct kwd *d, const uint8_t *key, unsigned int secs,
		     const struct kwd_peer *peer);
int kwd_guard_lock(struct kwd *d, const struct kwd_peer *peer);
const char *kwd_guard_target(struct kwd *d, const struct kw_bpf_event *e,
			     char *buf, size_t len);

/* genl.c */
typedef void kwd_kmod_done_fn(struct kwd *d, void *ctx, json_object *st,
			      const char *error);
int kwd_genl_start(struct kwd *d);
void kwd_genl_stop(struct kwd *d);
void kwd_genl_tick(struct kwd *d);
bool kwd_genl_present(struct kwd *d);
int kwd_genl_request(struct kwd *d, int cmd, kwd_kmod_done_fn *done,
		     void *ctx);
void kwd_genl_cancel(struct kwd *d, void *ctx);
json_object *kwd_genl_counters(struct kwd *d);
struct nlattr;
struct kw_kmod_alert;
void kwd_genl_read_module_parts(struct nlattr **tb, struct kw_kmod_alert *k);

/* control.c */
int kwd_ctl_start(struct kwd *d);
void kwd_ctl_stop(struct kwd *d);
void kwd_ctl_publish(struct kwd *d);
void kwd_ctl_reap(struct kwd *d);
bool kwd_ctl_other_running(const char *path);

/* status.c */
json_object *kwd_status(struct kwd *d, json_object *kmod,
			const char *kmod_error);
const char *kwd_mode(struct kwd *d);

#endif /* KWARDEND_H */
