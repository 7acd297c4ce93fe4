// SPDX-License-Identifier: GPL-2.0
/*
 * What the alert journal says about each module: its last load (path,
 * hashes, signature, taints, verdict), the hooks it owns, its faults and
 * how many alerts of each kind named it. Built from the journal once at
 * start (hooks and loads of this boot only; faults of every boot), then
 * kept current by every alert kwardend raises, so that `modules`, `top`,
 * the forensic record and the response policy never reread the journal.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "kwardend.h"
#include "names.h"
#include "timefmt.h"

#define MAX_MODULES	4096	/* names remembered; more are not tracked */

static struct kwd_modstat *mods;
static size_t nmods, capmods;

static bool is_hook_kind(unsigned int kind)
{
	switch (kind) {
	case KW_KIND_ftrace_hook:
	case KW_KIND_kprobe_hook:
	case KW_KIND_seq_ops_hook:
	case KW_KIND_fops_hook:
	case KW_KIND_syscall_table_modified:
	case KW_KIND_idt_modified:
	case KW_KIND_kernel_text_modified:
	case KW_KIND_kernel_rodata_modified:
	case KW_KIND_ro_after_init_modified:
	case KW_KIND_module_text_modified:
	case KW_KIND_module_rodata_modified:
	case KW_KIND_msr_modified:
	case KW_KIND_livepatch_applied:	/* a hook the kernel makes for it */
		return true;
	default:
		return false;
	}
}

struct kwd_modstat *kwd_modstat_find(const char *name, bool create)
{
	struct kwd_modstat *p;
	size_t i;

	for (i = 0; i < nmods; i++)
		if (!strcmp(mods[i].name, name))
			return &mods[i];
	if (!create || nmods >= MAX_MODULES || strlen(name) >= KW_NAME_LEN)
		return NULL;
	if (nmods == capmods) {
		capmods = capmods ? 2 * capmods : 64;
		p = realloc(mods, capmods * sizeof(*mods));
		if (!p)
			return NULL;
		mods = p;
	}
	p = &mods[nmods++];
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	return p;
}

size_t kwd_modstat_all(struct kwd_modstat **all)
{
	*all = mods;
	return nmods;
}

static void copy(char *dst, size_t len, json_object *o, const char *key)
{
	const char *s = kw_rec_str(o, key);

	if (s)
		snprintf(dst, len, "%s", s);
}

static void note_hook(struct kwd_modstat *m, unsigned int kind,
		      json_object *detail)
{
	const char *where = kw_rec_str(detail, "where") ?: "?";
	const char *handler = kw_rec_str(detail, "target_symbol") ?: "";
	struct kwd_hook *h;
	size_t i;

	for (i = 0; i < m->nhooks; i++)
		if (m->hooks[i].kind == kind &&
		    !strcmp(m->hooks[i].where, where))
			return;
	if (m->nhooks == KWD_MAX_HOOKS) {
		m->hooks_dropped++;
		return;
	}
	h = &m->hooks[m->nhooks++];
	h->kind = kind;
	snprintf(h->where, sizeof(h->where), "%s", where);
	snprintf(h->handler, sizeof(h->handler), "%s", handler);
}

static void note_load(struct kwd_modstat *m, json_object *rec,
		      json_object *detail)
{
	const char *s;

	m->loads++;
	copy(m->load_time, sizeof(m->load_time), rec, "time");
	/* BPF and kmod each report a load: keep what either knows */
	copy(m->path, sizeof(m->path), detail, "path");
	copy(m->sha256, sizeof(m->sha256), detail, "sha256");
	copy(m->file_sha256, sizeof(m->file_sha256), detail, "file_sha256");
	copy(m->verdict, sizeof(m->verdict), detail, "verdict");
	s = kw_rec_str(detail, "taint_flags");
	if (s)
		snprintf(m->taint_flags, sizeof(m->taint_flags), "%s", s);
	if (kw_rec_obj(detail, "sig_ok")) {
		m->sig_known = true;
		m->sig_ok = json_object_get_boolean(kw_rec_obj(detail, "sig_ok"));
	}
}

/*
 * One journal record; this_boot: it was raised since the kernel booted;
 * replay: read back at start (the fault budget takes it too)
 */
static void note(struct kwd *d, json_object *rec, bool this_boot,
		 bool replay)
{
	uint64_t t;
	const char *name = kw_rec_str(rec, "module");
	const char *kind_name = kw_rec_str(rec, "kind");
	json_object *detail = kw_rec_obj(rec, "detail");
	struct kwd_modstat *m;
	int kind;

	if (!name || !kind_name)
		return;
	kind = kw_kind_from_name(kind_name);
	if (kind < 0)
		return;
	m = kwd_modstat_find(name, true);
	if (!m)
		return;
	if (kind == KW_KIND_module_fault) {
		m->faults_total++;
		if (this_boot)
			m->faults_boot++;
	}
	if (!this_boot)
		return;
	if (replay && !kw_time_parse(kw_rec_str(rec, "time") ?: "", &t))
		kwd_budget_replay(d, kind, name, t);
	m->kinds[kind]++;
	m->alerts++;
	if (kind == KW_KIND_module_load)
		note_load(m, rec, detail);
	else if (kind == KW_KIND_module_load_denied)
		m->denied++;
	else if (is_hook_kind((unsigned int)kind))
		note_hook(m, (unsigned int)kind, detail);
}

/* By its boot_id, or else by its time: after the kernel booted */
static bool of_this_boot(struct kwd *d, json_object *rec, uint64_t boot_ns)
{
	const char *id = kw_rec_str(kw_rec_obj(rec, "detail"), "boot_id");
	const char *when = kw_rec_str(rec, "time");
	uint64_t ns;

	if (id)
		return !strcmp(id, d->boot_id);
	return when && !kw_time_parse(when, &ns) && ns >= boot_ns;
}

static uint64_t boot_time_ns(void)
{
	struct timespec ts;
	uint64_t up;

	if (clock_gettime(CLOCK_BOOTTIME, &ts))
		return 0;
	up = (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
	return kw_now_ns() - up;
}

void kwd_modstat_note(struct kwd *d, json_object *rec)
{
	note(d, rec, true, false);
}

/* Once, at start, after the journal is open */
void kwd_modstat_load(struct kwd *d)
{
	const char *line;
	json_object *rec;
	uint64_t boot_ns = boot_time_ns();
	struct kw_cursor c;
	size_t len;

	kw_cursor_init(&c, d->cfg.journal_path, d->cfg.journal_keep, 0);
	while (kw_cursor_next(&c, 0, &line, &len) > 0) {
		if (!memmem(line, len, "\"module\":\"", 10))
			continue;	/* no module named: not ours */
		rec = kw_parse_line(line, len);
		if (rec)
			note(d, rec, of_this_boot(d, rec, boot_ns), true);
		json_object_put(rec);
	}
	kw_cursor_close(&c);
}
