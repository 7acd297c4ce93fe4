// SPDX-License-Identifier: GPL-2.0
/*
 * kwardenctl's end of the control socket: connect, send one request, read
 * newline-delimited replies with a timeout.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include "kwardenctl.h"
#include "proto.h"

int ctl_connect(struct conn *c, const char *path)
{
	struct sockaddr_un sun;
	int err;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	err = kw_unix_addr(path, &sun);
	if (err)
		return err;
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return -errno;
	if (connect(c->fd, (struct sockaddr *)&sun, sizeof(sun))) {
		err = -errno;
		close(c->fd);
		c->fd = -1;
		return err;
	}
	return 0;
}

int ctl_send(struct conn *c, json_object *req)
{
	const char *s = json_object_to_json_string_ext(req,
						       JSON_C_TO_STRING_PLAIN);
	size_t len = strlen(s);
	char line[4200];
	size_t off = 0;
	ssize_t n;

	if (len + 1 > sizeof(line))
		return -EMSGSIZE;
	memcpy(line, s, len);
	line[len++] = '\n';
	while (off < len) {
		n = send(c->fd, line + off, len - off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		off += (size_t)n;
	}
	return 0;
}

/* Room for more: the buffer doubles up to CONN_BUF_MAX; 0 or -errno */
static int room(struct conn *c)
{
	size_t cap = c->cap ? c->cap * 2 : CONN_BUF_MIN;
	char *p;

	if (c->len + 1 < c->cap)
		return 0;
	if (cap > CONN_BUF_MAX)
		return -EMSGSIZE;
	p = realloc(c->buf, cap);
	if (!p)
		return -ENOMEM;
	c->buf = p;
	c->cap = cap;
	return 0;
}

static int fill(struct conn *c, int timeout_ms)
{
	struct pollfd p = { .fd = c->fd, .events = POLLIN };
	ssize_t n;
	int r;

	if (c->off) {
		memmove(c->buf, c->buf + c->off, c->len - c->off);
		c->len -= c->off;
		c->off = 0;
	}
	r = room(c);
	if (r)
		return r;
	do {
		r = poll(&p, 1, timeout_ms);
	} while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	if (!r)
		return -ETIMEDOUT;
	n = read(c->fd, c->buf + c->len, c->cap - 1 - c->len);
	if (n < 0)
		return -errno;
	c->len += (size_t)n;
	return n ? 1 : 0;
}

int ctl_read_line(struct conn *c, int timeout_ms, size_t *len)
{
	char *nl;
	int r;

	for (;;) {
		nl = c->buf ? memchr(c->buf + c->off, '\n', c->len - c->off) : NULL;
		if (nl) {
			*nl = '\0';
			c->line = c->buf + c->off;
			*len = (size_t)(nl - c->line);
			c->off += *len + 1;
			return 1;
		}
		r = fill(c, timeout_ms);
		if (r <= 0)
			return r;
	}
}

void ctl_close(struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	free(c->buf);
	c->buf = c->line = NULL;
	c->cap = c->len = c->off = 0;
}
