// SPDX-License-Identifier: GPL-2.0
/*
 * kwardend's metrics, in node_exporter's textfile format
 *
 * Every KWD_METRICS_PERIOD seconds kwardend asks kwarden.ko for its
 * status and writes metrics_file (point node_exporter's
 * --collector.textfile.directory at its directory): alerts by kind,
 * events lost on each channel, scans and their duration, module loads
 * and denials, faults by module, and the state of each part. The file is
 * replaced atomically (kw_write_atomic: a new temporary file, fsync,
 * rename), so a scrape never sees half of it, with mode 0644 for
 * node_exporter's user.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include "fileio.h"
#include "kwd.h"
#include "bpf.h"
#include "flood.h"
#include "genl.h"
#include "guard.h"
#include "log.h"
#include "metrics.h"
#include "modstats.h"
#include "names.h"

#define KWD_METRICS_PERIOD	10	/* seconds */

static unsigned int ticks;
static bool asked;

static uint64_t u64_of(json_object *o, const char *key)
{
	json_object *v;

	return o && json_object_object_get_ex(o, key, &v) ?
	       (uint64_t)json_object_get_int64(v) : 0;
}

static void help(FILE *f, const char *name, const char *type,
		 const char *text)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, text, name, type);
}

static void put_alerts(FILE *f, struct kwd *d)
{
	unsigned int k;

	help(f, "kwarden_alerts_total", "counter",
	     "Alerts raised by this kwardend, by kind.");
	for (k = 0; k < KW_KIND_MAX; k++)
		fprintf(f, "kwarden_alerts_total{kind=\"%s\"} %llu\n",
			kw_kind_name(k),
			(unsigned long long)d->kind_alerts[k]);
	help(f, "kwarden_alerts_repeats_held_total", "counter",
	     "Repeats of one attempt counted in one journal record, not one each.");
	fprintf(f, "kwarden_alerts_repeats_held_total %llu\n",
		(unsigned long long)kwd_flood_held(d));
}

static void put_lost(FILE *f, json_object *bpf, json_object *kmod)
{
	help(f, "kwarden_events_lost_total", "counter",
	     "Events that never reached the journal, by channel.");
	fprintf(f, "kwarden_events_lost_total{channel=\"bpf_ringbuf\"} %llu\n",
		(unsigned long long)u64_of(bpf, "drops"));
	fprintf(f, "kwarden_events_lost_total{channel=\"kmod_backlog\"} %llu\n",
		(unsigned long long)u64_of(kmod, "drops"));
}

static void put_kmod(FILE *f, json_object *kmod)
{
	const char *state = kw_rec_str(kmod, "state");

	help(f, "kwarden_kmod_up", "gauge",
	     "1 if kwarden.ko answered, with its state as a label.");
	fprintf(f, "kwarden_kmod_up{state=\"%s\"} %d\n",
		kmod && state ? state : "absent", kmod ? 1 : 0);
	if (!kmod)
		return;
	help(f, "kwarden_scans_total", "counter",
	     "Full verification passes of kwarden.ko.");
	fprintf(f, "kwarden_scans_total %llu\n",
		(unsigned long long)u64_of(kmod, "scans"));
	help(f, "kwarden_scan_seconds_total", "counter",
	     "Time spent in verification passes.");
	fprintf(f, "kwarden_scan_seconds_total %.6f\n",
		u64_of(kmod, "scan_ns_total") / 1e9);
	help(f, "kwarden_last_scan_seconds", "gauge",
	     "Duration of the last verification pass.");
	fprintf(f, "kwarden_last_scan_seconds %.6f\n",
		u64_of(kmod, "last_scan_ns") / 1e9);
	help(f, "kwarden_violations_total", "counter",
	     "Unexplained changes kwarden.ko found.");
	fprintf(f, "kwarden_violations_total %llu\n",
		(unsigned long long)u64_of(kmod, "violations"));
	help(f, "kwarden_module_loads_total", "counter",
	     "Module loads decided by kwarden.ko's gate, by verdict.");
	fprintf(f, "kwarden_module_loads_total{verdict=\"any\"} %llu\n",
		(unsigned long long)u64_of(kmod, "module_loads"));
	fprintf(f, "kwarden_module_loads_total{verdict=\"denied\"} %llu\n",
		(unsigned long long)u64_of(kmod, "module_loads_denied"));
	fprintf(f, "kwarden_module_loads_total{verdict=\"would_deny\"} %llu\n",
		(unsigned long long)u64_of(kmod, "module_loads_would_deny"));
}

static void put_faults(FILE *f, struct kwd *d)
{
	struct kwd_modstat *all;
	size_t i, n = kwd_modstat_all(d, &all);

	help(f, "kwarden_module_faults_total", "counter",
	     "WARN, BUG and oops attributed to each module.");
	for (i = 0; i < n; i++)
		if (all[i].faults_total)
			fprintf(f, "kwarden_module_faults_total{module=\"%s\"} %llu\n",
				all[i].name,
				(unsigned long long)all[i].faults_total);
}

static void put_parts(FILE *f, struct kwd *d, json_object *bpf,
		      json_object *guard)
{
	json_object *v;
	bool enforcing = guard &&
		json_object_object_get_ex(guard, "enforcing", &v) &&
		json_object_get_boolean(v);

	help(f, "kwarden_bpf_programs_attached", "gauge",
	     "kwarden's BPF programs attached now.");
	fprintf(f, "kwarden_bpf_programs_attached %llu\n",
		(unsigned long long)u64_of(bpf, "attached"));
	help(f, "kwarden_guard_enforcing", "gauge",
	     "1 if the self-protection guard denies (locked, not safe mode).");
	fprintf(f, "kwarden_guard_enforcing %d\n", enforcing);
	help(f, "kwarden_journal_errors_total", "counter",
	     "Journal writes that failed.");
	fprintf(f, "kwarden_journal_errors_total %llu\n",
		(unsigned long long)d->journal_errors);
}

/*
 * Rendered in memory, then written by kw_write_atomic(): a temporary file
 * of a random name created with O_EXCL (a symlink or a hard link planted
 * in a shared textfile directory is never opened, nor its target
 * truncated), mode set with fchmod on that fd, fsync, rename.
 */
static int write_all(struct kwd *d, json_object *kmod)
{
	json_object *bpf = kwd_bpf_status(d), *guard = kwd_guard_status(d);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int err = 0;

	if (!f) {
		err = -errno;
		goto out;
	}
	put_alerts(f, d);
	put_lost(f, bpf, kmod);
	put_kmod(f, kmod);
	put_faults(f, d);
	put_parts(f, d, bpf, guard);
	if (fclose(f))
		err = -ENOMEM;
	/* node_exporter reads it; our umask is 077 */
	if (!err)
		err = kw_write_atomic(d->cfg.metrics_file, buf, len, 0644);
	free(buf);
out:
	json_object_put(bpf);
	json_object_put(guard);
	return err;
}

static void on_status(struct kwd *d, void *ctx, json_object *st,
		      const char *error)
{
	static int last_err;
	int err;

	asked = false;
	err = write_all(d, error ? NULL : st);
	if (err && err != last_err)
		kwd_log(LOG_ERR, "metrics: cannot write %s: %s",
			d->cfg.metrics_file, strerror(-err));
	last_err = err;
}

/* From the one-second tick */
void kwd_metrics_tick(struct kwd *d)
{
	if (!d->cfg.metrics_file[0] || asked ||
	    ticks++ % KWD_METRICS_PERIOD)
		return;
	if (kwd_genl_present(d)) {
		asked = !kwd_genl_request(d, KWARDEN_CMD_STATUS, on_status,
					  &ticks);
		if (asked)
			return;
	}
	on_status(d, NULL, NULL, "absent");
}

/* kwardend stops: the reply will not come */
void kwd_metrics_stop(struct kwd *d)
{
	if (asked)
		kwd_genl_cancel(d, &ticks);
	asked = false;
}
