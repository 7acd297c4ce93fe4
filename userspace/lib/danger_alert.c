// SPDX-License-Identifier: GPL-2.0
/*
 * Message and detail of a dangerous_interface: one phrase per operation
 * (the dangerous_interface part of enum kw_tamper_op), then who tried it.
 */
#include <stdio.h>
#include <string.h>
#include "compiler.h"
#include "danger_alert.h"
#include "alert.h"
#include "names.h"

#define MEM_MAJOR	1

static const char *mem_device(unsigned int dev)
{
	if (dev >> 20 != MEM_MAJOR)
		return NULL;
	switch (dev & 0xfffff) {
	case 1:
		return "mem";
	case 2:
		return "kmem";
	case 4:
		return "port";
	default:
		return NULL;
	}
}

static const char *probe_how(unsigned int how)
{
	switch (how) {
	case KW_PROBE_PERF_KPROBE:
		return "perf_kprobe";
	case KW_PROBE_TRACING:
		return "tracing_program";
	case KW_PROBE_KPROBE_MULTI:
		return "kprobe_multi";
	default:
		return "unknown";
	}
}

static const char *helper_name(unsigned int op)
{
	return op == KW_OP_bpf_write_user ? "bpf_probe_write_user"
					   : "bpf_override_return";
}

static const char *contained_how(unsigned int how)
{
	static const char *const names[] = {
		[KW_CONTAINED_READ] = "read", [KW_CONTAINED_WRITE] = "write",
		[KW_CONTAINED_IOCTL] = "ioctl", [KW_CONTAINED_MMAP] = "mmap",
	};

	return how < ARRAY_SIZE(names) && names[how] ? names[how] : "access";
}

static void what(const struct kw_bpf_event *e, const struct kw_bpf_strs *s,
		 char *buf, size_t len)
{
	unsigned long long id = (unsigned long long)e->target_id;

	switch (e->op) {
	case KW_OP_mem_write:
		snprintf(buf, len, "opening %s (the %s device) for write",
			 s->path[0] ? s->path : "?",
			 mem_device(e->target_dev) ?: "memory");
		break;
	case KW_OP_kcore_open:
		snprintf(buf, len, "opening %s (the kernel's memory as a core file)",
			 s->path[0] ? s->path : "/proc/kcore");
		break;
	case KW_OP_kexec_load:
		snprintf(buf, len, "kexec_load (replacing the running kernel)");
		break;
	case KW_OP_kexec_file_load:
		snprintf(buf, len, "kexec_file_load of %s %s",
			 e->arg == KW_KEXEC_INITRAMFS ? "initramfs" : "kernel",
			 s->path[0] ? s->path : "?");
		break;
	case KW_OP_bpf_write_user:
	case KW_OP_bpf_override_return:
		snprintf(buf, len, "loading BPF program %s that calls %s (instruction %llu)",
			 s->path[0] ? s->path : "(unnamed)", helper_name(e->op),
			 id);
		break;
	case KW_OP_probe_kwarden:
		if (e->arg == KW_PROBE_TRACING)
			snprintf(buf, len,
				 "loading BPF tracing program %s aimed at kwarden.ko's functions",
				 s->path[0] ? s->path : "(unnamed)");
		else if (id)
			snprintf(buf, len, "%s on kwarden.ko's code at %s%s0x%llx",
				 e->arg == KW_PROBE_KPROBE_MULTI ?
				 "kprobe_multi link" : "perf kprobe",
				 s->path, s->path[0] ? ", " : "", id);
		else
			snprintf(buf, len, "%s on kwarden.ko's code at %s",
				 e->arg == KW_PROBE_KPROBE_MULTI ?
				 "kprobe_multi link" : "perf kprobe", s->path);
		break;
	case KW_OP_contained_device:
		snprintf(buf, len, "%s on %s, a file of contained module %s",
			 contained_how(e->arg), s->path[0] ? s->path : "?",
			 s->name[0] ? s->name : "?");
		break;
	default:
		snprintf(buf, len, "operation %u", e->op);
		break;
	}
}

static void add_hex(json_object *o, const char *key, unsigned long long v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%llx", v);
	json_object_object_add(o, key, json_object_new_string(buf));
}

static void add_op_fields(json_object *o, const struct kw_bpf_event *e,
			  const struct kw_bpf_strs *s)
{
	switch (e->op) {
	case KW_OP_mem_write:
	case KW_OP_kcore_open:
		kw_rec_add_str(o, "target", s->path[0] ? s->path :
			e->op == KW_OP_kcore_open ? "/proc/kcore" : NULL);
		kw_rec_add_str(o, "device", mem_device(e->target_dev));
		kw_rec_add_int(o, "dev_major", e->target_dev >> 20);
		kw_rec_add_int(o, "dev_minor", e->target_dev & 0xfffff);
		kw_rec_add_int(o, "flags", e->arg);
		break;
	case KW_OP_kexec_file_load:
		kw_rec_add_str(o, "target", s->path);
		kw_rec_add_str(o, "file", e->arg == KW_KEXEC_INITRAMFS ? "initramfs"
								 : "kernel");
		break;
	case KW_OP_bpf_write_user:
	case KW_OP_bpf_override_return:
		kw_rec_add_str(o, "target", s->path);
		kw_rec_add_str(o, "helper", helper_name(e->op));
		kw_rec_add_int(o, "helper_id", e->arg);
		kw_rec_add_int(o, "insn", (long long)e->target_id);
		kw_rec_add_int(o, "prog_type", e->target_class);
		break;
	case KW_OP_probe_kwarden:
		kw_rec_add_str(o, "target", s->path);
		kw_rec_add_str(o, "how", probe_how(e->arg));
		if (e->arg == KW_PROBE_TRACING)
			kw_rec_add_int(o, "prog_type", e->target_class);
		else if (e->target_id)
			add_hex(o, "address", e->target_id);
		break;
	case KW_OP_contained_device:
		kw_rec_add_str(o, "target", s->path);
		kw_rec_add_str(o, "access", contained_how(e->arg));
		kw_rec_add_int(o, "dev_major", e->target_dev >> 20);
		kw_rec_add_int(o, "dev_minor", e->target_dev & 0xfffff);
		break;
	default:
		break;
	}
}

struct json_object *kw_danger_describe(const struct kw_bpf_event *e,
				       struct kw_bpf_strs *s)
{
	json_object *o = json_object_new_object();
	char phrase[768];

	what(e, s, phrase, sizeof(phrase));
	snprintf(s->msg, sizeof(s->msg), "%s %s: by %s (pid %u, uid %u%s%s)",
		 phrase, e->action == KW_ACTION_denied ? "denied" :
		 "allowed and reported (audit mode, or safe mode)", s->comm,
		 e->pid, e->uid, s->exe[0] ? ", exe " : "", s->exe);
	kw_one_line(s->msg);
	kw_rec_add_str(o, "what", kw_tamper_op_name(e->op));
	add_op_fields(o, e, s);
	kw_rec_add_int(o, "pid", e->pid);
	kw_rec_add_int(o, "uid", e->uid);
	kw_rec_add_str(o, "comm", s->comm);
	kw_rec_add_str(o, "exe", s->exe);
	return o;
}
