// SPDX-License-Identifier: GPL-2.0
/*
 * dangerous_interfaces (kwarden.conf): the mode of bpf/danger.bpf.c, with
 * safe mode and where kwarden.ko's code lies (probes on it are reported),
 * written to its danger_conf map at every start. And the contained
 * modules whose files it denies (danger_contained), kept in step with the
 * blocklist every second.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "blocklist.h"
#include "kwd.h"
#include "bpf.h"
#include "danger.h"
#include "guard.h"
#include "log.h"
#include "names.h"

#define KALLSYMS_MAX_LINES	(4 << 20)	/* bounded read */

struct kwd_danger {
	struct kw_danger_conf conf;
	bool configured;
	int contain_attached;		/* -1: not yet set by us */
	unsigned int ncontained;
};

/* Its state, reached as d->danger only; made once, before start */
int kwd_danger_init(struct kwd *d)
{
	d->danger = calloc(1, sizeof(*d->danger));
	if (!d->danger)
		return -ENOMEM;
	d->danger->contain_attached = -1;
	return 0;
}

/* Lowest and highest text symbol of [kwarden] in /proc/kallsyms */
static void kwarden_text(__u64 *lo, __u64 *hi)
{
	FILE *f = fopen("/proc/kallsyms", "re");
	char line[512], type;
	unsigned long long addr;
	unsigned long n = 0;

	*lo = *hi = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f) && n++ < KALLSYMS_MAX_LINES) {
		if (!strstr(line, "\t[kwarden]") ||
		    sscanf(line, "%llx %c", &addr, &type) != 2 ||
		    (type != 't' && type != 'T') || !addr)
			continue;
		if (!*lo || addr < *lo)
			*lo = addr;
		if (addr > *hi)
			*hi = addr;
	}
	fclose(f);
}

void kwd_danger_configure(struct kwd *d, int conf_fd)
{
	struct kw_danger_conf *c = &d->danger->conf;
	uint32_t zero = 0;

	memset(c, 0, sizeof(*c));
	c->mode = d->cfg.danger_mode;
	c->observe = d->cfg.safe_mode || kwd_safe_mode();
	kwarden_text(&c->text_lo, &c->text_hi);
	if (bpf_map_update_elem(conf_fd, &zero, c, BPF_ANY)) {
		kwd_log(LOG_ERR, "dangerous interfaces: writing the mode failed: %s",
			strerror(errno));
		return;
	}
	d->danger->configured = true;
	kwd_log(LOG_INFO, "dangerous interfaces: %s%s",
		kw_pol_mode_name(c->mode) ?: "?",
		c->observe && c->mode == KW_POL_ENFORCE ?
		" (safe mode: report only)" : "");
}

json_object *kwd_danger_status(struct kwd *d)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "mode", json_object_new_string(
		d->danger->configured ? kw_pol_mode_name(d->danger->conf.mode) ?: "?" : "unset"));
	json_object_object_add(o, "observe",
			       json_object_new_boolean(d->danger->conf.observe));
	json_object_object_add(o, "kwarden_text_known",
			       json_object_new_boolean(!!d->danger->conf.text_lo));
	json_object_object_add(o, "contained_loaded",
			       json_object_new_int(d->danger->ncontained));
	json_object_object_add(o, "contained_guard",
			       json_object_new_boolean(d->danger->contain_attached > 0));
	return o;
}

/* Blocked, yet loaded: it could not be unloaded, so it was contained */
static bool still_loaded(const char *name)
{
	char path[sizeof("/sys/module/") + KW_NAME_LEN];

	snprintf(path, sizeof(path), "/sys/module/%s", name);
	return !access(path, F_OK);
}

static bool wanted(const struct kw_block *b, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strncmp(b[i].name, name, KW_NAME_LEN) &&
		    still_loaded(b[i].name))
			return true;
	return false;
}

/* Deletes the keys no longer wanted; the walk restarts after a delete */
static void drop_unwanted(int fd, const struct kw_block *b, size_t n)
{
	struct kw_modname key, next;
	void *prev = NULL;
	unsigned int rounds = 0;

	while (rounds++ <= KW_CONTAINED_MAX &&
	       !bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		if (wanted(b, n, key.name))
			continue;
		bpf_map_delete_elem(fd, &key);
		prev = NULL;
	}
}

void kwd_danger_contained_sync(struct kwd *d)
{
	int fd = kwd_bpf_map_fd(d, "danger_contained"), err;
	struct kw_modname key;
	struct kw_block *b = NULL;
	unsigned int want = 0;
	__u64 never = 0;
	size_t n = 0, i;

	if (fd < 0)
		return;
	err = kw_block_list(d->cfg.blocklist_dir, &b, &n);
	if (err && err != -E2BIG)
		n = 0;
	drop_unwanted(fd, b, n);
	for (i = 0; i < n && want < KW_CONTAINED_MAX; i++) {
		if (!still_loaded(b[i].name))
			continue;
		memset(&key, 0, sizeof(key));
		memcpy(key.name, b[i].name, sizeof(key.name));
		/* a new key only: its last-report time stays */
		bpf_map_update_elem(fd, &key, &never, BPF_NOEXIST);
		want++;
	}
	free(b);
	d->danger->ncontained = want;
	if (d->danger->contain_attached == (want > 0))
		return;
	err = kwd_bpf_contain(d, want > 0);
	if (err)
		kwd_log(LOG_ERR, "contained modules: %s the file guard failed: %s",
			want ? "attaching" : "detaching", strerror(-err));
	d->danger->contain_attached = want > 0;
	if (want)
		kwd_log(LOG_INFO, "contained modules: %u loaded; read, write, ioctl and mmap of their files denied",
			want);
	else
		kwd_log(LOG_INFO, "contained modules: none loaded; their file guard is detached");
}

/* Whether the files of module name are being denied now */
bool kwd_danger_contained_guards(struct kwd *d, const char *name)
{
	int fd = kwd_bpf_map_fd(d, "danger_contained");
	struct kw_modname key = {};
	__u64 last;

	snprintf(key.name, sizeof(key.name), "%s", name);
	return d->danger->contain_attached > 0 && fd >= 0 &&
	       !bpf_map_lookup_elem(fd, &key, &last);
}
