/* SPDX-License-Identifier: GPL-2.0 */
/*
 * loop.c: the epoll loop, its signals and its one-second tick.
 */
#ifndef KWD_LOOP_H
#define KWD_LOOP_H

#include <stdint.h>

struct kwd;

/* One fd in the epoll set; the callback gets the epoll event mask */
struct kwd_watch {
	int fd;
	void (*cb)(struct kwd *d, struct kwd_watch *w, uint32_t events);
};

int kwd_watch_add(struct kwd *d, struct kwd_watch *w, uint32_t events);
int kwd_watch_mod(struct kwd *d, struct kwd_watch *w, uint32_t events);
void kwd_watch_del(struct kwd *d, struct kwd_watch *w);
int kwd_loop_init(struct kwd *d);
int kwd_loop_run(struct kwd *d);

#endif /* KWD_LOOP_H */
