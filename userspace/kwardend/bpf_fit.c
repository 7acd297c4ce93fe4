// SPDX-License-Identifier: GPL-2.0
/*
 * Fit our BPF objects to the running kernel before they load.
 *
 * The objects are built once, against 6.12's BTF, and CO-RE moves their
 * field accesses; what CO-RE cannot do is make up an LSM hook the kernel
 * lacks, or change the arguments a hook takes. So, for each LSM program:
 *   - no bpf_lsm_<hook> in the kernel's BTF: the program is not loaded,
 *     and what that costs is listed in `status` (bpf.missing_hooks) and
 *     said once by a kwarden_degraded alert;
 *   - a program named "..._aN" is written for the N-argument shape of its
 *     hook, and is loaded only where the hook takes N arguments (another
 *     program covers the other shape).
 * Without the kernel's BTF nothing is left out, and loading says the rest.
 */
#include <ctype.h>
#include <string.h>
#include <syslog.h>
#include <sys/utsname.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "compiler.h"
#include "kwd.h"
#include "bpf_fit.h"
#include "log.h"
#include "status.h"

#define KWD_MISSING_MAX	8

/* What a kernel without the hook does not get, or how it is covered */
struct kwd_hook_effect {
	const char *hook;
	bool lost;		/* coverage lost, not only moved elsewhere */
	const char *effect;
};

static const struct kwd_hook_effect kwd_hook_effects[] = {
	{ "file_truncate", false,
	  "ftruncate(2) and O_TRUNC on guarded files are denied at inode_setattr instead, reported as setattr" },
	{ "bpf_prog_load", true,
	  "BPF programs calling bpf_probe_write_user or bpf_override_return, and BPF tracing programs aimed at kwarden.ko, are not seen (dangerous_interface)" },
};

struct kwd_missing {
	char hook[64];
	char prog[64];
};

static struct kwd_missing kwd_missing[KWD_MISSING_MAX];
static unsigned int kwd_nmissing;
static struct btf *kwd_vmlinux;
static bool kwd_btf_tried;

static const struct kwd_hook_effect *hook_effect(const char *hook)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kwd_hook_effects); i++)
		if (!strcmp(kwd_hook_effects[i].hook, hook))
			return &kwd_hook_effects[i];
	return NULL;
}

/* The number of arguments of LSM hook @hook, -1 if the kernel has none */
static int hook_args(const char *hook)
{
	const struct btf_type *t;
	char name[128];
	int id;

	snprintf(name, sizeof(name), "bpf_lsm_%s", hook);
	id = btf__find_by_name_kind(kwd_vmlinux, name, BTF_KIND_FUNC);
	if (id < 0)
		return -1;
	t = btf__type_by_id(kwd_vmlinux, id);
	t = t ? btf__type_by_id(kwd_vmlinux, t->type) : NULL;
	return t ? btf_vlen(t) : -1;
}

/* N of a program name ending in "_aN", or -1 */
static int shape_of(const char *prog)
{
	const char *s = strrchr(prog, '_');

	if (!s || s[1] != 'a' || !isdigit((unsigned char)s[2]) || s[3])
		return -1;
	return s[2] - '0';
}

/* Once per hook: objects may be opened twice, hooks have two shapes */
static void note_missing(const char *hook, const char *prog)
{
	unsigned int i;

	for (i = 0; i < kwd_nmissing; i++)
		if (!strcmp(kwd_missing[i].hook, hook))
			return;
	if (kwd_nmissing >= KWD_MISSING_MAX)
		return;
	snprintf(kwd_missing[kwd_nmissing].hook,
		 sizeof(kwd_missing[0].hook), "%s", hook);
	snprintf(kwd_missing[kwd_nmissing].prog,
		 sizeof(kwd_missing[0].prog), "%s", prog);
	kwd_nmissing++;
	kwd_log(LOG_WARNING, "this kernel has no LSM hook %s: %s not loaded",
		hook, prog);
}

void kwd_bpf_fit(struct bpf_object *obj)
{
	struct bpf_program *prog;
	const char *sec, *hook, *name;
	int n, shape;

	if (!kwd_btf_tried) {
		kwd_btf_tried = true;
		kwd_vmlinux = btf__load_vmlinux_btf();
		if (!kwd_vmlinux)
			kwd_log(LOG_WARNING, "no kernel BTF: BPF programs are not fitted to this kernel's hooks");
	}
	if (!kwd_vmlinux)
		return;
	bpf_object__for_each_program(prog, obj) {
		sec = bpf_program__section_name(prog);
		name = bpf_program__name(prog);
		if (strncmp(sec, "lsm/", 4) && strncmp(sec, "lsm.s/", 6))
			continue;
		hook = strchr(sec, '/') + 1;
		n = hook_args(hook);
		shape = shape_of(name);
		if (n < 0) {
			bpf_program__set_autoload(prog, false);
			note_missing(hook, name);
		} else if (shape >= 0 && shape != n) {
			bpf_program__set_autoload(prog, false);
		}
	}
}

json_object *kwd_bpf_fit_status(void)
{
	json_object *a = json_object_new_array(), *o;
	const struct kwd_hook_effect *e;
	unsigned int i;

	for (i = 0; i < kwd_nmissing; i++) {
		e = hook_effect(kwd_missing[i].hook);
		o = json_object_new_object();
		json_object_object_add(o, "hook",
			json_object_new_string(kwd_missing[i].hook));
		json_object_object_add(o, "program",
			json_object_new_string(kwd_missing[i].prog));
		json_object_object_add(o, "lost",
			json_object_new_boolean(!e || e->lost));
		json_object_object_add(o, "effect", json_object_new_string(
			e ? e->effect : "not watched on this kernel"));
		json_object_array_add(a, o);
	}
	return a;
}

/* One kwarden_degraded per missing hook whose absence loses coverage */
void kwd_bpf_fit_report(struct kwd *d)
{
	const struct kwd_hook_effect *e;
	struct utsname u;
	json_object *extra;
	static bool reported;
	char msg[1024];
	unsigned int i;

	if (reported)
		return;
	reported = true;
	if (uname(&u))
		snprintf(u.release, sizeof(u.release), "?");
	for (i = 0; i < kwd_nmissing; i++) {
		e = hook_effect(kwd_missing[i].hook);
		if (e && !e->lost)
			continue;
		snprintf(msg, sizeof(msg),
			 "kernel %s has no LSM hook %s: %s", u.release,
			 kwd_missing[i].hook,
			 e ? e->effect : "not watched on this kernel");
		extra = json_object_new_object();
		json_object_object_add(extra, "missing_hook",
			json_object_new_string(kwd_missing[i].hook));
		json_object_object_add(extra, "program",
			json_object_new_string(kwd_missing[i].prog));
		kwd_degraded_detail(d, msg, extra);
	}
}
