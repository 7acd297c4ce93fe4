/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bpf_fit.c: programs left out for hooks this kernel lacks.
 */
#ifndef KWD_BPF_FIT_H
#define KWD_BPF_FIT_H

#include <json-c/json.h>

struct kwd;
struct bpf_object;

void kwd_bpf_fit(struct bpf_object *obj);	/* after open, before load */
json_object *kwd_bpf_fit_status(void);
void kwd_bpf_fit_report(struct kwd *d);		/* degraded alerts, once */

#endif /* KWD_BPF_FIT_H */
