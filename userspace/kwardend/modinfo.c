// SPDX-License-Identifier: GPL-2.0
/*
 * One module as the system shows it: /proc/modules, /sys/module/NAME
 * (taints, sections, parameters, refcnt, holders, drivers and their
 * devices), its file on disk and that file's sha256, plus what the
 * journal says (modstats.c) and the blocklist. `kwardenctl modules`,
 * `module show` and the forensic record of a disable are built here.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include "blocklist.h"
#include "kwd.h"
#include "modinfo.h"
#include "modstats.h"
#include "names.h"
#include "procmods.h"
#include "sha256.h"
#include "timefmt.h"

#define SYS_MODULE	"/sys/module"
#define MAX_ENTRIES	1024	/* per sysfs directory read */
#define MAX_MODULES_LISTED	4096

/* A small sysfs or proc file, without its trailing newline; -errno */
static int read_small(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	buf[0] = '\0';
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0) {
		n = -errno;
		close(fd);
		return (int)n;
	}
	close(fd);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	kw_one_line(buf);
	return 0;
}

static int mod_file(const char *name, const char *what, char *buf,
		    size_t len)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), SYS_MODULE "/%s/%s", name, what);
	return read_small(path, buf, len);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names in dir but . and ..; *n of them, free with free_names */
static char **list_dir(const char *dir, size_t *n)
{
	char **v = calloc(MAX_ENTRIES, sizeof(*v));
	struct dirent *de;
	DIR *dp = opendir(dir);

	*n = 0;
	if (!dp || !v) {
		if (dp)
			closedir(dp);
		free(v);
		return NULL;
	}
	while ((de = readdir(dp)) && *n < MAX_ENTRIES) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		v[*n] = strdup(de->d_name);
		if (v[*n])
			(*n)++;
	}
	closedir(dp);
	qsort(v, *n, sizeof(*v), cmp_str);
	return v;
}

static void free_names(char **v, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

static json_object *names_json(const char *dir)
{
	json_object *a = json_object_new_array();
	size_t i, n;
	char **v = list_dir(dir, &n);

	for (i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	free_names(v, n);
	return a;
}

/* name -> contents of every readable file in dir */
static json_object *values_json(const char *dir)
{
	json_object *o = json_object_new_object();
	char path[PATH_MAX], val[256];
	size_t i, n;
	char **v = list_dir(dir, &n);

	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, v[i]);
		json_object_object_add(o, v[i], read_small(path, val, sizeof(val)) ?
				       NULL : json_object_new_string(val));
	}
	free_names(v, n);
	return o;
}

/* Its line of /proc/modules: 0, or -ENOENT */
static int proc_module(const char *name, struct kw_procmod *pm)
{
	return kw_procmod_find(NULL, name, pm);
}

bool kwd_module_loaded(const char *name)
{
	char path[PATH_MAX];
	struct kw_procmod pm;

	snprintf(path, sizeof(path), SYS_MODULE "/%s/refcnt", name);
	return !access(path, F_OK) || !proc_module(name, &pm);
}

/* Which directory of /sys/bus a "bus:driver" entry of drivers/ is */
static json_object *drivers_json(const char *name)
{
	json_object *a = json_object_new_array(), *o, *devs;
	char dir[256], drv[PATH_MAX + 256], link[512], real[PATH_MAX];
	size_t i, j, n, m;
	char **v, **w;
	struct stat st;

	snprintf(dir, sizeof(dir), SYS_MODULE "/%s/drivers", name);
	v = list_dir(dir, &n);
	for (i = 0; i < n; i++) {
		snprintf(link, sizeof(link), "%s/%s", dir, v[i]);
		if (!realpath(link, real))
			continue;
		o = json_object_new_object();
		devs = json_object_new_array();
		json_object_object_add(o, "driver", json_object_new_string(v[i]));
		json_object_object_add(o, "path", json_object_new_string(real));
		w = list_dir(real, &m);
		for (j = 0; j < m; j++) {
			/* devices are symlinks; "module" points back at us */
			snprintf(drv, sizeof(drv), "%s/%s", real, w[j]);
			if (!strcmp(w[j], "module") || lstat(drv, &st) ||
			    !S_ISLNK(st.st_mode))
				continue;
			json_object_array_add(devs, json_object_new_string(w[j]));
		}
		free_names(w, m);
		json_object_object_add(o, "devices", devs);
		json_object_array_add(a, o);
	}
	free_names(v, n);
	return a;
}

/* The module's file under /lib/modules/RELEASE, by modules.dep */
static int find_file(const char *name, char *path, size_t len)
{
	char dep[PATH_MAX], line[4096], base[KW_NAME_LEN + 8], *colon, *b;
	struct utsname u;
	size_t i, bl;
	FILE *f;
	int err = -ENOENT;

	if (uname(&u))
		return -errno;
	snprintf(dep, sizeof(dep), "/lib/modules/%s/modules.dep", u.release);
	f = fopen(dep, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		colon = strchr(line, ':');
		if (!colon)
			continue;
		*colon = '\0';
		b = strrchr(line, '/');
		b = b ? b + 1 : line;
		snprintf(base, sizeof(base), "%.*s", KW_NAME_LEN, b);
		bl = strcspn(base, ".");
		base[bl] = '\0';
		for (i = 0; i < bl; i++)
			if (base[i] == '-')
				base[i] = '_';
		if (strcmp(base, name))
			continue;
		if (snprintf(path, len, "/lib/modules/%.64s/%.*s", u.release,
			     (int)len, line) >= (int)len)
			continue;
		err = 0;
		break;
	}
	fclose(f);
	return err;
}

/* The file it came from (journal, else modules.dep) and its sha256, once */
static void file_of(struct kwd_modstat *m)
{
	uint8_t h[KW_HASH_LEN];

	if (m->file_tried)
		return;
	m->file_tried = true;
	if (m->path[0] && m->path[0] == '/' && !access(m->path, R_OK))
		snprintf(m->file, sizeof(m->file), "%s", m->path);
	else if (find_file(m->name, m->file, sizeof(m->file)))
		m->file[0] = '\0';
	if (m->file[0] && !kw_sha256_file(m->file, h))
		kw_sha256_hex(h, m->file_hash);
}

static json_object *str_or_null(const char *s)
{
	return s && s[0] ? json_object_new_string(s) : NULL;
}

static json_object *hooks_json(const struct kwd_modstat *m)
{
	json_object *a = json_object_new_array(), *o;
	size_t i;

	for (i = 0; m && i < m->nhooks; i++) {
		o = json_object_new_object();
		json_object_object_add(o, "kind", json_object_new_string(
			kw_kind_name(m->hooks[i].kind)));
		json_object_object_add(o, "where",
				       json_object_new_string(m->hooks[i].where));
		json_object_object_add(o, "handler",
				       str_or_null(m->hooks[i].handler));
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *block_json(struct kwd *d, const char *name)
{
	struct kw_block b;
	json_object *o;
	char when[KW_TIME_LEN] = "";

	if (kw_block_get(d->cfg.blocklist_dir, name, &b))
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "state", json_object_new_string(b.state));
	json_object_object_add(o, "reason", json_object_new_string(b.reason));
	if (b.since_ns)
		kw_time_format(b.since_ns, when, sizeof(when));
	json_object_object_add(o, "since", str_or_null(when));
	if (b.error[0])
		json_object_object_add(o, "error", json_object_new_string(b.error));
	return o;
}

/* The row of `modules`; full adds the forensic facts of `module show` */
static json_object *module_json(struct kwd *d, const char *name, bool full)
{
	struct kwd_modstat *m = kwd_modstat_find(d, name, true);
	json_object *o = json_object_new_object(), *block;
	char buf[256], dir[PATH_MAX];
	bool in_proc, in_sys, builtin;
	struct kw_procmod pm;
	struct stat st;

	snprintf(dir, sizeof(dir), SYS_MODULE "/%s", name);
	in_proc = !proc_module(name, &pm);
	in_sys = !stat(dir, &st);
	snprintf(dir, sizeof(dir), SYS_MODULE "/%s/refcnt", name);
	builtin = in_sys && access(dir, F_OK) && !in_proc;
	json_object_object_add(o, "name", json_object_new_string(name));
	json_object_object_add(o, "loaded", json_object_new_boolean(in_proc || (in_sys && !builtin)));
	json_object_object_add(o, "builtin", json_object_new_boolean(builtin));
	/* in one of the kernel's lists and not the other, or reported hidden */
	json_object_object_add(o, "hidden", json_object_new_boolean(
		(in_sys && !builtin && !in_proc) ||
		(m && m->kinds[KW_KIND_module_hidden])));
	json_object_object_add(o, "size", in_proc ?
			       json_object_new_uint64(pm.size) : NULL);
	json_object_object_add(o, "refcnt", in_proc ?
			       json_object_new_int64(pm.refcnt) :
			       !mod_file(name, "refcnt", buf, sizeof(buf)) ?
			       json_object_new_int64(atol(buf)) : NULL);
	json_object_object_add(o, "state", in_proc ?
			       json_object_new_string(pm.state) :
			       !mod_file(name, "initstate", buf, sizeof(buf)) ?
			       json_object_new_string(buf) : NULL);
	json_object_object_add(o, "taints",
			       !mod_file(name, "taint", buf, sizeof(buf)) ?
			       json_object_new_string(buf) :
			       str_or_null(in_proc ? pm.taints : NULL));
	if (m && !builtin && (in_proc || in_sys || m->path[0]))
		file_of(m);
	json_object_object_add(o, "sha256", str_or_null(m ? m->sha256 : NULL));
	json_object_object_add(o, "file", str_or_null(m ? m->file : NULL));
	json_object_object_add(o, "file_sha256", str_or_null(
		m && m->file_sha256[0] ? m->file_sha256 : m ? m->file_hash : NULL));
	json_object_object_add(o, "signed", m && m->sig_known ?
			       json_object_new_boolean(m->sig_ok) : NULL);
	json_object_object_add(o, "faults", json_object_new_uint64(m ? m->faults_boot : 0));
	json_object_object_add(o, "faults_total",
			       json_object_new_uint64(m ? m->faults_total : 0));
	json_object_object_add(o, "hooks", json_object_new_uint64(m ? m->nhooks : 0));
	json_object_object_add(o, "alerts", json_object_new_uint64(m ? m->alerts : 0));
	json_object_object_add(o, "verdict", str_or_null(m ? m->verdict : NULL));
	block = block_json(d, name);
	json_object_object_add(o, "blocked", block ?
		json_object_get(kw_rec_obj(block, "state")) : NULL);
	json_object_object_add(o, "load_time", str_or_null(m ? m->load_time : NULL));
	if (!full) {
		json_object_put(block);
		return o;
	}
	json_object_object_add(o, "block", block);
	json_object_object_add(o, "used_by", in_proc && pm.used_by[0] ?
			       json_object_new_string(pm.used_by) : NULL);
	snprintf(dir, sizeof(dir), SYS_MODULE "/%s/holders", name);
	json_object_object_add(o, "holders", names_json(dir));
	snprintf(dir, sizeof(dir), SYS_MODULE "/%s/sections", name);
	json_object_object_add(o, "sections", values_json(dir));
	snprintf(dir, sizeof(dir), SYS_MODULE "/%s/parameters", name);
	json_object_object_add(o, "parameters", values_json(dir));
	json_object_object_add(o, "drivers", drivers_json(name));
	json_object_object_add(o, "srcversion",
			       !mod_file(name, "srcversion", buf, sizeof(buf)) ?
			       json_object_new_string(buf) : NULL);
	json_object_object_add(o, "load_path", str_or_null(m ? m->path : NULL));
	json_object_object_add(o, "hook_list", hooks_json(m));
	return o;
}

json_object *kwd_module_facts(struct kwd *d, const char *name)
{
	return module_json(d, name, true);
}

static bool listed(char **names, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (names[i] && !strcmp(names[i], name))
			return true;
	return false;
}

/*
 * Every module that is loaded (/proc/modules or /sys/module with a
 * refcnt), blocked, or that the journal saw this boot, sorted by name.
 */
json_object *kwd_modules(struct kwd *d)
{
	json_object *a = json_object_new_array();
	char **names = calloc(MAX_MODULES_LISTED, sizeof(*names));
	char path[PATH_MAX];
	struct kw_procmods it;
	struct kw_procmod pm;
	struct kwd_modstat *all;
	struct kw_block *b = NULL;
	size_t n = 0, i, nb = 0, ns;
	char **sys;

	if (!names)
		return a;
	if (!kw_procmods_open(&it, NULL)) {
		while (n < MAX_MODULES_LISTED && kw_procmods_next(&it, &pm))
			if (!listed(names, n, pm.name))
				names[n++] = strdup(pm.name);
		kw_procmods_close(&it);
	}
	sys = list_dir(SYS_MODULE, &ns);
	for (i = 0; i < ns && n < MAX_MODULES_LISTED; i++) {
		snprintf(path, sizeof(path), SYS_MODULE "/%s/refcnt", sys[i]);
		if (!access(path, F_OK) && !listed(names, n, sys[i]))
			names[n++] = strdup(sys[i]);
	}
	free_names(sys, ns);
	kw_block_list(d->cfg.blocklist_dir, &b, &nb);
	for (i = 0; i < nb && n < MAX_MODULES_LISTED; i++)
		if (!listed(names, n, b[i].name))
			names[n++] = strdup(b[i].name);
	free(b);
	ns = kwd_modstat_all(d, &all);
	for (i = 0; i < ns && n < MAX_MODULES_LISTED; i++)
		if (all[i].loads && !listed(names, n, all[i].name))
			names[n++] = strdup(all[i].name);
	for (i = 0; i < n; i++)
		if (!names[i])
			names[i] = strdup("?");
	qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n; i++)
		json_object_array_add(a, module_json(d, names[i], false));
	free_names(names, n);
	return a;
}
