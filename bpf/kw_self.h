/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Who kwardend is, for every BPF object that exempts it: the guard_self
 * map (written by the guard's claim program only; kwardend hands one
 * instance to all objects) and the check of a task against it, by tgid
 * and by the start time of its group leader, so that a later process
 * with the same pid is not taken for kwardend.
 */
#ifndef KW_SELF_H
#define KW_SELF_H

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct kw_guard_self);
} guard_self SEC(".maps");

static __always_inline bool is_kwardend_task(struct task_struct *t)
{
	__u32 zero = 0;
	struct kw_guard_self *s = bpf_map_lookup_elem(&guard_self, &zero);

	if (!s || !s->tgid || (__u32)BPF_CORE_READ(t, tgid) != s->tgid)
		return false;
	return BPF_CORE_READ(t, group_leader, start_time) == s->start_time;
}

#endif /* KW_SELF_H */
