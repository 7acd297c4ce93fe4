// SPDX-License-Identifier: GPL-2.0
/*
 * Human-readable output of kwardenctl: a status summary and an alert table.
 * Every string printed comes from kwardend and is printed one line each.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "alert.h"
#include "kwardenctl.h"

#define WHERE_WIDTH	32

static const char *str(json_object *o, const char *key, const char *dflt)
{
	const char *s = kw_rec_str(o, key);

	return s ? s : dflt;
}

static uint64_t num(json_object *o, const char *key)
{
	json_object *v = kw_rec_obj(o, key);

	return v ? json_object_get_uint64(v) : 0;
}

void show_clean(const char *s, int width)
{
	char buf[1024];

	snprintf(buf, sizeof(buf), "%s", s ? s : "-");
	kw_one_line(buf);
	if (width > 0 && (int)strlen(buf) > width)
		memcpy(buf + width - 3, "...", 4);
	printf("%-*s", width, buf);
}

static void duration(uint64_t s, char *buf, size_t len)
{
	if (s >= 86400)
		snprintf(buf, len, "%" PRIu64 "d %" PRIu64 "h", s / 86400,
			 s % 86400 / 3600);
	else if (s >= 3600)
		snprintf(buf, len, "%" PRIu64 "h %" PRIu64 "min", s / 3600,
			 s % 3600 / 60);
	else
		snprintf(buf, len, "%" PRIu64 "min %" PRIu64 "s", s / 60,
			 s % 60);
}

static void show_daemon(json_object *dm)
{
	json_object *j = kw_rec_obj(dm, "journal");
	char up[32];

	duration(num(dm, "uptime_s"), up, sizeof(up));
	printf("kwardend %s: running, mode %s\n", str(dm, "version", "?"),
	       str(dm, "mode", "?"));
	printf("        pid: %" PRIu64 ", up %s (since %s)\n", num(dm, "pid"),
	       up, str(dm, "started", "?"));
	printf("     alerts: %" PRIu64 " raised by this run\n",
	       num(dm, "alerts"));
	printf("    journal: %s (seq %" PRIu64 ", %" PRIu64 " bytes, %" PRIu64
	       " write errors)%s\n", str(j, "path", "?"), num(j, "seq"),
	       num(j, "bytes"), num(j, "errors"),
	       json_object_get_boolean(kw_rec_obj(j, "ok")) ? "" : " NOT WRITABLE");
	printf("             %" PRIu64 " repeated attempts counted, not written; %"
	       PRIu64 " first violations of this boot kept\n",
	       num(j, "repeats_held"), num(j, "first_violations_kept"));
}

static void show_kmod(json_object *km)
{
	json_object *link = kw_rec_obj(km, "link");

	if (!json_object_get_boolean(kw_rec_obj(km, "present"))) {
		printf(" kwarden.ko: not loaded (no kernel integrity checks)\n");
		return;
	}
	if (kw_rec_obj(km, "error")) {
		printf(" kwarden.ko: loaded, status unavailable: %s\n",
		       str(km, "error", "?"));
		return;
	}
	printf(" kwarden.ko: %s, %" PRIu64 " regions, %" PRIu64 " pages, %"
	       PRIu64 " scans (every %" PRIu64 " ms)\n", str(km, "state", "?"),
	       num(km, "regions"), num(km, "pages"), num(km, "scans"),
	       num(km, "interval_ms"));
	printf("             %" PRIu64 " violations, %" PRIu64 " alerts, %"
	       PRIu64 " dropped, %" PRIu64 " pokes (%" PRIu64 " explained)\n",
	       num(km, "violations"), num(km, "alerts"), num(km, "drops"),
	       num(km, "pokes"), num(km, "explained"));
	if (link)
		printf("             link: kseq %" PRIu64 ", %" PRIu64
		       " bad messages, %" PRIu64 " forged (dropped)\n",
		       num(link, "kseq"), num(link, "bad_messages"),
		       num(link, "forged"));
}

/* "no hook bpf_prog_load (DEGRADED): BPF programs calling ..." */
static void show_missing_hooks(json_object *missing)
{
	size_t i, n = missing ? json_object_array_length(missing) : 0;
	json_object *m;

	for (i = 0; i < n; i++) {
		m = json_object_array_get_idx(missing, i);
		printf("             no hook %s on this kernel%s: %s\n",
		       str(m, "hook", "?"),
		       json_object_get_boolean(kw_rec_obj(m, "lost")) ?
		       " (DEGRADED)" : "", str(m, "effect", "?"));
	}
}

static void show_bpf(json_object *b)
{
	json_object *progs = kw_rec_obj(b, "programs");

	if (!json_object_get_boolean(kw_rec_obj(b, "loaded"))) {
		printf("        BPF: not loaded (no module-load attribution)\n");
		return;
	}
	printf("        BPF: %" PRIu64 "/%zu programs attached, %s\n",
	       num(b, "attached"),
	       progs ? json_object_array_length(progs) : (size_t)0,
	       json_object_get_boolean(kw_rec_obj(b, "pinned")) ?
	       "pinned (outlive kwardend)" : "NOT pinned");
	printf("             ring buffer %" PRIu64 " KiB: %" PRIu64
	       " events, %" PRIu64 " dropped\n",
	       num(b, "ringbuf_bytes") / 1024, num(b, "events"),
	       num(b, "drops"));
	show_missing_hooks(kw_rec_obj(b, "missing_hooks"));
}

static bool flag(json_object *o, const char *key)
{
	return json_object_get_boolean(kw_rec_obj(o, key));
}

static void show_guard(json_object *g)
{
	if (!g)
		return;
	if (!flag(g, "loaded")) {
		printf("      guard: NOT LOADED (no self-protection)\n");
		return;
	}
	if (strcmp(str(g, "bpf_lsm", "?"), "active")) {
		printf("      guard: NOT ENFORCING: the BPF LSM is %s (active LSMs: %s)\n",
		       str(g, "bpf_lsm", "?"), str(g, "lsm", "?"));
		return;
	}
	if (!strcmp(str(g, "mode", ""), "observe")) {
		printf("      guard: OBSERVING ONLY (safe mode): tampering is reported, not denied\n");
		return;
	}
	if (flag(g, "locked"))
		printf("      guard: %s, locked, protecting pid %" PRIu64 ", %"
		       PRIu64 " inodes, %" PRIu64 " mounts, %" PRIu64
		       " BPF objects\n",
		       flag(g, "enforcing") ? "enforcing" : "NOT ENFORCING",
		       num(g, "protected_pid"), num(g, "inodes"),
		       num(g, "mounts"), num(g, "bpf_objects"));
	else
		printf("      guard: UNLOCKED until %s (%" PRIu64
		       " s left): nothing is protected\n",
		       str(g, "unlocked_until", "?"),
		       num(g, "unlock_remaining_s"));
	if (!flag(g, "key_ok"))
		printf("             unlock key: %s\n",
		       str(g, "key_error", "unusable"));
}

/* "       boot: healthy; previous boot unhealthy, crashed in kw_panic" */
static void show_boot(json_object *b)
{
	json_object *prev = kw_rec_obj(b, "previous");

	if (!b)
		return;
	if (!flag(b, "recorded")) {
		printf("       boot: NOT RECORDED (no boot health, no crash-loop quarantine)\n");
		return;
	}
	printf("       boot: %s", flag(b, "healthy") ? "healthy" :
	       "not healthy yet");
	if (!flag(b, "healthy"))
		printf(" (after %" PRIu64 " s)", num(b, "healthy_after_s"));
	if (prev) {
		printf("; previous boot %s", str(prev, "verdict", "?"));
		if (kw_rec_str(prev, "culprit"))
			printf(", crashed in %s", str(prev, "culprit", "?"));
	}
	if (num(b, "quarantined_at_start"))
		printf("; %" PRIu64 " module(s) quarantined at start",
		       num(b, "quarantined_at_start"));
	printf("\n");
}

void show_status(json_object *st)
{
	show_daemon(kw_rec_obj(st, "daemon"));
	show_kmod(kw_rec_obj(st, "kmod"));
	show_bpf(kw_rec_obj(st, "bpf"));
	show_guard(kw_rec_obj(st, "guard"));
	show_boot(kw_rec_obj(st, "boot"));
}

void show_guard_change(bool unlock, json_object *g)
{
	if (!flag(g, "loaded")) {
		printf("self-protection is not active: nothing to %s\n",
		       unlock ? "unlock" : "lock");
		return;
	}
	if (flag(g, "locked"))
		printf("kwarden is locked: self-protection is on\n");
	else
		printf("kwarden is unlocked until %s (%" PRIu64
		       " s): kwardend may be stopped and kwarden.ko unloaded\n",
		       str(g, "unlocked_until", "?"),
		       num(g, "unlock_remaining_s"));
}

void show_scan(json_object *scan)
{
	printf("scan done: %" PRIu64 " scans, %" PRIu64 " violations, %" PRIu64
	       " alerts (new alerts appear in `kwardenctl alerts`)\n",
	       num(scan, "scans"), num(scan, "violations"),
	       num(scan, "alerts"));
}

void show_alert_header(void)
{
	printf("%-20s %-8s %-24s %-16s %-*s %s\n", "TIME (UTC)", "SEVERITY",
	       "KIND", "MODULE", WHERE_WIDTH, "WHERE", "MESSAGE");
}

/* detail.where for memory alerts, detail.path for module loads */
static const char *where_of(json_object *rec)
{
	json_object *detail = kw_rec_obj(rec, "detail");

	return kw_rec_str(detail, "where") ?: kw_rec_str(detail, "path");
}

void show_alert(json_object *rec)
{
	char when[24];

	/* "2026-11-26T14:33:01.123456Z" -> "2026-11-26 14:33:01" */
	snprintf(when, sizeof(when), "%s", str(rec, "time", "?"));
	if (strlen(when) >= 19) {
		when[10] = ' ';
		when[19] = '\0';
	}
	show_clean(when, 20);
	putchar(' ');
	show_clean(str(rec, "severity", "?"), 8);
	putchar(' ');
	show_clean(str(rec, "kind", "?"), 24);
	putchar(' ');
	show_clean(kw_rec_str(rec, "module"), 16);
	putchar(' ');
	show_clean(where_of(rec), WHERE_WIDTH);
	putchar(' ');
	show_clean(str(rec, "message", ""), 0);
	putchar('\n');
}
