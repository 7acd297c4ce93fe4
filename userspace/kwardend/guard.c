// SPDX-License-Identifier: GPL-2.0
/*
 * kwardend's side of the BPF guard (bpf/guard.bpf.c): the unlock key, the
 * claim that makes this process the one kwardend the guard protects, lock
 * and unlock, the status, and whether the kernel runs BPF LSM programs at
 * all (without "bpf" in the active LSMs the guard is attached but never
 * called, and says so).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include "kwd.h"
#include "bpf.h"
#include "control.h"
#include "log.h"
#include "sink.h"
#include "status.h"
#include "guard.h"
#include "key.h"
#include "names.h"
#include "timefmt.h"
#include "bpf_alert.h"

#define SECURITYFS	"/sys/kernel/security"
#define LSM_PATH	SECURITYFS "/lsm"

struct kwd_guard {
	uint8_t key[KW_KEY_LEN];
	bool key_ok;
	char key_error[160];
	int claim;			/* 0: claimed; -errno of the prctl */
	bool armed;			/* our programs attached, state set */
	int lsm;			/* 1 bpf is active, 0 not, -1 unknown */
	char lsm_list[256];
	uint64_t unlocked_until;	/* CLOCK_BOOTTIME ns; 0: locked */
	bool observe;			/* safe mode: report, deny nothing */
	bool reported;
};

/* Its state, reached as d->guard only; made once, before start */
int kwd_guard_init(struct kwd *d)
{
	d->guard = calloc(1, sizeof(*d->guard));
	if (!d->guard)
		return -ENOMEM;
	d->guard->claim = -ENOENT;
	d->guard->lsm = -1;
	return 0;
}

static uint64_t boot_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

/* CLOCK_BOOTTIME ns as CLOCK_REALTIME ns */
static uint64_t boot_to_real(uint64_t ns)
{
	return kw_now_ns() - boot_ns() + ns;
}

static void load_key(struct kwd_guard *g)
{
	mode_t mode = 0;
	int err = kw_key_read(KW_KEY_PATH, g->key, &mode);

	if (err == -ENOENT) {
		mkdir("/etc/kwarden", 0755);
		err = kw_key_create(KW_KEY_PATH, g->key);
		if (!err)
			kwd_log(LOG_NOTICE, "created the unlock key %s",
				KW_KEY_PATH);
	} else if (!err && (mode & 077)) {
		kwd_log(LOG_WARNING, "%s can be read by group or others: whoever reads it can unlock kwarden",
			KW_KEY_PATH);
	}
	g->key_ok = !err;
	if (err) {
		snprintf(g->key_error, sizeof(g->key_error), "%s: %s",
			 KW_KEY_PATH, err == -EINVAL ?
			 "not 64 hex digits" : strerror(-err));
		kwd_log(LOG_ERR, "unlock key %s: no self-protection claim, no unlock",
			g->key_error);
	}
}

/* guard_self names us: from the loaded object, or read-only from the pin */
static bool claimed(struct kwd *d)
{
	LIBBPF_OPTS(bpf_obj_get_opts, opts, .file_flags = BPF_F_RDONLY);
	int fd = kwd_bpf_map_fd(d, "guard_self"), pinned = -1;
	struct kw_guard_self self = {};
	uint32_t zero = 0;

	if (fd < 0)
		fd = pinned = bpf_obj_get_opts(PIN_DIR "/guard_self", &opts);
	if (fd < 0)
		return false;
	if (bpf_map_lookup_elem(fd, &zero, &self))
		self.tgid = 0;
	if (pinned >= 0)
		close(pinned);
	return self.tgid == (uint32_t)getpid();
}

/*
 * 0, -EINVAL (no guard attached), -EACCES (wrong key), -EPERM (not root).
 * A BPF LSM program cannot make prctl() succeed: returning 0 lets the
 * kernel go on to the hook's default, -ENOSYS, and prctl() fails with
 * EINVAL. So a claim that was not refused is checked in guard_self.
 */
static int claim(struct kwd *d, struct kwd_guard *g)
{
	if (!g->key_ok)
		return -ENOKEY;
	if (!prctl(KW_PRCTL_CLAIM, (unsigned long)g->key, 0UL, 0UL, 0UL))
		return 0;
	if (errno != EINVAL)
		return -errno;
	return claimed(d) ? 0 : -EINVAL;
}

static const char *claim_error(int err)
{
	switch (err) {
	case -EACCES:
		return "the pinned BPF guard refused our unlock key (it holds another one)";
	case -ENOKEY:
		return "no unlock key";
	case -EINVAL:
		return "no BPF guard is attached";
	default:
		return strerror(-err);
	}
}

/*
 * Before anything else at start: if a previous kwardend left the guard
 * pinned and locked, only a claimed kwardend may write its journal,
 * reuse its maps and swap its pins.
 */
void kwd_guard_claim(struct kwd *d)
{
	struct kwd_guard *g = d->guard;

	load_key(g);
	g->claim = claim(d, g);
	if (!g->claim)
		kwd_log(LOG_INFO, "claimed the pinned BPF guard");
	else if (g->claim != -EINVAL)
		kwd_log(LOG_ERR, "claiming the pinned BPF guard failed: %s",
			claim_error(g->claim));
}

static void read_lsm(struct kwd_guard *g)
{
	FILE *f = fopen(LSM_PATH, "re");
	char *tok, *save, buf[sizeof(g->lsm_list)];

	if (!f && errno == ENOENT &&
	    !mount("securityfs", SECURITYFS, "securityfs", 0, NULL))
		f = fopen(LSM_PATH, "re");
	g->lsm = -1;
	g->lsm_list[0] = '\0';
	if (!f)
		return;
	if (fgets(g->lsm_list, sizeof(g->lsm_list), f)) {
		g->lsm_list[strcspn(g->lsm_list, "\n")] = '\0';
		snprintf(buf, sizeof(buf), "%s", g->lsm_list);
		g->lsm = 0;
		for (tok = strtok_r(buf, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save))
			if (!strcmp(tok, "bpf"))
				g->lsm = 1;
	}
	fclose(f);
}

/* A word of the kernel command line */
static bool cmdline_has(const char *word)
{
	char buf[4096], *tok, *save;
	FILE *f = fopen("/proc/cmdline", "re");
	bool found = false;

	if (!f)
		return false;
	if (fgets(buf, sizeof(buf), f)) {
		buf[strcspn(buf, "\n")] = '\0';
		for (tok = strtok_r(buf, " ", &save); tok && !found;
		     tok = strtok_r(NULL, " ", &save))
			found = !strcmp(tok, word);
	}
	fclose(f);
	return found;
}

static void raise_state(struct kwd *d, unsigned int kind, const char *msg,
			json_object *detail)
{
	struct kw_alert a = {
		.kind = kind, .action = KW_ACTION_logged,
		.severity = kw_kind_severity(kind),
		.source = KW_SOURCE_DAEMON, .message = msg, .detail = detail,
	};

	a.time_ns = kw_now_ns();
	kwd_raise(d, &a);
}

/*
 * kwarden.safe_mode=1, or kwarden.ko in safe mode; callers add the
 * configuration's safe_mode = yes (d->cfg.safe_mode)
 */
bool kwd_safe_mode(void)
{
	FILE *f = fopen(KW_SAFE_MODE_PARAM, "re");
	int c = f ? fgetc(f) : EOF;

	if (f)
		fclose(f);
	return c == 'Y' || c == '1' || cmdline_has("kwarden.safe_mode=1");
}

/*
 * safe_mode = yes in the configuration: put kwarden.ko in safe mode too
 * (it raises the safe_mode alert), or, without it, say so ourselves.
 */
void kwd_safe_mode_apply(struct kwd *d)
{
	static bool said;
	int fd;

	if (!d->cfg.safe_mode)
		return;
	fd = open(KW_SAFE_MODE_PARAM, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (write(fd, "1", 1) != 1)
			kwd_log(LOG_ERR, "cannot put kwarden.ko in safe mode: %s",
				strerror(errno));
		close(fd);
		return;
	}
	if (said)
		return;
	said = true;
	raise_state(d, KW_KIND_safe_mode,
		    "safe mode (safe_mode = yes in the configuration): observing only, nothing is denied or changed",
		    NULL);
}

/* Loaded, not attached yet: the key, so that our own programs take it */
void kwd_guard_configure(struct kwd *d)
{
	struct kwd_guard *g = d->guard;
	int fd = kwd_bpf_map_fd(d, "guard_conf");
	struct kw_guard_conf conf = {};
	struct stat st;
	uint32_t zero = 0;

	if (fd < 0 || !g->key_ok)
		return;
	/* pinned from a previous run: kwarden.ko's family id still holds */
	if (!bpf_map_lookup_elem(fd, &zero, &conf))
		conf = (struct kw_guard_conf){ .kmod_family = conf.kmod_family };
	memcpy(conf.key, g->key, sizeof(conf.key));
	conf.armed = 1;
	g->observe = d->cfg.safe_mode || kwd_safe_mode();
	conf.observe = g->observe;
	if (g->observe)
		kwd_log(LOG_WARNING, "safe mode: the guard reports tampering but denies nothing");
	if (kwd_bpf_pinned(d) && !stat(PIN_DIR, &st))
		conf.pins_dev = kwd_kdev(st.st_dev);
	if (bpf_map_update_elem(fd, &zero, &conf, BPF_ANY))
		kwd_log(LOG_ERR, "guard: writing the key failed: %s",
			strerror(errno));
	memset(&conf, 0, sizeof(conf));
}

/*
 * kwarden.ko's generic netlink family id (0: gone), for the guard's
 * netlink_send program: only we may send it commands that change state.
 */
void kwd_guard_set_family(struct kwd *d, int family)
{
	int fd = kwd_bpf_map_fd(d, "guard_conf");
	struct kw_guard_conf conf;
	uint32_t zero = 0;

	if (fd < 0 || bpf_map_lookup_elem(fd, &zero, &conf))
		return;
	conf.kmod_family = family > 0 ? family : 0;
	if (bpf_map_update_elem(fd, &zero, &conf, BPF_ANY))
		kwd_log(LOG_ERR, "guard: cannot guard kwarden.ko's commands: %s",
			strerror(errno));
	memset(&conf, 0, sizeof(conf));
}

static void add_peer(json_object *o, const struct kwd_peer *p)
{
	if (!p)
		return;
	json_object_object_add(o, "pid", json_object_new_int(p->pid));
	json_object_object_add(o, "uid", json_object_new_int64(p->uid));
	json_object_object_add(o, "comm", json_object_new_string(p->comm));
	json_object_object_add(o, "exe", p->exe[0] ?
			       json_object_new_string(p->exe) : NULL);
}

/* kwarden.ko holds itself in memory while locked (kmod/pin.c) */
static void pin_kmod(bool on)
{
	int fd = open(KW_PIN_PARAM, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	if (write(fd, on ? "1" : "0", 1) != 1)
		kwd_log(LOG_WARNING, "cannot %s kwarden.ko: %s",
			on ? "pin" : "unpin", strerror(errno));
	close(fd);
}

static int write_unlock(struct kwd *d, uint64_t until)
{
	int fd = kwd_bpf_map_fd(d, "guard_unlock");
	uint32_t zero = 0;

	if (fd < 0)
		return fd;
	if (bpf_map_update_elem(fd, &zero, &until, BPF_ANY))
		return -errno;
	pin_kmod(!until);
	return 0;
}

/* reason: "request", "expired", "kwardend started" */
static void raise_locked(struct kwd *d, const char *reason,
		   const struct kwd_peer *peer)
{
	json_object *detail = json_object_new_object();
	char msg[160];

	snprintf(msg, sizeof(msg), "kwarden locked again (%s): self-protection is on",
		 reason);
	json_object_object_add(detail, "reason", json_object_new_string(reason));
	add_peer(detail, peer);
	raise_state(d, KW_KIND_protection_locked, msg, detail);
}

/*
 * Attached and pinned: claim with our own programs, lock (a start ends
 * any unlock), then tell the guard what to protect.
 */
void kwd_guard_arm(struct kwd *d)
{
	struct kwd_guard *g = d->guard;
	int fd = kwd_bpf_map_fd(d, "guard_unlock");
	uint64_t until = 0;
	uint32_t zero = 0;

	read_lsm(g);
	g->claim = claim(d, g);
	if (g->claim)
		kwd_log(LOG_ERR, "guard: claim failed: %s",
			claim_error(g->claim));
	if (fd >= 0 && !bpf_map_lookup_elem(fd, &zero, &until) &&
	    until > boot_ns())
		raise_locked(d, "kwardend started", NULL);
	if (write_unlock(d, 0))
		kwd_log(LOG_ERR, "guard: cannot lock: %s", strerror(errno));
	g->unlocked_until = 0;
	kwd_guard_protect_ids(d);
	kwd_guard_protect_mounts(d);
	kwd_guard_protect_files(d);
	g->armed = true;
	kwd_log(LOG_INFO, "guard armed: %u inodes, %u mounts, %u BPF objects protected",
		kwd_guard_ninodes(), kwd_guard_nmounts(), kwd_guard_nids());
}

static bool enforcing(struct kwd *d)
{
	struct kwd_guard *g = d->guard;

	return kwd_bpf_guard_loaded(d) && g->armed && !g->claim &&
	       g->lsm == 1 && !g->observe;
}

/* kwarden_degraded for every reason the guard does not protect */
void kwd_guard_report(struct kwd *d)
{
	struct kwd_guard *g = d->guard;
	json_object *extra;
	char msg[1024];

	if (!d->bpf || g->reported)
		return;
	g->reported = true;
	if (g->lsm == 0) {
		snprintf(msg, sizeof(msg),
			 "the BPF LSM is not active (active LSMs: %s): BPF LSM programs never run, so there is NO self-protection and no module-load attribution by LSM hook; boot with lsm=%s,bpf",
			 g->lsm_list, g->lsm_list);
	} else if (g->lsm < 0) {
		snprintf(msg, sizeof(msg),
			 "cannot read %s: whether the BPF LSM is active is unknown, self-protection may be off",
			 LSM_PATH);
	} else if (!kwd_bpf_guard_loaded(d)) {
		snprintf(msg, sizeof(msg),
			 "the BPF guard did not load: no self-protection");
	} else if (g->claim) {
		snprintf(msg, sizeof(msg),
			 "the BPF guard does not know this kwardend (%s): kwardend itself is not protected",
			 claim_error(g->claim));
	} else {
		return;
	}
	extra = json_object_new_object();
	json_object_object_add(extra, "self_protection",
			       json_object_new_boolean(0));
	json_object_object_add(extra, "bpf_lsm", g->lsm < 0 ? NULL :
			       json_object_new_boolean(g->lsm == 1));
	json_object_object_add(extra, "lsm", g->lsm_list[0] ?
			       json_object_new_string(g->lsm_list) : NULL);
	kwd_degraded_detail(d, msg, extra);
}

void kwd_guard_tick(struct kwd *d)
{
	struct kwd_guard *g = d->guard;

	if (!g->armed || !kwd_bpf_guard_loaded(d))
		return;
	if (g->unlocked_until && boot_ns() >= g->unlocked_until) {
		g->unlocked_until = 0;
		pin_kmod(true);
		raise_locked(d, "expired", NULL);
	}
	kwd_guard_protect_files(d);
}

/* A wrong key is a tamper_attempt like any the BPF side reports */
static void bad_unlock(struct kwd *d, const struct kwd_peer *peer)
{
	struct kw_bpf_event e = {
		.kind = KW_KIND_tamper_attempt, .action = KW_ACTION_denied,
		.op = KW_OP_unlock,
	};
	struct kw_bpf_strs strs;
	struct kw_alert a;

	e.pid = (uint32_t)peer->pid;
	e.uid = peer->uid;
	memcpy(e.comm, peer->comm, strnlen(peer->comm, sizeof(e.comm)));
	memcpy(e.exe, peer->exe, strnlen(peer->exe, sizeof(e.exe)));
	snprintf(e.path, sizeof(e.path), "%s", d->cfg.socket_path);
	if (kw_bpf_alert(&e, 0, &a, &strs))
		return;
	a.time_ns = kw_now_ns();
	a.source = KW_SOURCE_DAEMON;
	kwd_raise(d, &a);
}

int kwd_guard_unlock(struct kwd *d, const uint8_t *key, unsigned int secs,
		     const struct kwd_peer *peer)
{
	struct kwd_guard *g = d->guard;
	json_object *detail;
	char msg[256], when[KW_TIME_LEN];
	uint64_t until;
	int err;

	if (!g->key_ok || !kw_key_equal(key, g->key)) {
		bad_unlock(d, peer);
		return -EACCES;
	}
	if (!g->armed || !kwd_bpf_guard_loaded(d))
		return -ENOENT;
	until = boot_ns() + (uint64_t)secs * NSEC_PER_SEC;
	err = write_unlock(d, until);
	if (err)
		return err;
	g->unlocked_until = until;
	kw_time_format(boot_to_real(until), when, sizeof(when));
	snprintf(msg, sizeof(msg),
		 "kwarden unlocked for %u s, until %s, by %s (pid %d, uid %u): kwardend, kwarden.ko, its BPF objects and files are not protected meanwhile",
		 secs, when, peer->comm, peer->pid, peer->uid);
	detail = json_object_new_object();
	json_object_object_add(detail, "seconds", json_object_new_int64(secs));
	json_object_object_add(detail, "until", json_object_new_string(when));
	add_peer(detail, peer);
	raise_state(d, KW_KIND_protection_unlocked, msg, detail);
	return 0;
}

int kwd_guard_lock(struct kwd *d, const struct kwd_peer *peer)
{
	struct kwd_guard *g = d->guard;
	int err;

	if (!g->armed || !kwd_bpf_guard_loaded(d))
		return -ENOENT;
	err = write_unlock(d, 0);
	if (err)
		return err;
	if (g->unlocked_until && boot_ns() < g->unlocked_until)
		raise_locked(d, "request", peer);
	g->unlocked_until = 0;
	return 0;
}

json_object *kwd_guard_status(struct kwd *d)
{
	struct kwd_guard *g = d->guard;
	json_object *o = json_object_new_object();
	bool unlocked = g->unlocked_until && boot_ns() < g->unlocked_until;
	char when[KW_TIME_LEN];

	json_object_object_add(o, "loaded",
			       json_object_new_boolean(kwd_bpf_guard_loaded(d)));
	json_object_object_add(o, "bpf_lsm", json_object_new_string(
		g->lsm == 1 ? "active" : g->lsm == 0 ? "inactive" : "unknown"));
	json_object_object_add(o, "lsm", g->lsm_list[0] ?
			       json_object_new_string(g->lsm_list) : NULL);
	json_object_object_add(o, "claimed", json_object_new_boolean(!g->claim));
	json_object_object_add(o, "enforcing",
			       json_object_new_boolean(enforcing(d)));
	json_object_object_add(o, "mode", json_object_new_string(
		g->observe ? "observe" : "enforce"));
	json_object_object_add(o, "locked", json_object_new_boolean(!unlocked));
	if (unlocked) {
		kw_time_format(boot_to_real(g->unlocked_until), when,
			       sizeof(when));
		json_object_object_add(o, "unlocked_until",
				       json_object_new_string(when));
		json_object_object_add(o, "unlock_remaining_s",
			json_object_new_int64((int64_t)((g->unlocked_until -
				boot_ns()) / NSEC_PER_SEC)));
	} else {
		json_object_object_add(o, "unlocked_until", NULL);
	}
	json_object_object_add(o, "protected_pid", json_object_new_int(
		!g->claim ? getpid() : 0));
	json_object_object_add(o, "key", json_object_new_string(KW_KEY_PATH));
	json_object_object_add(o, "key_ok", json_object_new_boolean(g->key_ok));
	if (!g->key_ok && g->key_error[0])
		json_object_object_add(o, "key_error",
				       json_object_new_string(g->key_error));
	json_object_object_add(o, "inodes",
			       json_object_new_int(kwd_guard_ninodes()));
	json_object_object_add(o, "mounts",
			       json_object_new_int(kwd_guard_nmounts()));
	json_object_object_add(o, "bpf_objects",
			       json_object_new_int(kwd_guard_nids()));
	return o;
}
