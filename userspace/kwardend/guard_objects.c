// SPDX-License-Identifier: GPL-2.0
/*
 * What the BPF guard protects, told to it by device and inode rather than
 * by path: /etc/kwarden (config and unlock key), the journal, the control
 * socket's directory, the pin directory and kwardend's own program; the
 * mounts from the pins' bpffs up to the root; and the ids of our BPF
 * programs, maps and links. Files come and go (journal rotation), so the
 * inodes are registered again on every tick and the ones gone are dropped:
 * a freed inode number must not protect some later, unrelated file.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <bpf/bpf.h>
#include "kwd.h"
#include "bpf.h"
#include "log.h"
#include "guard.h"
#include "key.h"
#include "mountinfo.h"

#define MAX_INODES	1000
#define MAX_IDS		256
#define MAX_MOUNTS	32
#define MOUNTINFO_MAX	(1024 * 1024)

struct guarded {
	struct kw_guard_inode key;
	uint32_t cls;
	bool seen;
	char *path;
};

static struct guarded inodes[MAX_INODES];
static struct kw_mount mounts[MAX_MOUNTS];
static unsigned int ninodes, nmounts, nids;
static uint32_t pins_dev;

uint32_t kwd_kdev(dev_t dev)
{
	return (uint32_t)(major(dev) << 20 | (minor(dev) & 0xfffff));
}

unsigned int kwd_guard_ninodes(void)
{
	return ninodes;
}

unsigned int kwd_guard_nmounts(void)
{
	return nmounts;
}

unsigned int kwd_guard_nids(void)
{
	return nids;
}

uint32_t kwd_guard_pins_dev(void)
{
	return pins_dev;
}

static struct guarded *find(uint32_t dev, uint64_t ino)
{
	unsigned int i;

	for (i = 0; i < ninodes; i++)
		if (inodes[i].key.dev == dev && inodes[i].key.ino == ino)
			return &inodes[i];
	return NULL;
}

/*
 * One inode; as_dir: a directory whose entries are protected too. Paths
 * we were given are followed, entries found in a directory are not.
 */
static void protect_inode(int fd, const char *path, uint32_t cls, bool as_dir,
		    bool follow)
{
	struct kw_guard_inode key = {};
	struct guarded *g;
	struct stat st;
	uint32_t val;
	bool changed;

	if (follow ? stat(path, &st) : lstat(path, &st))
		return;
	key.dev = kwd_kdev(st.st_dev);
	key.ino = st.st_ino;
	val = cls | (as_dir && S_ISDIR(st.st_mode) ? KW_GUARD_DIR : 0);
	g = find(key.dev, key.ino);
	if (!g) {
		if (ninodes == MAX_INODES)
			return;
		g = &inodes[ninodes];
		g->path = strdup(path);
		if (!g->path)
			return;
		g->key = key;
		g->cls = ~0U;
		ninodes++;
	}
	g->seen = true;
	changed = g->cls != val || strcmp(g->path, path);
	if (strcmp(g->path, path)) {
		free(g->path);
		g->path = strdup(path) ?: strdup("?");
	}
	/*
	 * Unchanged is written again all the same: the guard drops the key
	 * of a freed inode, and the number may be back at this path by now.
	 */
	if (bpf_map_update_elem(fd, &key, &val, BPF_ANY) && changed)
		kwd_log(LOG_WARNING, "guard: cannot protect %s: %s", path,
			strerror(errno));
	g->cls = val;
}

/* prefix: only entries whose name starts with it; NULL: all */
static void protect_entries(int fd, const char *dir, const char *prefix,
			    uint32_t cls)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *dp = opendir(dir);

	if (!dp)
		return;
	while ((de = readdir(dp))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (prefix && strncmp(de->d_name, prefix, strlen(prefix)))
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) <
		    (int)sizeof(path))
			protect_inode(fd, path, cls, false, false);
	}
	closedir(dp);
}

/*
 * A file and its directory. A directory named "kwarden" is ours: it and
 * all its entries are protected. Anywhere else (journal_path = /var/log/x)
 * only the file and its siblings named after it (rotations) are.
 */
static void protect_home(int fd, const char *file, uint32_t cls)
{
	char dir[PATH_MAX], base[NAME_MAX + 1], *s;

	snprintf(dir, sizeof(dir), "%s", file);
	s = strrchr(dir, '/');
	if (!s || s == dir)
		return;
	snprintf(base, sizeof(base), "%s", s + 1);
	*s = '\0';
	s = strrchr(dir, '/');
	if (s && !strcmp(s + 1, "kwarden")) {
		protect_inode(fd, dir, cls, true, true);
		protect_entries(fd, dir, NULL, cls);
	} else {
		protect_entries(fd, dir, base, cls);
	}
}

/* Drops the inodes that were not seen in this pass */
static void sweep(int fd)
{
	unsigned int i = 0;

	while (i < ninodes) {
		if (inodes[i].seen) {
			inodes[i].seen = false;
			i++;
			continue;
		}
		bpf_map_delete_elem(fd, &inodes[i].key);
		free(inodes[i].path);
		inodes[i] = inodes[--ninodes];
		inodes[ninodes].path = NULL;
	}
}

void kwd_guard_protect_files(struct kwd *d)
{
	int fd = kwd_bpf_map_fd(d, "guard_inodes");
	char exe[PATH_MAX], dropins[PATH_MAX];
	struct stat st;
	ssize_t n;

	if (fd < 0)
		return;
	protect_home(fd, KW_KEY_PATH, KW_GUARD_CONFIG);
	protect_inode(fd, d->config_path, KW_GUARD_CONFIG, false, true);
	/* the drop-ins: the directory and each file in it */
	if (snprintf(dropins, sizeof(dropins), "%s.d", d->config_path) <
	    (int)sizeof(dropins)) {
		protect_inode(fd, dropins, KW_GUARD_CONFIG, true, true);
		protect_entries(fd, dropins, NULL, KW_GUARD_CONFIG);
	}
	protect_home(fd, d->cfg.journal_path, KW_GUARD_JOURNAL);
	protect_home(fd, d->cfg.socket_path, KW_GUARD_RUNTIME);
	/* every kwarden.ko parameter: pinned, safe_mode, restore, any new one */
	protect_entries(fd, KW_PARAM_DIR, NULL, KW_GUARD_KMOD);
	/*
	 * Blocks and evidence: lifting a block (removing or renaming its
	 * entry) or erasing a forensic record takes the unlock. A damaged
	 * entry still blocks (blocklist.c), so its contents need no more.
	 */
	protect_inode(fd, d->cfg.blocklist_dir, KW_GUARD_JOURNAL, true, true);
	protect_inode(fd, d->cfg.forensics_dir, KW_GUARD_JOURNAL, true, true);
	protect_inode(fd, d->cfg.modprobe_blocklist, KW_GUARD_CONFIG, false,
		      true);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		protect_inode(fd, exe, KW_GUARD_DAEMON, false, true);
	}
	pins_dev = 0;
	if (kwd_bpf_pinned(d) && !stat(PIN_DIR, &st)) {
		pins_dev = kwd_kdev(st.st_dev);
		protect_inode(fd, PIN_DIR, KW_GUARD_PINS, true, true);
		protect_entries(fd, PIN_DIR, NULL, KW_GUARD_PINS);
	}
	sweep(fd);
}

/* What a tamper_attempt names: a registered inode's path, a mount point */
const char *kwd_guard_target(struct kwd *d, const struct kw_bpf_event *e,
			     char *buf, size_t len)
{
	struct guarded *g;
	unsigned int i;

	if (e->kind != KW_KIND_tamper_attempt)
		return NULL;
	if (e->op == KW_OP_umount) {
		for (i = 0; i < nmounts; i++)
			if (mounts[i].id == e->target_id) {
				snprintf(buf, len, "%s", mounts[i].point);
				return buf;
			}
		return NULL;
	}
	if (!e->target_dev || e->op == KW_OP_tracing_off)
		return NULL;
	g = find(e->target_dev, e->target_id);
	if (!g)
		return NULL;
	if (!(e->target_class & KW_GUARD_ENTRY))
		snprintf(buf, len, "%s", g->path);
	else
		snprintf(buf, len, "%s/%.*s", g->path, (int)sizeof(e->path),
			 e->path);
	return buf;
}

void kwd_guard_protect_mounts(struct kwd *d)
{
	int fd = kwd_bpf_map_fd(d, "guard_mounts"), n, i;
	uint32_t role;
	char *buf;
	ssize_t len;
	int mfd;

	if (fd < 0 || !kwd_bpf_pinned(d))
		return;
	kwd_bpf_clear_map(fd, sizeof(uint32_t));
	nmounts = 0;
	buf = malloc(MOUNTINFO_MAX);
	mfd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
	len = buf && mfd >= 0 ? read(mfd, buf, MOUNTINFO_MAX) : -1;
	if (mfd >= 0)
		close(mfd);
	n = len > 0 ? kw_mount_chain(buf, (size_t)len, PIN_ROOT, "bpf", mounts,
				     MAX_MOUNTS) : -EIO;
	free(buf);
	if (n < 0) {
		kwd_log(LOG_WARNING, "guard: no bpffs mount at %s in /proc/self/mountinfo",
			PIN_ROOT);
		return;
	}
	for (i = 0; i < n; i++) {
		role = i ? KW_MNT_ANCESTOR : KW_MNT_PINS;
		if (bpf_map_update_elem(fd, &mounts[i].id, &role, BPF_ANY))
			break;
		nmounts++;
	}
}

void kwd_guard_protect_ids(struct kwd *d)
{
	int fd = kwd_bpf_map_fd(d, "guard_ids"), n, i;
	struct kw_guard_id ids[MAX_IDS], key, next;
	uint32_t one = 1;
	bool cur;

	if (fd < 0)
		return;
	n = kwd_bpf_ids(d, ids, MAX_IDS);
	for (i = 0; i < n; i++)
		bpf_map_update_elem(fd, &ids[i], &one, BPF_ANY);
	/* ids of programs and maps a previous kwardend had, now gone */
	if (bpf_map_get_next_key(fd, NULL, &key))
		goto out;
	for (;;) {
		int more = !bpf_map_get_next_key(fd, &key, &next);

		for (cur = false, i = 0; i < n && !cur; i++)
			cur = ids[i].type == key.type && ids[i].id == key.id;
		if (!cur)
			bpf_map_delete_elem(fd, &key);
		if (!more)
			break;
		key = next;
	}
out:
	nids = (unsigned int)n;
}
