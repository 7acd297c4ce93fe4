/* SPDX-License-Identifier: GPL-2.0 */
/*
 * request.c: autoload requests of blocked modules, see
 * bpf/kwarden.bpf.c.
 */
#ifndef KWD_REQUEST_H
#define KWD_REQUEST_H

#include <stddef.h>

struct kwd;

void kwd_request_sync(struct kwd *d);
void kwd_request_tick(struct kwd *d);
const char *kwd_request_step(char *buf, size_t len);

#endif /* KWD_REQUEST_H */
