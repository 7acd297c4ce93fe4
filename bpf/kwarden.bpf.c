// SPDX-License-Identifier: GPL-2.0
/*
 * kwarden BPF programs: module-load attribution on both load paths.
 *
 * finit_module reads the file through kernel_read_file(READING_MODULE),
 * init_module copies a user buffer through kernel_load_data(LOADING_MODULE).
 * Both LSM hooks remember how (and from which file) the current task is
 * loading a module; the module_load tracepoint, which fires in the same
 * task just before the module's init runs, turns that into one
 * struct kw_bpf_event in the `events` ring buffer.
 *
 * The final verdict on a load is kwarden.ko's, at MODULE_STATE_COMING:
 * deny_module_loads stays 0. An autoload request (request_module(), the
 * kernel_module_request hook) for a module kwardend blocked is denied here,
 * before modprobe is even spawned.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <linux/kwarden.h>
#include "kw_events.h"

char LICENSE[] SEC("license") = "GPL";

/* How the current task is loading a module, until module_load fires */
struct kw_pending {
	__u32 via;		/* enum kw_load_via */
	__u32 pad;
	char path[KW_PATH_LEN];
};

/* Keyed by pid_tgid; LRU so that loads which fail early cannot fill it */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);
	__type(value, struct kw_pending);
} pending SEC(".maps");

/*
 * Module-load policy switch, written only by kwardend. It stays 0 in this
 * slice; it lives in .bss (not .rodata) so that the verifier cannot fold
 * it, and really checks the deny path of every LSM program at load time.
 */
__u32 deny_module_loads;

/* A denied load never reaches module_load: report it from the hook */
static __always_inline void report_denied(const struct kw_pending *p)
{
	struct kw_bpf_event *e;

	e = event_new(KW_KIND_module_load_denied, KW_ACTION_denied);
	if (!e)
		return;
	e->via = p->via;
	__builtin_memcpy(e->path, p->path, sizeof(e->path));
	bpf_ringbuf_submit(e, 0);
}

static __always_inline int remember_load(struct kw_pending *p)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 deny = deny_module_loads;

	if (deny) {
		report_denied(p);
		return kw_verdict(deny);
	}
	bpf_map_update_elem(&pending, &id, p, BPF_ANY);
	return kw_verdict(0);
}

/* finit_module: sleepable, so that bpf_d_path() can name the file */
SEC("lsm.s/kernel_read_file")
int BPF_PROG(kw_read_file, struct file *file, enum kernel_read_file_id id,
	     bool contents)
{
	struct kw_pending p = { .via = KW_VIA_FINIT_MODULE };

	if (id != bpf_core_enum_value(enum kernel_read_file_id, READING_MODULE))
		return kw_verdict(0);
	if (bpf_d_path(&file->f_path, p.path, sizeof(p.path)) < 0)
		bpf_probe_read_kernel_str(p.path, sizeof(p.path),
					  BPF_CORE_READ(file, f_path.dentry,
							d_name.name));
	return remember_load(&p);
}

/* init_module: the image comes from a user buffer, there is no file */
SEC("lsm/kernel_load_data")
int BPF_PROG(kw_load_data, enum kernel_load_data_id id, bool contents)
{
	struct kw_pending p = { .via = KW_VIA_INIT_MODULE };

	if (id != bpf_core_enum_value(enum kernel_load_data_id, LOADING_MODULE))
		return kw_verdict(0);
	return remember_load(&p);
}

/* Fires in load_module() of the loading task, before the module's init */
SEC("tp_btf/module_load")
int BPF_PROG(kw_module_load, struct module *mod)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct kw_pending *p = bpf_map_lookup_elem(&pending, &id);
	struct kw_bpf_event *e;

	e = event_new(KW_KIND_module_load, KW_ACTION_logged);
	if (e) {
		BPF_CORE_READ_STR_INTO(&e->name, mod, name);
		e->taints = BPF_CORE_READ(mod, taints);
		if (bpf_core_field_exists(mod->sig_ok))
			e->sig_ok = BPF_CORE_READ(mod, sig_ok);
		if (p) {
			e->via = p->via;
			__builtin_memcpy(e->path, p->path, sizeof(e->path));
		}
		bpf_ringbuf_submit(e, 0);
	}
	if (p)
		bpf_map_delete_elem(&pending, &id);
	return 0;
}

/*
 * The names and exact aliases ("fs-xfs", "net-pf-38") of the blocked
 * modules, each with its module's name; written by kwardend whenever the
 * blocklist changes. The gate in kwarden.ko would refuse the module at
 * COMING anyway, but a denied request spawns no modprobe, so no modprobe.d
 * install command runs, and the record names the task that asked.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, KW_REQUEST_DENY_MAX);
	__type(key, struct kw_modname);
	__type(value, struct kw_modname);
} request_deny SEC(".maps");

/* Safe mode: report the request, deny nothing; written by kwardend */
__u32 request_observe;

SEC("lsm/kernel_module_request")
int BPF_PROG(kw_module_request, char *kmod_name)
{
	struct kw_modname k = {};
	struct kw_modname *mod;
	struct kw_bpf_event *e;
	__u32 deny = !request_observe;

	if (bpf_probe_read_kernel_str(k.name, sizeof(k.name), kmod_name) < 0)
		return kw_verdict(0);
	mod = bpf_map_lookup_elem(&request_deny, &k);
	if (!mod)
		return kw_verdict(0);
	e = event_new(KW_KIND_module_load_denied,
		      deny ? KW_ACTION_denied : KW_ACTION_logged);
	if (e) {
		e->via = KW_VIA_REQUEST;
		__builtin_memcpy(e->name, mod->name, sizeof(e->name));
		__builtin_memcpy(e->path, k.name, sizeof(k.name));
		bpf_ringbuf_submit(e, 0);
	}
	return kw_verdict(deny);
}
