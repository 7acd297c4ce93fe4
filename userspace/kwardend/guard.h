/* SPDX-License-Identifier: GPL-2.0 */
/*
 * guard.c: self-protection, see bpf/guard.bpf.c; and what is between
 * guard.c (key, claim, lock, status) and guard_objects.c (what the guard
 * protects: inodes, mounts, BPF object ids).
 */
#ifndef KWD_GUARD_H
#define KWD_GUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <json-c/json.h>

struct kwd;
struct kwd_peer;
struct kw_bpf_event;

/* kwarden.ko's parameters: the self-reference switch (kmod/pin.c) too */
#define KW_PARAM_DIR	"/sys/module/kwarden/parameters"
#define KW_PIN_PARAM	KW_PARAM_DIR "/pinned"
#define KW_SAFE_MODE_PARAM KW_PARAM_DIR "/safe_mode"
#define KW_RESTORE_PARAM KW_PARAM_DIR "/restore"

int kwd_guard_init(struct kwd *d);
void kwd_guard_claim(struct kwd *d);		/* first thing at start */
void kwd_guard_configure(struct kwd *d);	/* guard loaded, not attached */
void kwd_guard_set_family(struct kwd *d, int family);
void kwd_guard_arm(struct kwd *d);		/* attached and pinned */
void kwd_safe_mode_apply(struct kwd *d);	/* safe_mode = yes */
void kwd_guard_tick(struct kwd *d);
void kwd_guard_report(struct kwd *d);		/* degraded alerts, once */
bool kwd_safe_mode(void);			/* kwarden.safe_mode=1 */
json_object *kwd_guard_status(struct kwd *d);
int kwd_guard_unlock(struct kwd *d, const uint8_t *key, unsigned int secs,
		     const struct kwd_peer *peer);
int kwd_guard_lock(struct kwd *d, const struct kwd_peer *peer);
const char *kwd_guard_target(struct kwd *d, const struct kw_bpf_event *e,
			     char *buf, size_t len);

/* Registers what is protected now; again on every tick (journal rotation) */
void kwd_guard_protect_files(struct kwd *d);
void kwd_guard_protect_mounts(struct kwd *d);
void kwd_guard_protect_ids(struct kwd *d);

unsigned int kwd_guard_ninodes(void);
unsigned int kwd_guard_nmounts(void);
unsigned int kwd_guard_nids(void);
uint32_t kwd_guard_pins_dev(void);	/* kernel dev_t, 0 if not pinned */

/* Kernel dev_t (MAJOR << 20 | MINOR) of a user-space st_dev */
uint32_t kwd_kdev(dev_t dev);

#endif /* KWD_GUARD_H */
