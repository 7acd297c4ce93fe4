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
#include <linux/kwarden.h>
#include "policy_store.h"
#include "sink.h"

#define KWARDEN_VERSION	"0.1.0"

#define PIN_ROOT	"/sys/fs/bpf"
#define PIN_DIR		PIN_ROOT "/kwarden"

struct kwd;

/* modstats.c: what the journal says about one module */
#define KWD_MAX_HOOKS	8
struct kwd_hook {
	unsigned int kind;
	char where[96];
	char handler[96];
};

struct kwd_modstat {
	char name[KW_NAME_LEN];
	uint64_t alerts, loads, denied;		/* this boot */
	uint64_t faults_boot, faults_total;	/* module_fault alerts */
	uint32_t kinds[KW_KIND_MAX];		/* alerts naming it, by kind */
	char load_time[32];
	char path[KW_PATH_LEN];
	char sha256[2 * KW_HASH_LEN + 1];	/* image, from kwarden.ko */
	char file_sha256[2 * KW_HASH_LEN + 1];
	char verdict[16];
	char taint_flags[32];
	bool sig_known, sig_ok;
	bool file_tried;			/* hashed the file once */
	char file[KW_PATH_LEN];			/* found on disk */
	char file_hash[2 * KW_HASH_LEN + 1];
	struct kwd_hook hooks[KWD_MAX_HOOKS];
	size_t nhooks;
	unsigned int hooks_dropped;
	bool responded;				/* the response policy acted */
};

/* One fd in the epoll set; the callback gets the epoll event mask */
struct kwd_watch {
	int fd;
	void (*cb)(struct kwd *d, struct kwd_watch *w, uint32_t events);
};

struct kwd_bpf;
struct kwd_genl;
struct kwd_ctl;
struct kwd_guard;
struct kwd_policy;
struct kwd_boot;
struct kwd_stage;
struct kwd_budget;
struct kwd_modstats;
struct kwd_response;
struct kwd_danger;

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
	struct kw_journal pinned;	/* journal.first: the boot's first */
	unsigned int npinned;		/* violations in it, this boot */
	struct kwd_sink sink;		/* the pipeline's subscribers */
	struct kwd_flood *flood;	/* repeats held back */
	uint64_t alerts;		/* raised by this run */
	uint64_t kind_alerts[KW_KIND_MAX];	/* the same, by kind */
	uint64_t journal_errors;
	uint64_t resume_kseq;		/* from the journal, this boot */
	uint64_t resume_drops;
	/* Each part's state, reached only from here (made by kwd_*_init) */
	struct kwd_bpf *bpf;		/* NULL: BPF not loaded */
	struct kwd_genl *genl;
	struct kwd_ctl *ctl;
	struct kwd_guard *guard;
	struct kwd_policy *policy;
	struct kwd_boot *boot;
	struct kwd_stage *stage;
	struct kwd_budget *budget;
	struct kwd_danger *danger;
	struct kwd_modstats *modstats;
	struct kwd_response *response;
};

/* metrics.c: node_exporter textfile, every 10 s */
void kwd_metrics_tick(struct kwd *d);
void kwd_metrics_stop(struct kwd *d);

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


/* flood.c: repeats of one attempt counted, not journalled one by one */
int kwd_flood_start(struct kwd *d);
void kwd_flood_stop(struct kwd *d);
void kwd_flood_tick(struct kwd *d);
bool kwd_flood_hold(struct kwd *d, const struct kw_alert *a, json_object *rec);
uint64_t kwd_flood_held(struct kwd *d);

/* danger.c: dangerous_interfaces, see bpf/danger.bpf.c */
int kwd_danger_init(struct kwd *d);
void kwd_danger_configure(struct kwd *d, int conf_fd);
json_object *kwd_danger_status(struct kwd *d);
void kwd_danger_contained_sync(struct kwd *d);
bool kwd_danger_contained_guards(struct kwd *d, const char *name);

/* budget.c: fault_budget, on module_fault alerts */
extern const struct kwd_subscriber kwd_budget_subscriber;
int kwd_budget_init(struct kwd *d);

/* bpf.c */
int kwd_bpf_start(struct kwd *d);
void kwd_bpf_stop(struct kwd *d);
void kwd_bpf_tick(struct kwd *d);
json_object *kwd_bpf_status(struct kwd *d);
bool kwd_bpf_guard_loaded(struct kwd *d);
bool kwd_bpf_pinned(struct kwd *d);
int kwd_bpf_map_fd(struct kwd *d, const char *name);	/* guard, danger */
int kwd_bpf_contain(struct kwd *d, bool on);
void kwd_bpf_clear_map(int fd, size_t key_size);
int kwd_bpf_request_map(struct kwd *d, bool observe);

/* bpf_fit.c: programs left out for hooks this kernel lacks */
struct bpf_object;
void kwd_bpf_fit(struct bpf_object *obj);	/* after open, before load */
json_object *kwd_bpf_fit_status(void);
void kwd_bpf_fit_report(struct kwd *d);		/* degraded alerts, once */

/* request.c: autoload requests of blocked modules, see bpf/kwarden.bpf.c */
void kwd_request_sync(struct kwd *d);
void kwd_request_tick(struct kwd *d);
const char *kwd_request_step(char *buf, size_t len);
int kwd_bpf_ids(struct kwd *d, struct kw_guard_id *ids, int max);

/* guard.c: self-protection, see bpf/guard.bpf.c */
int kwd_guard_init(struct kwd *d);
void kwd_guard_claim(struct kwd *d);		/* first thing at start */
void kwd_guard_configure(struct kwd *d);	/* guard loaded, not attached */
void kwd_guard_set_family(struct kwd *d, int family);
void kwd_guard_arm(struct kwd *d);		/* attached and pinned */
void kwd_safe_mode_apply(struct kwd *d);	/* safe_mode = yes */
void kwd_guard_tick(struct kwd *d);
void kwd_guard_report(struct kwd *d);		/* degraded alerts, once */
bool kwd_safe_mode(void);			/* kwarden.safe_mode=1 */
json_object *kwd_guard_status(struct kwd *d);
int kwd_guard_unlock(struct kwd *d, const uint8_t *key, unsigned int secs,
		     const struct kwd_peer *peer);
int kwd_guard_lock(struct kwd *d, const struct kwd_peer *peer);
const char *kwd_guard_target(struct kwd *d, const struct kw_bpf_event *e,
			     char *buf, size_t len);

/* genl.c */
typedef void kwd_kmod_done_fn(struct kwd *d, void *ctx, json_object *st,
			      const char *error);
int kwd_genl_init(struct kwd *d);
int kwd_genl_start(struct kwd *d);
void kwd_genl_stop(struct kwd *d);
void kwd_genl_tick(struct kwd *d);
bool kwd_genl_present(struct kwd *d);
int kwd_genl_request(struct kwd *d, int cmd, kwd_kmod_done_fn *done,
		     void *ctx);
struct nl_msg;
typedef int kwd_genl_put_fn(struct nl_msg *msg, const void *arg);
int kwd_genl_request_put(struct kwd *d, int cmd, kwd_genl_put_fn *put,
			 const void *arg, size_t hint, kwd_kmod_done_fn *done,
			 void *ctx);
struct kw_policy;
struct kw_block;
int kwd_genl_push(struct kwd *d, const struct kw_policy *p,
		  const struct kw_block *blocks, size_t n, uint64_t gen,
		  kwd_kmod_done_fn *done, void *ctx);
void kwd_genl_cancel(struct kwd *d, void *ctx);
json_object *kwd_genl_counters(struct kwd *d);
struct nlattr;
struct kw_kmod_alert;
void kwd_genl_read_module_parts(struct nlattr **tb, struct kw_kmod_alert *k);

/* policy.c: the module-load policy, pushed to kwarden.ko */
int kwd_policy_init(struct kwd *d);
int kwd_policy_start(struct kwd *d);
void kwd_policy_stop(struct kwd *d);
void kwd_policy_connected(struct kwd *d);
int kwd_policy_push(struct kwd *d, kwd_kmod_done_fn *done, void *ctx);
json_object *kwd_policy_status(struct kwd *d);
void kwd_policy_acked(struct kwd *d, json_object *st);
/* reload (path NULL) or apply; error text in err, or done() later */
int kwd_policy_request(struct kwd *d, const char *path, char *err,
		       size_t errlen, kwd_kmod_done_fn *done, void *ctx);
bool kwd_bpf_dup_module_load(struct kwd *d);
void kwd_policy_restage(struct kwd *d);
int kwd_policy_install(struct kwd *d, const char *buf, size_t len, char *err,
		       size_t errlen, enum kw_stage *stage);

/* stage.c: staged policy, audit first, promotion, rollback */
int kwd_stage_init(struct kwd *d);
void kwd_stage_start(struct kwd *d);	/* after boot and policy start */
unsigned int kwd_stage_mode(struct kwd *d, unsigned int file_mode);
void kwd_stage_skip_audit(struct kwd *d, bool now);	/* for the next kwd_stage_new() */
int kwd_stage_new(struct kwd *d, const char *buf, size_t len,
		  const struct kw_policy *p, const char *origin, char *err,
		  size_t errlen);
extern const struct kwd_subscriber kwd_stage_subscriber;
void kwd_stage_tick(struct kwd *d);
json_object *kwd_stage_status(struct kwd *d);
json_object *kwd_stage_history(struct kwd *d);
/* version 0: the previous one; NULL + err when it cannot */
json_object *kwd_stage_rollback(struct kwd *d, unsigned int ver,
				bool automatic, const char *why, char *err,
				size_t errlen);

/* control.c */
int kwd_ctl_init(struct kwd *d);
int kwd_ctl_start(struct kwd *d);
void kwd_ctl_stop(struct kwd *d);
void kwd_ctl_publish(struct kwd *d);
void kwd_ctl_reap(struct kwd *d);
bool kwd_ctl_other_running(const char *path, pid_t *pid);

/* modstats.c */
int kwd_modstat_init(struct kwd *d);
struct kwd_modstat *kwd_modstat_find(struct kwd *d, const char *name,
				     bool create);
size_t kwd_modstat_all(struct kwd *d, struct kwd_modstat **all);
extern const struct kwd_subscriber kwd_modstat_subscriber;

/* modinfo.c: a module as /proc, sysfs, the disk and the journal show it */
json_object *kwd_module_facts(struct kwd *d, const char *name);
json_object *kwd_modules(struct kwd *d);
bool kwd_module_loaded(const char *name);

/* disable.c: disable, quarantine, release; NULL + err when refused */
struct kwd_act {
	const char *name;
	const char *reason;	/* given by the admin, or the response's */
	const char *origin;	/* "kwardenctl (pid N, comm)" or "response: KIND" */
	bool dry_run;
	bool automatic;		/* the response policy: in use -> contain */
	bool contain_only;	/* response "contain": never unload */
};
json_object *kwd_disable(struct kwd *d, const struct kwd_act *act, char *err,
			 size_t errlen);
json_object *kwd_quarantine(struct kwd *d, const struct kwd_act *act,
			    char *err, size_t errlen);
json_object *kwd_release(struct kwd *d, const struct kwd_act *act, char *err,
			 size_t errlen);
void kwd_blocks_start(struct kwd *d);
json_object *kwd_blocks_status(struct kwd *d);

/* response.c: the response policy of kwarden.conf */
extern const struct kwd_subscriber kwd_response_subscriber;
int kwd_response_init(struct kwd *d);
void kwd_response_tick(struct kwd *d);
void kwd_response_start(struct kwd *d);

/* boot.c: boot health and crash-loop quarantine */
int kwd_boot_init(struct kwd *d);
void kwd_boot_start(struct kwd *d);	/* before the policy is pushed */
extern const struct kwd_subscriber kwd_boot_subscriber;
void kwd_boot_tick(struct kwd *d);
json_object *kwd_boot_status(struct kwd *d);
void kwd_boot_stop(struct kwd *d);
/* The boot before this one: id ("" if none) and whether it was unhealthy */
void kwd_boot_previous(struct kwd *d, char *id, size_t len, bool *unhealthy);
/* The newest earlier boot that became healthy: {"id", "modules": [...]} */
json_object *kwd_boot_last_healthy(struct kwd *d);

/* status.c */
json_object *kwd_status(struct kwd *d, json_object *kmod,
			const char *kmod_error);
const char *kwd_mode(struct kwd *d);
/* kwarden_degraded: raised by a source that can no longer see */
void kwd_degraded(struct kwd *d, const char *msg);
void kwd_degraded_detail(struct kwd *d, const char *msg, json_object *extra);

#endif /* KWARDEND_H */
