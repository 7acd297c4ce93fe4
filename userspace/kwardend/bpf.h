/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bpf.c: the BPF programs, loaded, attached and pinned; their ring
 * buffer is a source of alerts.
 */
#ifndef KWD_BPF_H
#define KWD_BPF_H

#include <stdbool.h>
#include <stdint.h>
#include <json-c/json.h>
#include <stddef.h>
#include <linux/kwarden.h>

struct kwd;

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
int kwd_bpf_ids(struct kwd *d, struct kw_guard_id *ids, int max);

#endif /* KWD_BPF_H */
