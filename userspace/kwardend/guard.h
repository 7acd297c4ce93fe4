/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Between guard.c (key, claim, lock, status) and guard_objects.c (what the
 * guard protects: inodes, mounts, BPF object ids).
 */
#ifndef KWARDEND_GUARD_H
#define KWARDEND_GUARD_H

#include <stdint.h>
#include "kwardend.h"

/* kwarden.ko's parameters: the self-reference switch (kmod/pin.c) too */
#define KW_PARAM_DIR	"/sys/module/kwarden/parameters"
#define KW_PIN_PARAM	KW_PARAM_DIR "/pinned"
#define KW_SAFE_MODE_PARAM KW_PARAM_DIR "/safe_mode"
#define KW_RESTORE_PARAM KW_PARAM_DIR "/restore"

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

#endif /* KWARDEND_GUARD_H */
