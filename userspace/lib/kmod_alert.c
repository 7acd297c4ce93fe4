// SPDX-License-Identifier: GPL-2.0
/*
 * Alerts of kwarden.ko: detail (region, address, symbol+offset or table
 * and slot, changed bytes, decoded branch target) and a one-line message
 * for people.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "kmod_alert.h"
#include "bpf_alert.h"
#include "compiler.h"
#include "names.h"
#include "timefmt.h"

static void hex(const unsigned char *b, unsigned int n, char *buf)
{
	static const char digits[] = "0123456789abcdef";
	unsigned int i;

	for (i = 0; i < n; i++) {
		buf[2 * i] = digits[b[i] >> 4];
		buf[2 * i + 1] = digits[b[i] & 15];
	}
	buf[2 * n] = '\0';
}

static void add_hex_u64(json_object *o, const char *key, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)v);
	json_object_object_add(o, key, json_object_new_string(buf));
}

static void add_bytes(json_object *o, const char *key,
		      const unsigned char *b, unsigned int n)
{
	char buf[2 * KW_BYTES_LEN + 1];

	if (!n)
		return;
	hex(b, n > KW_BYTES_LEN ? KW_BYTES_LEN : n, buf);
	json_object_object_add(o, key, json_object_new_string(buf));
}

void kw_where(const struct kw_kmod_alert *k, char *buf, size_t len)
{
	if (k->symbol[0] && (k->has & KW_KA_SLOT))
		snprintf(buf, len, "%s[%u]", k->symbol, k->slot);
	else if (k->symbol[0])
		snprintf(buf, len, "%s+0x%llx", k->symbol,
			 (unsigned long long)k->offset);
	else if (k->has & KW_KA_ADDR)
		snprintf(buf, len, "0x%llx", (unsigned long long)k->addr);
	else
		snprintf(buf, len, "%s", k->region);
}

static void add_str(json_object *o, const char *key, const char *v)
{
	json_object_object_add(o, key, json_object_new_string(v));
}

static void add_u32(json_object *o, const char *key, unsigned int v)
{
	json_object_object_add(o, key, json_object_new_int64(v));
}

static void add_hash(json_object *o, const char *key, const unsigned char *h)
{
	char buf[2 * KW_HASH_LEN + 1];

	hex(h, KW_HASH_LEN, buf);
	add_str(o, key, buf);
}

static void add_taints(json_object *o, const char *key, unsigned int taints)
{
	char letters[32], name[32];

	add_u32(o, key, taints);
	kw_taint_letters(taints, letters, sizeof(letters));
	snprintf(name, sizeof(name), "%s_flags",
		 strcmp(key, "taints") ? key : "taint");
	add_str(o, name, letters);
}

/* Module loads and faults: the keys of the BPF module_load, and more */
void kw_module_parts_json(json_object *o, const struct kw_kmod_alert *k)
{
	if (k->has & (KW_KA_MODLOAD | KW_KA_HASH | KW_KA_FAULT) && k->module[0])
		add_str(o, "name", k->module);
	if (k->has & KW_KA_MODLOAD) {
		json_object_object_add(o, "path", k->path[0] ?
				       json_object_new_string(k->path) : NULL);
		add_str(o, "via", kw_via_name(k->via));
		add_taints(o, "taints", k->taints);
		json_object_object_add(o, "sig_ok",
				       json_object_new_boolean(!!k->sig_ok));
		add_str(o, "verdict", kw_verdict_name(k->verdict) ?: "none");
		if (k->rule[0])
			add_str(o, "rule", k->rule);
	}
	if (k->has & KW_KA_HASH)
		add_hash(o, "sha256", k->hash);
	if (k->has & KW_KA_FILE_HASH)
		add_hash(o, "file_sha256", k->file_hash);
	if (k->has & KW_KA_FAULT) {
		add_str(o, "fault", kw_fault_name(k->fault) ?: "none");
		add_taints(o, "taints", k->taints);
		add_taints(o, "taints_old", k->taints_old);
		add_u32(o, "count", k->count);
	}
	if (k->has & KW_KA_TASK) {
		add_u32(o, "pid", k->pid);
		add_u32(o, "uid", k->uid);
		add_str(o, "comm", k->comm);
	}
}

static json_object *detail_json(const struct kw_kmod_alert *k,
				const char *where, const char *boot_id)
{
	json_object *o = json_object_new_object();

	/* kwarden.ko turned itself off: which self-check failed, and why */
	if (k->kind == KW_KIND_kwarden_degraded) {
		add_str(o, "check", k->symbol);
		add_str(o, "reason", k->reason);
		add_str(o, "state", "degraded");
		goto out;
	}
	if (k->region[0])
		json_object_object_add(o, "region",
				       json_object_new_string(k->region));
	if (k->has & KW_KA_ADDR)
		add_hex_u64(o, "address", k->addr);
	if (k->symbol[0]) {
		json_object_object_add(o, "symbol",
				       json_object_new_string(k->symbol));
		json_object_object_add(o, "offset",
				       json_object_new_uint64(k->offset));
	}
	if (k->has & KW_KA_SLOT)
		json_object_object_add(o, "slot", json_object_new_int64(k->slot));
	if (k->views[0])
		json_object_object_add(o, "views",
				       json_object_new_string(k->views));
	if (k->hook_flags[0])
		json_object_object_add(o, "hook_flags",
				       json_object_new_string(k->hook_flags));
	if (k->object[0])
		add_str(o, "object", k->object);
	if (k->caller[0])
		add_str(o, "caller", k->caller);
	if (k->caller_sym[0])
		add_str(o, "caller_symbol", k->caller_sym);
	if (where[0])
		json_object_object_add(o, "where", json_object_new_string(where));
	if (k->has & KW_KA_LEN)
		json_object_object_add(o, "len", json_object_new_int64(k->len));
	add_bytes(o, "old", k->old, k->old_len);
	add_bytes(o, "new", k->new, k->new_len);
	if (k->has & KW_KA_TARGET)
		add_hex_u64(o, "target", k->target);
	if (k->target_sym[0])
		json_object_object_add(o, "target_symbol",
				       json_object_new_string(k->target_sym));
	kw_module_parts_json(o, k);
out:
	json_object_object_add(o, "kseq", json_object_new_uint64(k->kseq));
	if (boot_id)
		json_object_object_add(o, "boot_id",
				       json_object_new_string(boot_id));
	return o;
}

__printf(3, 4)
static void append(char *buf, size_t *n, const char *fmt, ...)
{
	size_t len = sizeof(((struct kw_kmod_alert *)0)->msg);
	va_list ap;
	int r;

	if (*n >= len - 1)
		return;
	va_start(ap, fmt);
	r = vsnprintf(buf + *n, len - *n, fmt, ap);
	va_end(ap);
	if (r > 0)
		*n = *n + (size_t)r < len ? *n + (size_t)r : len - 1;
}

static bool is_hook(const struct kw_kmod_alert *k)
{
	return k->kind == KW_KIND_ftrace_hook || k->kind == KW_KIND_kprobe_hook;
}

/*
 * "kernel text modified at foo+0x4 (core_text): 5 bytes differ, ...",
 * "ftrace hook at foo+0x4 (ftrace_ops), module m: handler h (ipmodify)"
 */
/* "module m loaded from /p via finit_module by insmod (pid 1, uid 0): ..." */
static void load_message(struct kw_kmod_alert *k)
{
	const char *verdict = kw_verdict_name(k->verdict) ?: "none";
	char letters[32];
	size_t n = 0;

	kw_taint_letters(k->taints, letters, sizeof(letters));
	append(k->msg, &n, "module %s %s", k->module,
	       k->kind == KW_KIND_module_load_denied ? "load denied" :
	       "loaded");
	if (k->path[0])
		append(k->msg, &n, " from %s", k->path);
	append(k->msg, &n, " via %s", kw_via_name(k->via));
	if (k->has & KW_KA_TASK)
		append(k->msg, &n, " by %s (pid %u, uid %u)", k->comm, k->pid,
		       k->uid);
	append(k->msg, &n, ", %s", k->sig_ok ? "signed" :
	       "signature not verified");
	if (letters[0])
		append(k->msg, &n, ", taints %s", letters);
	if (k->verdict != KW_VERDICT_NONE)
		append(k->msg, &n, ", %s", verdict);
	if (k->rule[0])
		append(k->msg, &n, " (%s)", k->rule);
}

/* "module_fault: warning in module m at foo+0x10, fault 3 of m" */
static void fault_message(struct kw_kmod_alert *k, const char *where)
{
	size_t n = 0;

	append(k->msg, &n, "module fault: %s", kw_fault_name(k->fault) ?: "?");
	if (k->module[0])
		append(k->msg, &n, " in module %s", k->module);
	if (where[0])
		append(k->msg, &n, " at %s", where);
	if (k->target_sym[0])
		append(k->msg, &n, ", called from %s", k->target_sym);
	if (k->count)
		append(k->msg, &n, ", fault %u of this module", k->count);
}

static bool is_livepatch(const struct kw_kmod_alert *k)
{
	return k->kind == KW_KIND_livepatch_applied ||
	       k->kind == KW_KIND_livepatch_reverted;
}

/*
 * "livepatch m replaced f (vmlinux) with g, signature not verified,
 * module policy: allowed (rule 1 (line 3))", "livepatch m reverted: f
 * (vmlinux) no longer goes to g, ..."
 */
static void livepatch_message(struct kw_kmod_alert *k)
{
	size_t n = 0;

	if (k->kind == KW_KIND_livepatch_applied)
		append(k->msg, &n, "livepatch %s replaced %s (%s) with %s",
		       k->module, k->symbol, k->object, k->target_sym);
	else
		append(k->msg, &n, "livepatch %s reverted: %s (%s) no longer goes to %s",
		       k->module, k->symbol, k->object, k->target_sym);
	append(k->msg, &n, ", %s", k->sig_ok ? "signed" :
	       "signature not verified");
	append(k->msg, &n, ", module policy: %s",
	       kw_verdict_name(k->verdict) ?: "none");
	if (k->rule[0])
		append(k->msg, &n, " (%s)", k->rule);
}

static void message(struct kw_kmod_alert *k, const char *where)
{
	const char *c;
	size_t n = 0;

	if (is_livepatch(k))
		return livepatch_message(k);
	if (k->has & KW_KA_MODLOAD)
		return load_message(k);
	if (k->has & KW_KA_FAULT)
		return fault_message(k, where);
	if (k->kind == KW_KIND_kwarden_degraded) {
		append(k->msg, &n, "kwarden.ko turned itself off: self-check '%s' failed: %s; no more scanning, restoring or denying",
		       k->symbol, k->reason);
		return;
	}

	for (c = kw_kind_name(k->kind); *c; c++)
		append(k->msg, &n, "%c", *c == '_' ? ' ' : *c);
	if (where[0] && strcmp(where, k->region))
		append(k->msg, &n, " at %s", where);
	if (k->region[0])
		append(k->msg, &n, " (%s)", k->region);
	if (k->module[0])
		append(k->msg, &n, ", module %s", k->module);
	/* without old bytes (block digests) the count is unknown */
	if ((k->has & KW_KA_LEN) && !is_hook(k) && k->old_len)
		append(k->msg, &n, ": %u bytes differ", k->len);
	if (k->views[0])
		append(k->msg, &n, ": %s", k->views);
	if (k->target_sym[0] && is_hook(k))
		append(k->msg, &n, ": handler %s", k->target_sym);
	else if (k->target_sym[0])
		append(k->msg, &n, ", %s %s",
		       k->has & KW_KA_SLOT ? "now points to" : "branches to",
		       k->target_sym);
	if (k->hook_flags[0])
		append(k->msg, &n, " (%s)", k->hook_flags);
	if (k->caller[0])
		append(k->msg, &n, ", written through text_poke by %s",
		       k->caller);
}

int kw_kmod_alert(struct kw_kmod_alert *k, const char *boot_id,
		  struct kw_alert *a)
{
	char where[KW_SYM_LEN + 32];

	if (!kw_kind_name(k->kind))
		return -EINVAL;
	if (!(k->has & KW_KA_SEVERITY) || !kw_severity_name(k->severity))
		k->severity = kw_kind_severity(k->kind);
	if (!(k->has & KW_KA_ACTION) || !kw_action_name(k->action))
		k->action = KW_ACTION_logged;
	kw_one_line(k->module);
	kw_one_line(k->views);
	kw_one_line(k->reason);
	kw_one_line(k->hook_flags);
	kw_one_line(k->object);
	kw_one_line(k->caller);
	kw_one_line(k->caller_sym);
	kw_one_line(k->region);
	kw_one_line(k->symbol);
	kw_one_line(k->target_sym);
	kw_one_line(k->path);
	kw_one_line(k->rule);
	kw_one_line(k->comm);
	/* the kmod sends addr/offset/len always: a load has no location */
	if ((k->has & (KW_KA_MODLOAD | KW_KA_FAULT)) && !k->addr && !k->len)
		k->has &= ~(KW_KA_ADDR | KW_KA_OFFSET | KW_KA_LEN);
	/* a livepatch names functions: no bytes differ */
	if (is_livepatch(k))
		k->has &= ~KW_KA_LEN;
	kw_where(k, where, sizeof(where));
	message(k, where);
	memset(a, 0, sizeof(*a));
	a->time_ns = k->has & KW_KA_TIME ? k->time_ns : kw_now_ns();
	a->kind = k->kind;
	a->severity = k->severity;
	a->action = k->action;
	a->module = k->module[0] ? k->module : NULL;
	a->source = KW_SOURCE_KMOD;
	a->message = k->msg;
	a->detail = detail_json(k, where, boot_id);
	return 0;
}
