/* SPDX-License-Identifier: GPL-2.0 */
/*
 * metrics.c: node_exporter textfile, every 10 s.
 */
#ifndef KWD_METRICS_H
#define KWD_METRICS_H


struct kwd;

void kwd_metrics_tick(struct kwd *d);
void kwd_metrics_stop(struct kwd *d);

#endif /* KWD_METRICS_H */
