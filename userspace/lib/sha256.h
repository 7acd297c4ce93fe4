/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SHA-256 (FIPS 180-4) for user space: the hash of a module file, the
 * same digest kwarden.ko reports as sha256 / file_sha256.
 */
#ifndef KW_SHA256_H
#define KW_SHA256_H

#include <stddef.h>
#include <stdint.h>
#include <linux/kwarden.h>

#define KW_SHA256_HEX_LEN	(2 * KW_HASH_LEN)

struct kw_sha256 {
	uint32_t h[8];
	uint64_t bytes;
	uint8_t buf[64];
	size_t used;
};

void kw_sha256_init(struct kw_sha256 *s);
void kw_sha256_update(struct kw_sha256 *s, const void *data, size_t len);
void kw_sha256_final(struct kw_sha256 *s, uint8_t out[KW_HASH_LEN]);

/* Lower-case hex, KW_SHA256_HEX_LEN digits and a NUL */
void kw_sha256_hex(const uint8_t *hash, char *hex);

/* sha256 of a file's bytes as they are; -errno */
int kw_sha256_file(const char *path, uint8_t out[KW_HASH_LEN]);

#endif /* KW_SHA256_H */
