/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The unlock key: 32 random bytes that kwardend creates at its first start
 * in a root-only file (64 hex digits and a newline), that kwardenctl sends
 * with `unlock`, and that kwardend shows the BPF guard to claim it.
 */
#ifndef KW_KEY_H
#define KW_KEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/kwarden.h>

#define KW_KEY_PATH		"/etc/kwarden/unlock.key"
#define KW_KEY_HEX_LEN		(2 * KW_KEY_LEN)

/* Exactly KW_KEY_HEX_LEN hex digits (either case); -EINVAL otherwise */
int kw_key_from_hex(const char *hex, size_t len, uint8_t *key);
void kw_key_to_hex(const uint8_t *key, char *hex);	/* HEX_LEN + 1 */

/*
 * Reads the key file: the hex digits, then at most one newline. mode gets
 * the file's mode if not NULL. -errno, or -EINVAL if it is malformed.
 */
int kw_key_read(const char *path, uint8_t *key, mode_t *mode);

/* Creates path (0600, O_EXCL) with a new random key; -EEXIST if present */
int kw_key_create(const char *path, uint8_t *key);

/* Constant time: the time does not depend on where the keys differ */
bool kw_key_equal(const uint8_t *a, const uint8_t *b);

#endif /* KW_KEY_H */
