// SPDX-License-Identifier: GPL-2.0
/*
 * Disabling a module safely, or containing it, and saying which and why.
 *
 *   1. forensic record (file, hashes, taints, sections, parameters,
 *      refcnt, holders, drivers, hooks, faults), written before anything
 *      is changed;
 *   2. refuse if another module holds it, or it is in use (the response
 *      policy contains it instead);
 *   3. block its reload: the blocklist store, the modprobe.d mirror and
 *      kwarden.ko's module gate (KW_RULE_BLOCK), before it goes away, so
 *      that no reload can slip in between;
 *   4. unbind its devices through sysfs;
 *   5. delete_module(O_NONBLOCK), never forced.
 * When unloading is impossible or unsafe (no exit function, in use,
 * hidden), it is contained: reload blocked, kwarden.ko asked to restore
 * the data it hijacked, the module left loaded; the alert says why.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <sys/syscall.h>
#include "blocklist.h"
#include "compiler.h"
#include "guard.h"
#include "kwd.h"
#include "danger.h"
#include "disable.h"
#include "genl.h"
#include "log.h"
#include "modinfo.h"
#include "modstats.h"
#include "module_policy.h"
#include "request.h"
#include "sink.h"
#include "names.h"
#include "response.h"
#include "timefmt.h"


static json_object *step(json_object *steps, const char *name, int err,
			 const char *what)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "step", json_object_new_string(name));
	json_object_object_add(o, "ok", json_object_new_boolean(!err));
	if (what)
		json_object_object_add(o, "detail", json_object_new_string(what));
	if (err)
		json_object_object_add(o, "error",
				       json_object_new_string(strerror(-err)));
	json_object_array_add(steps, o);
	return o;
}

/* modprobe.d and kwarden.ko follow the store; failures are reported */
static void propagate(struct kwd *d, json_object *steps)
{
	char buf[256];
	int err = kw_block_mirror(d->cfg.blocklist_dir, d->cfg.modprobe_blocklist);

	/* the new entry and mirror are ours before the reply, not a tick later */
	kwd_guard_protect_files(d);
	step(steps, "modprobe.d", err, d->cfg.modprobe_blocklist);
	kwd_request_sync(d);
	step(steps, "bpf", 0, kwd_request_step(buf, sizeof(buf)));
	/* the policy in force and every block, as KW_RULE_BLOCK rules */
	if (!kwd_genl_present(d)) {
		step(steps, "kmod_gate", 0,
		     "kwarden.ko is not loaded: the block is pushed when it comes");
		return;
	}
	err = kwd_policy_push(d, NULL, NULL);
	step(steps, "kmod_gate", err, "KW_RULE_BLOCK pushed to kwarden.ko");
}

/* Startup: the modprobe.d mirror rewritten from the store */
void kwd_blocks_start(struct kwd *d)
{
	int err = kw_block_mirror(d->cfg.blocklist_dir,
				  d->cfg.modprobe_blocklist);

	if (err)
		kwd_log(LOG_ERR, "blocklist: writing %s failed: %s",
			d->cfg.modprobe_blocklist, strerror(-err));
}

json_object *kwd_blocks_status(struct kwd *d)
{
	json_object *o = json_object_new_object(), *a = json_object_new_array();
	struct kw_block *b;
	size_t n, i;
	int err = kw_block_list(d->cfg.blocklist_dir, &b, &n);

	for (i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(b[i].name));
	free(b);
	json_object_object_add(o, "dir",
			       json_object_new_string(d->cfg.blocklist_dir));
	json_object_object_add(o, "blocked", a);
	if (err)
		json_object_object_add(o, "error",
				       json_object_new_string(strerror(-err)));
	return o;
}

/* The forensic record, fsync'ed, before any action; 0 with its path */
static int record(struct kwd *d, const char *name, json_object *facts,
		  const struct kwd_act *act, const char *what, char *path,
		  size_t len)
{
	char when[KW_TIME_LEN];
	json_object *o = json_object_new_object();
	const char *s;
	size_t slen;
	int err;

	kw_time_format(kw_now_ns(), when, sizeof(when));
	json_object_object_add(o, "time", json_object_new_string(when));
	json_object_object_add(o, "what", json_object_new_string(what));
	json_object_object_add(o, "origin", json_object_new_string(act->origin));
	json_object_object_add(o, "reason", json_object_new_string(
		act->reason ? act->reason : ""));
	json_object_object_add(o, "boot_id", json_object_new_string(d->boot_id));
	json_object_object_add(o, "module", json_object_get(facts));
	err = kw_mkdirs(d->cfg.forensics_dir, 0700);
	if (!err && snprintf(path, len, "%s/%s-%s.json", d->cfg.forensics_dir,
			     name, when) >= (int)len)
		err = -ENAMETOOLONG;
	if (!err) {
		s = json_object_to_json_string_length(o,
			JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE,
			&slen);
		err = kw_write_atomic(path, s, slen, 0600);
	}
	json_object_put(o);
	return err;
}

static json_object *copy_key(json_object *to, json_object *from,
			     const char *key)
{
	json_object *v = kw_rec_obj(from, key);

	json_object_object_add(to, key, json_object_get(v));
	return v;
}

/* The forensic summary an alert carries */
static json_object *summary(json_object *facts)
{
	static const char *const keys[] = {
		"sha256", "file", "file_sha256", "signed", "taints", "refcnt",
		"holders", "faults", "faults_total", "hook_list", "drivers",
		"load_path",
	};
	json_object *o = json_object_new_object();
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keys); i++)
		copy_key(o, facts, keys[i]);
	return o;
}

static void raise_done(struct kwd *d, unsigned int kind, unsigned int action,
		       const char *name, const char *msg, json_object *detail)
{
	struct kw_alert a = {
		.kind = kind, .action = action,
		.severity = kw_kind_severity(kind),
		.source = KW_SOURCE_DAEMON, .module = name, .message = msg,
		.detail = detail,
	};

	json_object_object_add(detail, "boot_id",
			       json_object_new_string(d->boot_id));
	a.time_ns = kw_now_ns();
	kwd_raise(d, &a);
}

/* Write the device's name to its driver's unbind */
static void unbind_devices(json_object *drivers, json_object *steps)
{
	size_t i, j, nd = json_object_array_length(drivers);
	char path[4096 + 16], what[512];
	json_object *drv, *devs;
	const char *dev;
	ssize_t n;
	int fd, err;

	for (i = 0; i < nd; i++) {
		drv = json_object_array_get_idx(drivers, i);
		devs = kw_rec_obj(drv, "devices");
		for (j = 0; devs && j < json_object_array_length(devs); j++) {
			dev = json_object_get_string(json_object_array_get_idx(devs, j));
			snprintf(path, sizeof(path), "%s/unbind",
				 kw_rec_str(drv, "path") ?: "");
			snprintf(what, sizeof(what), "%s from %s",
				 dev, kw_rec_str(drv, "driver") ?: "?");
			fd = open(path, O_WRONLY | O_CLOEXEC);
			err = fd < 0 ? -errno : 0;
			if (!err) {
				n = write(fd, dev, strlen(dev));
				err = n < 0 ? -errno : 0;
				close(fd);
			}
			step(steps, "unbind", err, what);
		}
	}
}

/* Turn kwarden.ko's restore on for the data kinds this module changed */
static void ask_restore(struct kwd *d, const char *name,
			json_object *steps, json_object *restored)
{
	struct kwd_modstat *m = kwd_modstat_find(d, name, false);
	char cur[512] = "", buf[1024];
	unsigned int k;
	size_t n;
	int fd, err = 0;

	for (k = 0; m && k < KW_KIND_MAX; k++)
		if (m->kinds[k] && kw_restorable_kind(k))
			json_object_array_add(restored, json_object_new_string(
				kw_kind_name(k)));
	if (!json_object_array_length(restored)) {
		step(steps, "restore", 0,
		     "nothing to restore: no data change of kwarden's restorable kinds was traced to it");
		return;
	}
	fd = open(KW_RESTORE_PARAM, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = (size_t)read(fd, cur, sizeof(cur) - 1);
		cur[n < sizeof(cur) ? n : 0] = '\0';
		cur[strcspn(cur, "\n")] = '\0';
		close(fd);
	}
	snprintf(buf, sizeof(buf), "%s", cur);
	for (n = 0; n < json_object_array_length(restored); n++) {
		const char *kind = json_object_get_string(
			json_object_array_get_idx(restored, n));

		if (!strstr(cur, kind))
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
				 "%s%s", buf[0] ? "," : "", kind);
	}
	fd = open(KW_RESTORE_PARAM, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, buf, strlen(buf)) < 0)
		err = -errno;
	if (fd >= 0)
		close(fd);
	if (!err && kwd_genl_present(d))
		err = kwd_genl_request(d, KWARDEN_CMD_SCAN, NULL, NULL);
	step(steps, "restore", err, buf);
}

static bool has_section(json_object *facts, const char *sec)
{
	return kw_rec_obj(kw_rec_obj(facts, "sections"), sec) != NULL;
}

static void add_str(json_object *o, const char *key, const char *val)
{
	json_object_object_add(o, key, val ? json_object_new_string(val) : NULL);
}

/* Everything a disable reply and its alert share */
static json_object *result(const struct kwd_act *act, const char *name,
			   const char *action, const char *why)
{
	json_object *o = json_object_new_object();

	add_str(o, "name", name);
	add_str(o, "action", action);
	add_str(o, "why", why);
	add_str(o, "origin", act->origin);
	add_str(o, "reason", act->reason && act->reason[0] ? act->reason : NULL);
	json_object_object_add(o, "steps", json_object_new_array());
	return o;
}

static int block(struct kwd *d, const struct kwd_act *act, const char *state,
		 json_object *steps)
{
	char reason[KW_BLOCK_REASON_LEN];
	int err;

	snprintf(reason, sizeof(reason), "%s%s%s", act->origin,
		 act->reason && act->reason[0] ? ": " : "",
		 act->reason ? act->reason : "");
	err = kw_block_add(d->cfg.blocklist_dir, act->name, state, reason);
	step(steps, "blocklist", err, d->cfg.blocklist_dir);
	if (!err)
		propagate(d, steps);
	return err;
}

/* Contain: block, restore, leave it loaded, and say why */
static json_object *contain(struct kwd *d, const struct kwd_act *act,
			    json_object *facts, const char *why,
			    const char *rec_path)
{
	json_object *o = result(act, act->name, "contained", why);
	json_object *steps = kw_rec_obj(o, "steps"), *restored, *detail;
	char msg[512];
	bool guarded;
	size_t nh;

	block(d, act, "disabled", steps);
	restored = json_object_new_array();
	ask_restore(d, act->name, steps, restored);
	json_object_object_add(o, "restored", restored);
	nh = json_object_array_length(kw_rec_obj(facts, "hook_list"));
	step(steps, "hooks", 0, nh ?
	     "its ftrace/kprobe/fops hooks stay: kwarden.ko cannot unregister another module's hooks" :
	     "no hooks traced to it");
	kwd_danger_contained_sync(d);
	guarded = kwd_danger_contained_guards(d, act->name);
	step(steps, "device_nodes", guarded ? 0 : -ENOENT, guarded ?
	     "read, write, ioctl and mmap of files whose operations it owns are denied (BPF; the open itself is not)" :
	     "not denied: no BPF file guard for it (BPF not loaded, or it is not in /sys/module)");
	add_str(o, "forensics", rec_path);
	snprintf(msg, sizeof(msg),
		 "module %s contained, not unloaded: %s; its reload is blocked%s",
		 act->name, why, json_object_array_length(restored) ?
		 ", kwarden.ko restores the data it changed" : "");
	add_str(o, "message", msg);
	detail = json_object_get(o);
	json_object_object_add(detail, "summary", summary(facts));
	raise_done(d, KW_KIND_module_disabled, KW_ACTION_contained, act->name,
		   msg, json_object_get(detail));
	json_object_put(detail);
	return o;
}

/* Why it may not be unloaded now, or NULL; *refuse: say no, change nothing */
static const char *obstacle(const struct kwd_act *act, json_object *facts,
			    char *buf, size_t len, bool *refuse)
{
	json_object *holders = kw_rec_obj(facts, "holders");
	int64_t refcnt = json_object_get_int64(kw_rec_obj(facts, "refcnt"));
	size_t i, n = holders ? json_object_array_length(holders) : 0, off;

	*refuse = false;
	/* never unloadable: contained, in use or not */
	if (json_object_get_boolean(kw_rec_obj(facts, "hidden")))
		return "it is hidden from the kernel's module list: unloading it is not safe";
	if (!has_section(facts, ".exit.text"))
		return "it has no exit function (no .exit.text section): only a forced unload could remove it, and kwarden never forces";
	if (n) {
		off = (size_t)snprintf(buf, len, "in use by ");
		for (i = 0; i < n && off < len; i++)
			off += (size_t)snprintf(buf + off, len - off, "%s%s",
				i ? ", " : "", json_object_get_string(
					json_object_array_get_idx(holders, i)));
		*refuse = !act->automatic;
		return buf;
	}
	if (refcnt > 0) {
		snprintf(buf, len, "in use (refcnt %lld)", (long long)refcnt);
		*refuse = !act->automatic;
		return buf;
	}
	if (act->contain_only)
		return "the response policy says contain";
	return NULL;
}

static json_object *refused(char *err, size_t errlen, const char *fmt,
			    const char *name, const char *why)
{
	snprintf(err, errlen, fmt, name, why);
	return NULL;
}

json_object *kwd_disable(struct kwd *d, const struct kwd_act *act, char *err,
			 size_t errlen)
{
	json_object *facts, *o, *steps, *detail;
	char why[512], rec_path[4096], msg[512];
	const char *obst;
	bool refuse;
	long r;

	if (!strcmp(act->name, "kwarden"))
		return refused(err, errlen, "%s: kwarden does not disable itself%s",
			       act->name, "");
	if (!act->dry_run && (d->cfg.safe_mode || kwd_safe_mode()))
		return refused(err, errlen,
			       "safe mode (%s): kwarden disables nothing; %s was left alone",
			       d->cfg.safe_mode ? "safe_mode in kwarden.conf" :
			       "kwarden.safe_mode=1", act->name);
	facts = kwd_module_facts(d, act->name);
	if (json_object_get_boolean(kw_rec_obj(facts, "builtin"))) {
		json_object_put(facts);
		return refused(err, errlen, "%s is built into the kernel: it cannot be unloaded%s",
			       act->name, "");
	}
	/* a module hidden from every list is loaded all the same */
	if (!json_object_get_boolean(kw_rec_obj(facts, "loaded")) &&
	    !json_object_get_boolean(kw_rec_obj(facts, "hidden"))) {
		json_object_put(facts);
		return refused(err, errlen, "%s is not loaded; `kwardenctl quarantine %s` blocks it from loading",
			       act->name, act->name);
	}
	obst = obstacle(act, facts, why, sizeof(why), &refuse);
	if (refuse) {
		json_object_put(facts);
		return refused(err, errlen,
			       "%s is %s: nothing was changed; disable the holder first, or quarantine it",
			       act->name, obst);
	}
	if (act->dry_run) {
		o = result(act, act->name, obst ? "would_contain" : "would_unload",
			   obst);
		json_object_object_add(o, "dry_run", json_object_new_boolean(1));
		json_object_object_add(o, "module", facts);
		return o;
	}
	if (record(d, act->name, facts, act, "disable", rec_path,
		   sizeof(rec_path))) {
		json_object_put(facts);
		return refused(err, errlen, "%s: cannot write the forensic record in %s: nothing was done",
			       act->name, d->cfg.forensics_dir);
	}
	if (obst) {
		o = contain(d, act, facts, obst, rec_path);
		json_object_put(facts);
		return o;
	}
	o = result(act, act->name, "unloaded", NULL);
	steps = kw_rec_obj(o, "steps");
	step(steps, "forensics", 0, rec_path);
	if (block(d, act, "disabled", steps)) {
		json_object_put(o);
		json_object_put(facts);
		return refused(err, errlen, "%s: cannot block its reload in %s: not unloaded",
			       act->name, d->cfg.blocklist_dir);
	}
	unbind_devices(kw_rec_obj(facts, "drivers"), steps);
	r = syscall(SYS_delete_module, act->name, O_NONBLOCK);
	step(steps, "delete_module", r ? -errno : 0, "O_NONBLOCK, not forced");
	if (r && errno != ENOENT) {
		snprintf(why, sizeof(why), "delete_module refused: %s%s",
			 strerror(errno), errno == EBUSY ?
			 " (no exit function, or not live)" : errno == EAGAIN ?
			 " (in use)" : "");
		json_object_put(o);
		o = contain(d, act, facts, why, rec_path);
		json_object_put(facts);
		return o;
	}
	add_str(o, "forensics", rec_path);
	snprintf(msg, sizeof(msg), "module %s disabled: devices unbound, unloaded, reload blocked",
		 act->name);
	add_str(o, "message", msg);
	detail = json_object_get(o);
	json_object_object_add(detail, "summary", summary(facts));
	raise_done(d, KW_KIND_module_disabled, KW_ACTION_unloaded, act->name,
		   msg, json_object_get(detail));
	json_object_put(detail);
	json_object_put(facts);
	return o;
}

json_object *kwd_quarantine(struct kwd *d, const struct kwd_act *act,
			    char *err, size_t errlen)
{
	json_object *facts = kwd_module_facts(d, act->name), *o, *detail;
	char rec_path[4096], msg[512];

	if (!strcmp(act->name, "kwarden")) {
		json_object_put(facts);
		return refused(err, errlen, "%s: kwarden does not quarantine itself%s",
			       act->name, "");
	}
	if (record(d, act->name, facts, act, "quarantine", rec_path,
		   sizeof(rec_path))) {
		json_object_put(facts);
		return refused(err, errlen, "%s: cannot write the forensic record in %s: nothing was done",
			       act->name, d->cfg.forensics_dir);
	}
	o = result(act, act->name, "quarantined", NULL);
	step(kw_rec_obj(o, "steps"), "forensics", 0, rec_path);
	if (block(d, act, "quarantined", kw_rec_obj(o, "steps"))) {
		json_object_put(o);
		json_object_put(facts);
		return refused(err, errlen, "%s: cannot write its block in %s",
			       act->name, d->cfg.blocklist_dir);
	}
	add_str(o, "forensics", rec_path);
	snprintf(msg, sizeof(msg), "module %s quarantined: its loading is blocked%s",
		 act->name, json_object_get_boolean(kw_rec_obj(facts, "loaded")) ?
		 "; it stays loaded" : "");
	add_str(o, "message", msg);
	detail = json_object_get(o);
	json_object_object_add(detail, "summary", summary(facts));
	raise_done(d, KW_KIND_module_quarantined, KW_ACTION_quarantined,
		   act->name, msg, json_object_get(detail));
	json_object_put(detail);
	json_object_put(facts);
	return o;
}

json_object *kwd_release(struct kwd *d, const struct kwd_act *act, char *err,
			 size_t errlen)
{
	json_object *o, *detail;
	struct kw_block b;
	char msg[512];
	int e = kw_block_get(d->cfg.blocklist_dir, act->name, &b);

	if (e == -ENOENT)
		return refused(err, errlen, "%s is not blocked%s", act->name, "");
	e = kw_block_remove(d->cfg.blocklist_dir, act->name);
	if (e)
		return refused(err, errlen, "%s: removing its block failed: %s",
			       act->name, strerror(-e));
	o = result(act, act->name, "released", NULL);
	add_str(o, "was", b.state);
	add_str(o, "blocked_because", b.reason);
	step(kw_rec_obj(o, "steps"), "blocklist", 0, d->cfg.blocklist_dir);
	propagate(d, kw_rec_obj(o, "steps"));
	snprintf(msg, sizeof(msg), "module %s released: it may load again (it was %s)",
		 act->name, b.state);
	add_str(o, "message", msg);
	detail = json_object_get(o);
	raise_done(d, KW_KIND_module_released, KW_ACTION_logged, act->name,
		   msg, json_object_get(detail));
	json_object_put(detail);
	return o;
}
