// SPDX-License-Identifier: GPL-2.0
/*
 * SHA-256 through libcrypto's EVP interface, and the hash of a file.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <openssl/evp.h>
#include "sha256.h"

int kw_sha256(const void *data, size_t len, uint8_t out[KW_HASH_LEN])
{
	unsigned int n = 0;

	if (!EVP_Digest(data, len, out, &n, EVP_sha256(), NULL))
		return -EIO;
	return n == KW_HASH_LEN ? 0 : -EIO;
}

void kw_sha256_hex(const uint8_t *hash, char *hex)
{
	static const char digits[] = "0123456789abcdef";
	int i;

	for (i = 0; i < KW_HASH_LEN; i++) {
		hex[2 * i] = digits[hash[i] >> 4];
		hex[2 * i + 1] = digits[hash[i] & 15];
	}
	hex[KW_SHA256_HEX_LEN] = '\0';
}

/* Feed fd to ctx up to EOF; 0 or -errno */
static int digest_fd(EVP_MD_CTX *ctx, int fd)
{
	uint8_t buf[16384];
	ssize_t n;

	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		if (!EVP_DigestUpdate(ctx, buf, (size_t)n))
			return -EIO;
	}
}

static int digest_file(EVP_MD_CTX *ctx, int fd, uint8_t out[KW_HASH_LEN])
{
	unsigned int len = 0;
	int err;

	if (!EVP_DigestInit_ex(ctx, EVP_sha256(), NULL))
		return -EIO;
	err = digest_fd(ctx, fd);
	if (err)
		return err;
	if (!EVP_DigestFinal_ex(ctx, out, &len) || len != KW_HASH_LEN)
		return -EIO;
	return 0;
}

int kw_sha256_file(const char *path, uint8_t out[KW_HASH_LEN])
{
	EVP_MD_CTX *ctx;
	int err, fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	if (fd < 0)
		return -errno;
	ctx = EVP_MD_CTX_new();
	err = ctx ? digest_file(ctx, fd, out) : -ENOMEM;
	EVP_MD_CTX_free(ctx);
	close(fd);
	return err;
}
