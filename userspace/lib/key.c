// SPDX-License-Identifier: GPL-2.0
/*
 * The unlock key file: parse, format, create with getrandom(2), compare
 * in constant time.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/stat.h>
#include "key.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int kw_key_from_hex(const char *hex, size_t len, uint8_t *key)
{
	int hi, lo;
	size_t i;

	if (len != KW_KEY_HEX_LEN)
		return -EINVAL;
	for (i = 0; i < KW_KEY_LEN; i++) {
		hi = hexval(hex[2 * i]);
		lo = hexval(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		key[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

void kw_key_to_hex(const uint8_t *key, char *hex)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < KW_KEY_LEN; i++) {
		hex[2 * i] = digits[key[i] >> 4];
		hex[2 * i + 1] = digits[key[i] & 0xf];
	}
	hex[KW_KEY_HEX_LEN] = '\0';
}

int kw_key_read(const char *path, uint8_t *key, mode_t *mode)
{
	char buf[KW_KEY_HEX_LEN + 2];
	struct stat st;
	ssize_t n;
	size_t len;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st))
		err = -errno;
	else if (!S_ISREG(st.st_mode))
		err = -EINVAL;
	if (!err) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0)
			err = -errno;
		len = n > 0 ? (size_t)n : 0;
		if (len && buf[len - 1] == '\n')
			len--;
		if (!err)
			err = kw_key_from_hex(buf, len, key);
	}
	if (!err && mode)
		*mode = st.st_mode;
	close(fd);
	memset(buf, 0, sizeof(buf));
	return err;
}

int kw_key_create(const char *path, uint8_t *key)
{
	char hex[KW_KEY_HEX_LEN + 2];
	size_t got = 0;
	ssize_t n;
	int fd, err = 0;

	while (got < KW_KEY_LEN) {
		n = getrandom(key + got, KW_KEY_LEN - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		got += (size_t)n;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
		  0600);
	if (fd < 0)
		return -errno;
	kw_key_to_hex(key, hex);
	hex[KW_KEY_HEX_LEN] = '\n';
	errno = 0;
	if (write(fd, hex, sizeof(hex) - 1) != (ssize_t)sizeof(hex) - 1 ||
	    fsync(fd))
		err = errno ? -errno : -EIO;
	if (close(fd) && !err)
		err = -errno;
	if (err)
		unlink(path);
	memset(hex, 0, sizeof(hex));
	return err;
}

bool kw_key_equal(const uint8_t *a, const uint8_t *b)
{
	uint8_t diff = 0;
	size_t i;

	for (i = 0; i < KW_KEY_LEN; i++)
		diff |= a[i] ^ b[i];
	return !diff;
}
