/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Turning a struct kw_bpf_event from the ring buffer into an alert:
 * module_load, module_load_denied and tamper_attempt.
 */
#ifndef KW_BPF_ALERT_H
#define KW_BPF_ALERT_H

#include <stddef.h>
#include <stdint.h>
#include "alert.h"
#include <linux/kwarden.h>

/* The strings a struct kw_alert built from an event points to */
struct kw_bpf_strs {
	char comm[KW_COMM_LEN + 1];
	char name[KW_NAME_LEN + 1];
	char path[KW_PATH_LEN + 1];
	char exe[KW_EXE_LEN + 1];
	char target[2 * KW_PATH_LEN];
	char taints[32];
	char msg[1024];
};

/*
 * A ring buffer record of size bytes into e; records of older programs
 * (at least KW_BPF_EVENT_V1_LEN bytes) get zeros for what they lack.
 * -EINVAL if size is too small.
 */
int kw_bpf_event_copy(struct kw_bpf_event *e, const void *data, size_t size);

/*
 * realtime_off: CLOCK_REALTIME - CLOCK_BOOTTIME, to date the event.
 * a points into s afterwards. Returns 0 or -EINVAL.
 */
int kw_bpf_alert(const struct kw_bpf_event *e, int64_t realtime_off,
		 struct kw_alert *a, struct kw_bpf_strs *s);

/* The same, naming a tamper_attempt's target (a full path) if not NULL */
int kw_bpf_alert_target(const struct kw_bpf_event *e, int64_t realtime_off,
			const char *target, struct kw_alert *a,
			struct kw_bpf_strs *s);

/* Module taint letters as in /proc/modules, e.g. "OE" */
void kw_taint_letters(unsigned long taints, char *buf, size_t len);

#endif /* KW_BPF_ALERT_H */
