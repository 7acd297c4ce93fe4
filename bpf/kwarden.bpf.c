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
 * In this slice the LSM programs never deny: deny_module_loads stays 0.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "kwarden.h"
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
