// SPDX-License-Identifier: GPL-2.0
/*
 * Message and detail of a tamper_attempt: one phrase per operation of
 * enum kw_tamper_op, then who tried it.
 */
#include <stdio.h>
#include <string.h>
#include "alert.h"
#include "compiler.h"
#include "names.h"
#include "tamper_alert.h"

#define O_TRUNC_X86	01000	/* delete_module()'s force flag */

static const char *const file_verbs[KW_OP_MAX] = {
	[KW_OP_open_write]	= "opening for write",
	[KW_OP_truncate]	= "truncating",
	[KW_OP_setattr]		= "changing the attributes of",
	[KW_OP_unlink]		= "removing",
	[KW_OP_rmdir]		= "removing the directory",
	[KW_OP_rename]		= "renaming or replacing",
	[KW_OP_create]		= "creating",
	[KW_OP_link]		= "hard-linking",
};

static void signal_name(unsigned int sig, char *buf, size_t len)
{
	const char *name = kw_signal_name(sig);

	if (name)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "%u", sig);
}

static const char *tracing_name(unsigned int which)
{
	return which == KW_TRACING_KPROBES ? "debugfs kprobes/enabled"
					   : "kernel.ftrace_enabled";
}

/* kwarden.ko's generic netlink command @cmd: "policy", "command 9" */
static void kmod_cmd_name(unsigned int cmd, char *buf, size_t len)
{
	static const char *const names[] = {
		[KWARDEN_CMD_STATUS] = "status", [KWARDEN_CMD_SCAN] = "scan",
		[KWARDEN_CMD_ALERT] = "alert", [KWARDEN_CMD_POLICY] = "policy",
		[KWARDEN_CMD_MODULE] = "module",
	};

	if (cmd == KW_CMD_UNSEEN)
		snprintf(buf, len, "batch");
	else if (cmd < ARRAY_SIZE(names) && names[cmd])
		snprintf(buf, len, "%s", names[cmd]);
	else
		snprintf(buf, len, "command %u", cmd);
}

/* "killed by SIGKILL", "exited with status 1" */
static void exit_phrase(unsigned int code, char *buf, size_t len)
{
	char sig[16];

	if (code & 0x7f) {
		signal_name(code & 0x7f, sig, sizeof(sig));
		snprintf(buf, len, "killed by %s", sig);
	} else {
		snprintf(buf, len, "exited with status %u", (code >> 8) & 0xff);
	}
}

/* What was tried, as a phrase: "signal SIGKILL to kwardend (pid 42)" */
static void what(const struct kw_bpf_event *e, const struct kw_bpf_strs *s,
		 char *buf, size_t len)
{
	const char *cls = kw_guard_class_name(e->target_class) ?: "?";
	unsigned long long id = (unsigned long long)e->target_id;
	char sig[32];

	switch (e->op) {
	case KW_OP_signal:
	case KW_OP_sigio:
		signal_name(e->arg ?: 29, sig, sizeof(sig));
		snprintf(buf, len, "%s %s to %s (pid %u)",
			 e->op == KW_OP_sigio ? "SIGIO-driven signal" : "signal",
			 sig, s->target, e->target_pid);
		break;
	case KW_OP_setrlimit:
		snprintf(buf, len, "setting resource limit %u of %s (pid %u)",
			 e->arg, s->target, e->target_pid);
		break;
	case KW_OP_ptrace:
		snprintf(buf, len,
			 "ptrace attach or memory access (mode 0x%x) to %s (pid %u)",
			 e->arg, s->target, e->target_pid);
		break;
	case KW_OP_module_unload:
		if (s->name[0])
			snprintf(buf, len, "unloading module %s%s", s->name,
				 e->arg & O_TRUNC_X86 ? " by force" : "");
		else
			snprintf(buf, len,
				 "unloading a module whose name could not be read%s",
				 e->arg & O_TRUNC_X86 ? ", by force" : "");
		break;
	case KW_OP_bpf_map_write:
		snprintf(buf, len, "write access to kwarden's BPF map %s (id %llu)",
			 s->target, id);
		break;
	case KW_OP_bpf_link_detach:
	case KW_OP_bpf_link_update:
		snprintf(buf, len, "%s kwarden's BPF link id %llu",
			 e->op == KW_OP_bpf_link_detach ? "detaching"
			 : "replacing the program of", id);
		break;
	case KW_OP_umount:
		if (KW_GUARD_CLASS(e->target_class) == KW_GUARD_PINS)
			snprintf(buf, len,
				 "unmounting %s, the bpffs that holds kwarden's pins (mount id %llu)",
				 s->target, id);
		else
			snprintf(buf, len,
				 "lazily unmounting %s (mount id %llu), above kwarden's pins",
				 s->target, id);
		break;
	case KW_OP_tracing_off:
		snprintf(buf, len,
			 "opening %s for write (turning it off stops every %s)",
			 tracing_name(e->arg), e->arg == KW_TRACING_KPROBES ?
			 "kprobe" : "BPF trampoline and ftrace hook");
		break;
	case KW_OP_claim:
		snprintf(buf, len, "claiming kwardend's protection with a wrong key");
		break;
	case KW_OP_unlock:
		snprintf(buf, len, "unlocking kwarden with a wrong key");
		break;
	case KW_OP_daemon_exit:
		exit_phrase(e->arg, sig, sizeof(sig));
		snprintf(buf, len, "%s (pid %u) %s while the guard was locked",
			 s->target, e->target_pid, sig);
		break;
	case KW_OP_kmod_command:
		kmod_cmd_name(e->arg, sig, sizeof(sig));
		snprintf(buf, len, e->arg == KW_CMD_UNSEEN ?
			 "a batch of generic netlink messages too long to inspect, sent while kwarden.ko's family is guarded (%s)" :
			 "the state-changing kwarden.ko command \"%s\", not from kwardend",
			 sig);
		break;
	default:
		if (e->op < KW_OP_MAX && file_verbs[e->op])
			snprintf(buf, len, "%s %s (kwarden %s)", file_verbs[e->op],
				 s->target, cls);
		else
			snprintf(buf, len, "operation %u on %s", e->op, s->target);
		break;
	}
}

/* The op's own argument, under a name that says what it is */
static void add_arg(json_object *o, const struct kw_bpf_event *e)
{
	char sig[16];

	switch (e->op) {
	case KW_OP_signal:
	case KW_OP_sigio:
		signal_name(e->arg ?: 29, sig, sizeof(sig));
		kw_rec_add_str(o, "signal", sig);
		break;
	case KW_OP_setrlimit:
		kw_rec_add_int(o, "resource", e->arg);
		break;
	case KW_OP_ptrace:
		kw_rec_add_int(o, "mode", e->arg);
		break;
	case KW_OP_module_unload:
		kw_rec_add_int(o, "flags", e->arg);
		json_object_object_add(o, "force",
			json_object_new_boolean(!!(e->arg & O_TRUNC_X86)));
		break;
	case KW_OP_umount:
	case KW_OP_bpf_map_write:
	case KW_OP_setattr:
		kw_rec_add_int(o, "flags", e->arg);
		break;
	case KW_OP_create:
		kw_rec_add_int(o, "mode", e->arg);
		break;
	case KW_OP_tracing_off:
		kw_rec_add_str(o, "switch", tracing_name(e->arg));
		break;
	case KW_OP_kmod_command:
		kmod_cmd_name(e->arg, sig, sizeof(sig));
		kw_rec_add_str(o, "command", sig);
		break;
	case KW_OP_daemon_exit:
		kw_rec_add_int(o, "exit_code", e->arg);
		if (e->arg & 0x7f) {
			signal_name(e->arg & 0x7f, sig, sizeof(sig));
			kw_rec_add_str(o, "signal", sig);
		}
		break;
	default:
		break;
	}
}

struct json_object *kw_tamper_describe(const struct kw_bpf_event *e,
				struct kw_bpf_strs *s)
{
	json_object *o = json_object_new_object();
	char phrase[768];

	what(e, s, phrase, sizeof(phrase));
	if (e->op == KW_OP_daemon_exit)
		snprintf(s->msg, sizeof(s->msg), "%s", phrase);
	else
		snprintf(s->msg, sizeof(s->msg),
			 "%s %s: by %s (pid %u, uid %u%s%s)", phrase,
			 e->action == KW_ACTION_denied ? "denied" :
			 "allowed (safe mode: observe only)", s->comm,
			 e->pid, e->uid, s->exe[0] ? ", exe " : "", s->exe);
	kw_one_line(s->msg);
	kw_rec_add_str(o, "what", kw_tamper_op_name(e->op));
	if (e->op == KW_OP_tracing_off)
		kw_rec_add_str(o, "target", e->arg == KW_TRACING_KPROBES ?
			"/sys/kernel/debug/kprobes/enabled" :
			"/proc/sys/kernel/ftrace_enabled");
	else if (e->op == KW_OP_module_unload)
		kw_rec_add_str(o, "target", s->name);
	else if (e->op == KW_OP_kmod_command)
		kw_rec_add_str(o, "target", "kwarden.ko");
	else
		kw_rec_add_str(o, "target", s->target);
	kw_rec_add_str(o, "target_class", e->target_class ?
		kw_guard_class_name(e->target_class) : NULL);
	if (e->target_pid)
		kw_rec_add_int(o, "target_pid", e->target_pid);
	if (e->target_id)
		kw_rec_add_int(o, "target_id", (long long)e->target_id);
	if (e->target_dev) {
		kw_rec_add_int(o, "dev_major", e->target_dev >> 20);
		kw_rec_add_int(o, "dev_minor", e->target_dev & 0xfffff);
	}
	add_arg(o, e);
	kw_rec_add_int(o, "pid", e->pid);
	kw_rec_add_int(o, "uid", e->uid);
	kw_rec_add_str(o, "comm", s->comm);
	kw_rec_add_str(o, "exe", s->exe);
	return o;
}
