/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SHA-256 for user space, from libcrypto (OpenSSL EVP): the hash of a
 * module file, the same digest kwarden.ko reports as sha256 / file_sha256.
 */
#ifndef KW_SHA256_H
#define KW_SHA256_H

#include <stddef.h>
#include <stdint.h>
#include <linux/kwarden.h>

#define KW_SHA256_HEX_LEN	(2 * KW_HASH_LEN)

/* sha256 of len bytes at data; 0, or -ENOMEM / -EIO from libcrypto */
int kw_sha256(const void *data, size_t len, uint8_t out[KW_HASH_LEN]);

/* Lower-case hex, KW_SHA256_HEX_LEN digits and a NUL */
void kw_sha256_hex(const uint8_t *hash, char *hex);

/* sha256 of a file's bytes as they are, read in chunks; -errno */
int kw_sha256_file(const char *path, uint8_t out[KW_HASH_LEN]);

#endif /* KW_SHA256_H */
