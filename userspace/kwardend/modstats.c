// SPDX-License-Identifier: GPL-2.0
/*
 * What the alert journal says about each module: its last load (path,
 * hashes, signature, taints, verdict), the hooks it owns, its faults and
 * how many alerts of each kind named it. A subscriber of the pipeline
 * (sink.c): built from the journal records it replays at start (hooks and
 * loads of this boot only; faults of every boot), then kept current by
 * every alert kwardend raises, so that `modules`, `top`, the forensic
 * record and the response policy never reread the journal.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "kwd.h"
#include "modstats.h"
#include "sink.h"
#include "names.h"
#include "timefmt.h"

#define MAX_MODULES	4096	/* names remembered; more are not tracked */

struct kwd_modstats {
	struct kwd_modstat *mods;
	size_t n, cap;
};

/* Its state, reached as d->modstats only; made once, before start */
int kwd_modstat_init(struct kwd *d)
{
	d->modstats = calloc(1, sizeof(*d->modstats));
	return d->modstats ? 0 : -ENOMEM;
}

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

struct kwd_modstat *kwd_modstat_find(struct kwd *d, const char *name,
				     bool create)
{
	struct kwd_modstats *ms = d->modstats;
	struct kwd_modstat *p;
	size_t i;

	for (i = 0; i < ms->n; i++)
		if (!strcmp(ms->mods[i].name, name))
			return &ms->mods[i];
	if (!create || ms->n >= MAX_MODULES || strlen(name) >= KW_NAME_LEN)
		return NULL;
	if (ms->n == ms->cap) {
		ms->cap = ms->cap ? 2 * ms->cap : 64;
		p = realloc(ms->mods, ms->cap * sizeof(*ms->mods));
		if (!p)
			return NULL;
		ms->mods = p;
	}
	p = &ms->mods[ms->n++];
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	return p;
}

size_t kwd_modstat_all(struct kwd *d, struct kwd_modstat **all)
{
	*all = d->modstats->mods;
	return d->modstats->n;
}

static void copy(char *dst, size_t len, const char *s)
{
	if (s)
		snprintf(dst, len, "%s", s);
}

static void note_hook(struct kwd_modstat *m, const struct kwd_event *ev)
{
	const char *where = ev->where ?: "?";
	const char *handler = ev->target_symbol ?: "";
	struct kwd_hook *h;
	size_t i;

	for (i = 0; i < m->nhooks; i++)
		if (m->hooks[i].kind == ev->kind &&
		    !strcmp(m->hooks[i].where, where))
			return;
	if (m->nhooks == KWD_MAX_HOOKS) {
		m->hooks_dropped++;
		return;
	}
	h = &m->hooks[m->nhooks++];
	h->kind = ev->kind;
	snprintf(h->where, sizeof(h->where), "%s", where);
	snprintf(h->handler, sizeof(h->handler), "%s", handler);
}

static void note_load(struct kwd_modstat *m, const struct kwd_event *ev)
{
	m->loads++;
	copy(m->load_time, sizeof(m->load_time), ev->time);
	/* BPF and kmod each report a load: keep what either knows */
	copy(m->path, sizeof(m->path), ev->path);
	copy(m->sha256, sizeof(m->sha256), ev->sha256);
	copy(m->file_sha256, sizeof(m->file_sha256), ev->file_sha256);
	copy(m->verdict, sizeof(m->verdict), ev->verdict);
	copy(m->taint_flags, sizeof(m->taint_flags), ev->taint_flags);
	if (ev->sig_ok >= 0) {
		m->sig_known = true;
		m->sig_ok = ev->sig_ok;
	}
}

/* One alert, raised now or read back (ev->this_boot: since the boot) */
static void note(struct kwd *d, const struct kwd_event *ev)
{
	struct kwd_modstat *m;

	if (!ev->module || !*ev->module || ev->kind >= KW_KIND_MAX)
		return;
	m = kwd_modstat_find(d, ev->module, true);
	if (!m)
		return;
	if (ev->kind == KW_KIND_module_fault) {
		m->faults_total++;
		if (ev->this_boot)
			m->faults_boot++;
	}
	if (!ev->this_boot)
		return;
	m->kinds[ev->kind]++;
	m->alerts++;
	if (ev->kind == KW_KIND_module_load)
		note_load(m, ev);
	else if (ev->kind == KW_KIND_module_load_denied)
		m->denied++;
	else if (is_hook_kind(ev->kind))
		note_hook(m, ev);
}

static void modstat_note(struct kwd *d, const struct kwd_event *ev,
			 struct kwd_queue *q)
{
	note(d, ev);
}

static void modstat_replay(struct kwd *d, const struct kwd_event *ev)
{
	note(d, ev);
}

/* Before the response policy, which reads the counts */
const struct kwd_subscriber kwd_modstat_subscriber = {
	.name = "modstats",
	.note = modstat_note,
	.replay = modstat_replay,
};
