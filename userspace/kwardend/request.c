// SPDX-License-Identifier: GPL-2.0
/*
 * Autoload requests: the request_deny map of bpf/kwarden.bpf.c holds the
 * name of every blocked module and its exact aliases from modules.alias
 * ("fs-xfs"; patterns such as "pci:v*" cannot be matched by a map and are
 * left to kwarden.ko's gate), and request_observe says safe mode. Written
 * at start and whenever the blocklist directory changes.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <bpf/bpf.h>
#include "blocklist.h"
#include "kwd.h"
#include "bpf.h"
#include "guard.h"
#include "request.h"

#define ALIAS_LINES_MAX	(1 << 20)	/* bounded read */

static unsigned int nnames, naliases;
static struct timespec dir_mtime;
static bool synced;

static bool blocked(const struct kw_block *b, size_t n, const char *mod)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(b[i].name, mod))
			return true;
	return false;
}

static bool put(int fd, const char *key, const char *mod)
{
	struct kw_modname k = {}, v = {};

	if (strlen(key) >= sizeof(k.name))
		return false;
	memcpy(k.name, key, strlen(key));
	snprintf(v.name, sizeof(v.name), "%s", mod);
	return !bpf_map_update_elem(fd, &k, &v, BPF_ANY);
}

/* "alias ALIAS MODULE" lines naming a blocked module */
static void put_aliases(int fd, const struct kw_block *b, size_t n)
{
	char path[PATH_MAX], line[512], alias[256], mod[256];
	char name[KW_NAME_LEN];
	unsigned long lines = 0;
	struct utsname u;
	FILE *f;

	if (uname(&u))
		return;
	snprintf(path, sizeof(path), "/lib/modules/%s/modules.alias",
		 u.release);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f) && lines++ < ALIAS_LINES_MAX) {
		if (sscanf(line, "alias %255s %255s", alias, mod) != 2 ||
		    strpbrk(alias, "*?[") || kw_block_name(mod, name) ||
		    !blocked(b, n, name))
			continue;
		naliases += put(fd, alias, name);
	}
	fclose(f);
}

static void sync_now(struct kwd *d, int fd)
{
	struct kw_block *b = NULL;
	size_t n = 0, i;
	int err;

	kwd_bpf_clear_map(fd, sizeof(struct kw_modname));
	nnames = naliases = 0;
	err = kw_block_list(d->cfg.blocklist_dir, &b, &n);
	if (err && err != -E2BIG)
		n = 0;
	for (i = 0; i < n; i++)
		nnames += put(fd, b[i].name, b[i].name);
	if (n)
		put_aliases(fd, b, n);
	free(b);
	synced = true;
}

/* After a block changed here: at once */
void kwd_request_sync(struct kwd *d)
{
	int fd = kwd_bpf_request_map(d, d->cfg.safe_mode || kwd_safe_mode());
	struct stat st;

	if (fd < 0)
		return;
	if (!stat(d->cfg.blocklist_dir, &st))
		dir_mtime = st.st_mtim;
	sync_now(d, fd);
}

/* Every second: again if the blocklist directory changed (boot.c, admin) */
void kwd_request_tick(struct kwd *d)
{
	struct stat st;

	if (stat(d->cfg.blocklist_dir, &st))
		st.st_mtim = (struct timespec){ 0 };
	if (synced && st.st_mtim.tv_sec == dir_mtime.tv_sec &&
	    st.st_mtim.tv_nsec == dir_mtime.tv_nsec)
		return;
	kwd_request_sync(d);
}

/* The "bpf" step of a block or release */
const char *kwd_request_step(char *buf, size_t len)
{
	if (!synced)
		return "no BPF request rule: the BPF programs are not loaded";
	snprintf(buf, len,
		 "autoload requests denied for %u blocked module names and %u exact aliases (kernel_module_request); file and buffer loads are kwarden.ko's gate",
		 nnames, naliases);
	return buf;
}
