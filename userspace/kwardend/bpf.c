// SPDX-License-Identifier: GPL-2.0
/*
 * BPF side of kwardend: load the three skeletons (kwarden: module-load
 * attribution; guard: kwarden's own processes, files and pins; danger:
 * dangerous interfaces), attach and pin their programs so that they
 * outlive the daemon, and consume the `events` ring buffer they share.
 *
 * Maps are pinned too, so events raised while no daemon ran wait in the
 * ring buffer (or are counted in `drops`) for the next one, and the
 * guard's state survives a restart.
 *
 * A source of the pipeline (sink.c): the ring buffer's records.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/epoll.h>
#include <sys/vfs.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "guard.h"
#include "kwd.h"
#include "bpf.h"
#include "bpf_fit.h"
#include "danger.h"
#include "log.h"
#include "loop.h"
#include "module_policy.h"
#include "request.h"
#include "sink.h"
#include "compiler.h"
#include "bpf_alert.h"
#include "names.h"
#include "timefmt.h"
#include "kwarden.skel.h"
#include "guard.skel.h"
#include "danger.skel.h"

#define MAX_LINKS	64

struct kwd_bpf {
	struct kwarden_bpf *skel;
	struct guard_bpf *guard;	/* NULL: the guard did not load */
	struct danger_bpf *danger;	/* NULL: dangerous interfaces unwatched */
	struct ring_buffer *rb;
	struct kwd_watch watch;
	bool pinned;
	struct bpf_link *links[MAX_LINKS];
	unsigned int nlinks;
	struct bpf_link *contained[4];	/* on demand: kwd_bpf_contain() */
	unsigned int ncontained;
	uint64_t events;	/* records consumed */
	uint64_t merged;	/* module_load left to kwarden.ko's record */
	uint64_t bad;		/* records of a size or kind we don't know */
	uint64_t drops_seen;	/* drop total already reported */
};


/*
 * libbpf's messages, one log line per line: a verifier log is one message
 * of many lines, and its reason for refusing a program is at the end.
 */
static int print_libbpf(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	static char msg[65536];
	char *line, *next;

	if (level == LIBBPF_DEBUG)
		return 0;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	for (line = msg; *line; line = next) {
		next = strchrnul(line, '\n');
		if (*next)
			*next++ = '\0';
		kwd_log(level == LIBBPF_WARN ? LOG_WARNING : LOG_INFO,
			"libbpf: %s", line);
	}
	return 0;
}

static bool is_bpffs(const char *path)
{
	struct statfs st;

	return !statfs(path, &st) && st.f_type == BPF_FS_MAGIC;
}

/* bpffs at PIN_ROOT, mounted by us if need be; false: no pinning */
static bool bpffs_ready(void)
{
	if (!is_bpffs(PIN_ROOT) &&
	    mount("bpf", PIN_ROOT, "bpf", 0, "mode=0700") && errno != EBUSY) {
		kwd_log(LOG_WARNING, "no bpffs at %s (%s): programs will not outlive kwardend",
			PIN_ROOT, strerror(errno));
		return false;
	}
	if (mkdir(PIN_DIR, 0700) && errno != EEXIST) {
		kwd_log(LOG_WARNING, "%s: %s: programs will not outlive kwardend",
			PIN_DIR, strerror(errno));
		return false;
	}
	return is_bpffs(PIN_ROOT);
}

static void pin_name(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", PIN_DIR, name);
}

/* Which maps an object takes over from another one, and does not pin */
enum shared { SHARE_NONE, SHARE_EVENTS, SHARE_EVENTS_SELF };

static bool is_shared(const struct bpf_map *map, enum shared share)
{
	const char *name = bpf_map__name(map);

	if (share == SHARE_NONE)
		return false;
	return !strcmp(name, "events") || !strcmp(name, "drops") ||
	       (share == SHARE_EVENTS_SELF && (!strcmp(name, "guard_self") ||
					       !strcmp(name, "danger_conf")));
}

static void set_map_pins(struct bpf_object *obj, bool unpin_old,
			 enum shared share)
{
	struct bpf_map *map;
	char path[PATH_MAX];

	bpf_object__for_each_map(map, obj) {
		if (bpf_map__is_internal(map))
			continue;	/* .bss: per program set */
		if (is_shared(map, share))
			continue;
		pin_name(path, sizeof(path), bpf_map__name(map));
		if (unpin_old)
			unlink(path);
		bpf_map__set_pin_path(map, path);
	}
}

static struct kwarden_bpf *open_load(bool pin, bool unpin_old)
{
	struct kwarden_bpf *skel = kwarden_bpf__open();
	int err;

	if (!skel)
		return NULL;
	kwd_bpf_fit(skel->obj);
	if (pin)
		set_map_pins(skel->obj, unpin_old, SHARE_NONE);
	err = kwarden_bpf__load(skel);
	if (err) {
		kwarden_bpf__destroy(skel);
		errno = -err;
		return NULL;
	}
	return skel;
}

/* The guard writes to the kwarden object's ring buffer and drop counter */
static struct guard_bpf *open_load_guard(struct kwarden_bpf *kw, bool pin,
					 bool unpin_old)
{
	struct guard_bpf *skel = guard_bpf__open();
	int err;

	if (!skel)
		return NULL;
	kwd_bpf_fit(skel->obj);
	if (pin)
		set_map_pins(skel->obj, unpin_old, SHARE_EVENTS);
	err = bpf_map__reuse_fd(skel->maps.events,
				bpf_map__fd(kw->maps.events));
	if (!err)
		err = bpf_map__reuse_fd(skel->maps.drops,
					bpf_map__fd(kw->maps.drops));
	if (!err)
		err = guard_bpf__load(skel);
	if (err) {
		guard_bpf__destroy(skel);
		errno = -err;
		return NULL;
	}
	return skel;
}

static void load_guard(struct kwd_bpf *b)
{
	b->guard = open_load_guard(b->skel, b->pinned, false);
	if (!b->guard && b->pinned) {
		kwd_log(LOG_WARNING, "pinned guard maps in %s unusable (%s): recreating them",
			PIN_DIR, strerror(errno));
		b->guard = open_load_guard(b->skel, true, true);
	}
	if (!b->guard)
		kwd_log(LOG_ERR, "loading the BPF guard failed: %s: no self-protection",
			strerror(errno));
}

/*
 * The danger object writes to the same ring buffer, and knows kwardend
 * through the guard's guard_self (its own, empty one without the guard).
 * Its danger_conf is the guard's too: the guard's file_open program runs
 * the danger checks of opens (bpf/kw_danger.h).
 */
static struct danger_bpf *open_load_danger(struct kwd_bpf *b, bool pin,
					   bool unpin_old)
{
	struct danger_bpf *skel = danger_bpf__open();
	int err;

	if (!skel)
		return NULL;
	kwd_bpf_fit(skel->obj);
	if (pin)
		set_map_pins(skel->obj, unpin_old, SHARE_EVENTS_SELF);
	err = bpf_map__reuse_fd(skel->maps.events,
				bpf_map__fd(b->skel->maps.events));
	if (!err)
		err = bpf_map__reuse_fd(skel->maps.drops,
					bpf_map__fd(b->skel->maps.drops));
	if (!err && b->guard)
		err = bpf_map__reuse_fd(skel->maps.guard_self,
					bpf_map__fd(b->guard->maps.guard_self));
	if (!err && b->guard)
		err = bpf_map__reuse_fd(skel->maps.danger_conf,
					bpf_map__fd(b->guard->maps.danger_conf));
	if (!err)
		err = danger_bpf__load(skel);
	if (err) {
		danger_bpf__destroy(skel);
		errno = -err;
		return NULL;
	}
	return skel;
}

static void load_danger(struct kwd_bpf *b)
{
	b->danger = open_load_danger(b, b->pinned, false);
	if (!b->danger && b->pinned) {
		kwd_log(LOG_WARNING, "pinned danger_conf in %s unusable (%s): recreating it",
			PIN_DIR, strerror(errno));
		b->danger = open_load_danger(b, true, true);
	}
	if (!b->danger)
		kwd_log(LOG_ERR, "loading the dangerous-interface programs failed: %s",
			strerror(errno));
}

/* Programs attached only while a module is contained (bpf/danger.bpf.c) */
static bool on_demand(const struct bpf_program *prog)
{
	return !strncmp(bpf_program__name(prog), "kw_contained_", 13);
}

/*
 * Not attached: this kernel has no hook for it, or one of another shape
 * (not loaded), or it stands in for the guard's file_open program, which
 * runs its check (one program an open, not two: docs/bench.md).
 */
static bool left_out(const struct kwd_bpf *b, const struct bpf_program *prog)
{
	return !bpf_program__autoload(prog) ||
	       (b->guard && !strcmp(bpf_program__name(prog), "kw_danger_open"));
}

/*
 * Attach one program, then let its link replace the one a previous
 * kwardend pinned: no window without the hook, and if attaching fails the
 * old link stays (it writes to the same pinned ring buffer).
 */
static struct bpf_link *attach_pin(struct kwd_bpf *b, struct bpf_program *prog)
{
	struct bpf_link *link = bpf_program__attach(prog);
	char path[PATH_MAX];

	if (!link) {
		kwd_log(LOG_ERR, "attach %s: %s", bpf_program__name(prog),
			strerror(errno));
		return NULL;
	}
	pin_name(path, sizeof(path), bpf_program__name(prog));
	if (b->pinned) {
		unlink(path);	/* detaches the old program */
		if (bpf_link__pin(link, path))
			kwd_log(LOG_WARNING, "pin %s: %s", path,
				strerror(errno));
	}
	return link;
}

/*
 * A program we leave out keeps no link a previous kwardend pinned: an
 * older kwardend attached kw_danger_open beside the guard's file_open
 * program, which now runs its check, and both would report each open.
 */
static void unpin_stale(struct kwd_bpf *b, const struct bpf_program *prog)
{
	char path[PATH_MAX];

	pin_name(path, sizeof(path), bpf_program__name(prog));
	if (b->pinned && unlink(path) && errno != ENOENT)
		kwd_log(LOG_WARNING, "unpin %s: %s", path, strerror(errno));
}

static void attach_obj(struct kwd_bpf *b, struct bpf_object *obj)
{
	struct bpf_program *prog;
	struct bpf_link *link;

	bpf_object__for_each_program(prog, obj) {
		if (on_demand(prog))
			continue;
		if (left_out(b, prog)) {
			unpin_stale(b, prog);
			continue;
		}
		link = attach_pin(b, prog);
		if (!link)
			continue;
		if (b->nlinks < ARRAY_SIZE(b->links))
			b->links[b->nlinks++] = link;
		else
			bpf_link__destroy(link);	/* pinned, or gone */
	}
}

/*
 * on: attach the programs that deny a contained module's files (and pin
 * them, replacing a previous kwardend's); off: detach them, pins
 * included. Every read and write pays for them, so they run only while
 * needed.
 */
int kwd_bpf_contain(struct kwd *d, bool on)
{
	struct kwd_bpf *b = d->bpf;
	struct bpf_program *prog;
	struct bpf_link *link;
	char path[PATH_MAX];
	unsigned int i;
	int err = 0;

	if (!b || !b->danger)
		return -ENOENT;
	for (i = 0; i < b->ncontained; i++)
		bpf_link__destroy(b->contained[i]);
	b->ncontained = 0;
	bpf_object__for_each_program(prog, b->danger->obj) {
		if (!on_demand(prog) || left_out(b, prog))
			continue;
		if (!on) {
			pin_name(path, sizeof(path), bpf_program__name(prog));
			if (b->pinned && unlink(path) && errno != ENOENT)
				err = -errno;
			continue;
		}
		link = attach_pin(b, prog);
		if (!link)
			err = -EIO;
		else if (b->ncontained < ARRAY_SIZE(b->contained))
			b->contained[b->ncontained++] = link;
		else
			bpf_link__destroy(link);
	}
	if (b->guard)
		kwd_guard_protect_ids(d);
	return err;
}

static int attach_all(struct kwd_bpf *b)
{
	attach_obj(b, b->skel->obj);
	if (b->guard)
		attach_obj(b, b->guard->obj);
	if (b->danger)
		attach_obj(b, b->danger->obj);
	return b->nlinks ? 0 : -ENOENT;
}

static uint64_t read_drops(struct kwd_bpf *b)
{
	int i, ncpus = libbpf_num_possible_cpus();
	uint64_t total = 0, *vals;
	uint32_t zero = 0;

	if (ncpus <= 0)
		return 0;
	vals = calloc((size_t)ncpus, sizeof(*vals));
	if (vals && !bpf_map__lookup_elem(b->skel->maps.drops, &zero,
					  sizeof(zero), vals,
					  (size_t)ncpus * sizeof(*vals), 0))
		for (i = 0; i < ncpus; i++)
			total += vals[i];
	free(vals);
	return total;
}

static int64_t realtime_offset(void)
{
	struct timespec rt, bt;

	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_BOOTTIME, &bt);
	return (int64_t)(rt.tv_sec - bt.tv_sec) * (int64_t)NSEC_PER_SEC +
	       (rt.tv_nsec - bt.tv_nsec);
}

/* Consumed = acknowledged: the journal has it before we return */
static int on_event(void *ctx, void *data, size_t size)
{
	struct kwd *d = ctx;
	struct kw_bpf_strs strs;
	struct kw_bpf_event e;
	struct kw_alert a;
	char target[2 * KW_PATH_LEN];

	d->bpf->events++;
	if (kw_bpf_event_copy(&e, data, size) ||
	    kw_bpf_alert_target(&e, realtime_offset(),
				kwd_guard_target(d, &e, target, sizeof(target)),
				&a, &strs)) {
		d->bpf->bad++;
		kwd_log(LOG_ERR, "BPF record of %zu bytes not understood", size);
		return 0;
	}
	if (a.kind == KW_KIND_module_load && kwd_bpf_dup_module_load(d)) {
		d->bpf->merged++;	/* kwarden.ko's record of it counts */
		json_object_put(a.detail);
		return 0;
	}
	kwd_raise(d, &a);
	return 0;
}

static void on_ringbuf(struct kwd *d, struct kwd_watch *w, uint32_t events)
{
	int n = ring_buffer__consume(d->bpf->rb);

	if (n < 0)
		kwd_log(LOG_ERR, "ring buffer: %s", strerror(-n));
}

/* Drops are events lost: each increase is an events_lost alert */
void kwd_bpf_tick(struct kwd *d)
{
	struct kwd_bpf *b = d->bpf;
	json_object *detail;
	struct kw_alert a = {
		.kind = KW_KIND_events_lost, .action = KW_ACTION_logged,
		.severity = kw_kind_severity(KW_KIND_events_lost),
		.source = KW_SOURCE_BPF,
	};
	uint64_t total, lost;
	char msg[160];

	if (!b)
		return;
	total = read_drops(b);
	if (total < b->drops_seen)
		b->drops_seen = 0;	/* the map was recreated */
	if (total == b->drops_seen)
		return;
	lost = total - b->drops_seen;
	b->drops_seen = total;
	snprintf(msg, sizeof(msg),
		 "%llu BPF events lost: the ring buffer was full (%llu lost in total)",
		 (unsigned long long)lost, (unsigned long long)total);
	detail = json_object_new_object();
	json_object_object_add(detail, "channel",
			       json_object_new_string("bpf_ringbuf"));
	json_object_object_add(detail, "lost", json_object_new_uint64(lost));
	json_object_object_add(detail, "total", json_object_new_uint64(total));
	json_object_object_add(detail, "boot_id",
			       json_object_new_string(d->boot_id));
	a.time_ns = kw_now_ns();
	a.message = msg;
	a.detail = detail;
	kwd_raise(d, &a);
}

static int start_ringbuf(struct kwd *d, struct kwd_bpf *b)
{
	b->rb = ring_buffer__new(bpf_map__fd(b->skel->maps.events), on_event,
				 d, NULL);
	if (!b->rb)
		return -errno;
	b->watch.fd = ring_buffer__epoll_fd(b->rb);
	b->watch.cb = on_ringbuf;
	return kwd_watch_add(d, &b->watch, EPOLLIN);
}

/* d->bpf is the state, from here to kwd_bpf_stop(); NULL: not loaded */
int kwd_bpf_start(struct kwd *d)
{
	struct kwd_bpf *b = calloc(1, sizeof(*b));
	int err;

	if (!b)
		return -ENOMEM;
	libbpf_set_print(print_libbpf);
	b->pinned = bpffs_ready();
	b->skel = open_load(b->pinned, false);
	if (!b->skel && b->pinned) {
		kwd_log(LOG_WARNING, "pinned maps in %s unusable (%s): recreating them",
			PIN_DIR, strerror(errno));
		b->skel = open_load(true, true);
	}
	if (!b->skel) {
		err = -errno;
		kwd_log(LOG_ERR, "loading the BPF programs failed: %s",
			strerror(errno));
		free(b);
		return err;
	}
	load_guard(b);
	load_danger(b);
	d->bpf = b;
	if (b->guard)
		kwd_guard_configure(d);
	if (b->danger || b->guard)
		kwd_danger_configure(d, kwd_bpf_map_fd(d, "danger_conf"));
	err = attach_all(b);
	if (!err)
		err = start_ringbuf(d, b);
	if (err) {
		kwd_log(LOG_ERR, "BPF: %s", strerror(-err));
		kwd_bpf_stop(d);
		return err;
	}
	if (b->guard)
		kwd_guard_arm(d);
	if (b->danger)
		kwd_danger_contained_sync(d);
	kwd_request_sync(d);
	/* drops counted while no kwardend ran are reported now */
	b->drops_seen = d->resume_drops;
	ring_buffer__consume(b->rb);
	kwd_bpf_tick(d);
	return 0;
}

/* Our fds go; pinned links stay attached: enforcement outlives us */
void kwd_bpf_stop(struct kwd *d)
{
	struct kwd_bpf *b = d->bpf;
	unsigned int i;

	if (!b)
		return;
	if (b->rb) {
		kwd_watch_del(d, &b->watch);
		ring_buffer__free(b->rb);
		b->rb = NULL;
	}
	for (i = 0; i < b->nlinks; i++)
		bpf_link__destroy(b->links[i]);
	b->nlinks = 0;
	for (i = 0; i < b->ncontained; i++)
		bpf_link__destroy(b->contained[i]);
	b->ncontained = 0;
	guard_bpf__destroy(b->guard);
	b->guard = NULL;
	danger_bpf__destroy(b->danger);
	b->danger = NULL;
	kwarden_bpf__destroy(b->skel);
	free(b);
	d->bpf = NULL;
}

/* The section names of @obj's loaded programs */
static void add_programs(json_object *progs, const struct kwd_bpf *b,
			 struct bpf_object *obj)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, obj)
		if (!left_out(b, prog))
			json_object_array_add(progs, json_object_new_string(
				bpf_program__section_name(prog)));
}

json_object *kwd_bpf_status(struct kwd *d)
{
	struct kwd_bpf *b = d->bpf;
	json_object *o = json_object_new_object(), *progs;

	json_object_object_add(o, "loaded", json_object_new_boolean(!!b));
	if (!b)
		return o;
	json_object_object_add(o, "pinned", json_object_new_boolean(b->pinned));
	if (b->pinned)
		json_object_object_add(o, "pin_dir",
				       json_object_new_string(PIN_DIR));
	progs = json_object_new_array();
	add_programs(progs, b, b->skel->obj);
	if (b->guard)
		add_programs(progs, b, b->guard->obj);
	if (b->danger)
		add_programs(progs, b, b->danger->obj);
	json_object_object_add(o, "programs", progs);
	json_object_object_add(o, "missing_hooks", kwd_bpf_fit_status());
	json_object_object_add(o, "dangerous_interfaces", kwd_danger_status(d));
	json_object_object_add(o, "attached", json_object_new_int(b->nlinks));
	json_object_object_add(o, "ringbuf_bytes",
		json_object_new_int64(bpf_map__max_entries(b->skel->maps.events)));
	json_object_object_add(o, "events", json_object_new_uint64(b->events));
	json_object_object_add(o, "module_loads_merged",
			       json_object_new_uint64(b->merged));
	json_object_object_add(o, "bad_records", json_object_new_uint64(b->bad));
	json_object_object_add(o, "drops", json_object_new_uint64(read_drops(b)));
	return o;
}

bool kwd_bpf_guard_loaded(struct kwd *d)
{
	return d->bpf && d->bpf->guard;
}

bool kwd_bpf_pinned(struct kwd *d)
{
	return d->bpf && d->bpf->pinned;
}

/* Deletes every key of a map whose keys are at most 64 bytes */
void kwd_bpf_clear_map(int fd, size_t key_size)
{
	char key[64], next[64];

	if (key_size > sizeof(key))
		return;
	/* always the first key: deleting it ends the walk, and it is bounded */
	while (!bpf_map_get_next_key(fd, NULL, next)) {
		memcpy(key, next, key_size);
		if (bpf_map_delete_elem(fd, key))
			break;
	}
}

/* request_deny's fd, with request_observe set first (safe mode) */
int kwd_bpf_request_map(struct kwd *d, bool observe)
{
	if (!d->bpf || !d->bpf->skel || !d->bpf->skel->bss)
		return -ENOENT;
	d->bpf->skel->bss->request_observe = observe;
	return bpf_map__fd(d->bpf->skel->maps.request_deny);
}

int kwd_bpf_map_fd(struct kwd *d, const char *name)
{
	struct bpf_map *map = NULL;

	if (!d->bpf)
		return -ENOENT;
	if (kwd_bpf_guard_loaded(d))
		map = bpf_object__find_map_by_name(d->bpf->guard->obj, name);
	/* danger's own: guard_self there is the guard's, or a stand-in */
	if (!map && d->bpf->danger && !strncmp(name, "danger_", 7))
		map = bpf_object__find_map_by_name(d->bpf->danger->obj, name);
	return map ? bpf_map__fd(map) : -ENOENT;
}

static int obj_id(int fd, uint32_t *id)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	/* id is the first member of prog, map and link info alike */
	if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len))
		return -1;
	*id = info.id;
	return 0;
}

static int add_id(struct kw_guard_id *ids, int n, int max, uint32_t type,
		  int fd)
{
	uint32_t id;

	if (n < max && !obj_id(fd, &id)) {
		ids[n].type = type;
		ids[n].id = id;
		n++;
	}
	return n;
}

static int obj_ids(struct bpf_object *obj, struct kw_guard_id *ids, int n,
		   int max)
{
	struct bpf_program *prog;
	struct bpf_map *map;

	bpf_object__for_each_program(prog, obj)
		n = add_id(ids, n, max, KW_OBJ_PROG, bpf_program__fd(prog));
	bpf_object__for_each_map(map, obj)
		n = add_id(ids, n, max, KW_OBJ_MAP, bpf_map__fd(map));
	return n;
}

int kwd_bpf_ids(struct kwd *d, struct kw_guard_id *ids, int max)
{
	struct kwd_bpf *b = d->bpf;
	unsigned int i;
	int n = 0;

	if (!b)
		return 0;
	n = obj_ids(b->skel->obj, ids, n, max);
	if (b->guard)
		n = obj_ids(b->guard->obj, ids, n, max);
	if (b->danger)
		n = obj_ids(b->danger->obj, ids, n, max);
	for (i = 0; i < b->nlinks; i++)
		n = add_id(ids, n, max, KW_OBJ_LINK, bpf_link__fd(b->links[i]));
	for (i = 0; i < b->ncontained; i++)
		n = add_id(ids, n, max, KW_OBJ_LINK,
			   bpf_link__fd(b->contained[i]));
	return n;
}
