/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Whole reads, and crash-safe writes: see fileio.c.
 */
#ifndef KW_FILEIO_H
#define KW_FILEIO_H

#include <stddef.h>
#include <sys/types.h>

/* Reads fd until end of file or len bytes (EINTR retried): bytes, -errno */
ssize_t kw_read_full(int fd, char *buf, size_t len);

/* fsync of the directory that holds path ("." for a bare name) */
int kw_fsync_dir(const char *path);

/* mkdir -p; directories it creates get mode */
int kw_mkdirs(const char *dir, unsigned int mode);

/* Writes data to path atomically: temp, fsync, rename, fsync dir */
int kw_write_atomic(const char *path, const char *data, size_t len,
		    unsigned int mode);

#endif /* KW_FILEIO_H */
