/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Boot health records and crash logs: the pure parsing half of kwardend's
 * boot health (userspace/kwardend/boot.c, docs/resilience.md).
 *
 * A boot record is one append-only text file per boot, named after the
 * boot id, in the boot directory (/var/lib/kwarden/boots). Each line is
 * "KEY VALUE...":
 *
 *   kwarden-boot 1              format version, first line
 *   start NS                    CLOCK_REALTIME when kwardend first saw it
 *   early NAME                  a module loaded before kwardend ran
 *   module NS NAME              a module_load alert, in load order
 *   healthy NS                  the boot became healthy
 *   verdict NS healthy|unhealthy    written by the NEXT boot
 *   culprit NAME                the module the crash is attributed to
 *   evidence TEXT               what says so (one line)
 *
 * A line cut short by a crash (no final newline) is ignored.
 */
#ifndef KW_BOOTLOG_H
#define KW_BOOTLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/kwarden.h>

#define KW_BOOT_ID_LEN		40	/* 36 characters of a UUID + NUL */
#define KW_BOOT_MAX_MODULES	512
#define KW_BOOT_EVIDENCE_LEN	256
#define KW_BOOT_RECORD_MAX	(256 * 1024)

enum kw_boot_verdict {
	KW_BOOT_PENDING,	/* not judged yet */
	KW_BOOT_HEALTHY,
	KW_BOOT_UNHEALTHY,
};

struct kw_boot {
	char id[KW_BOOT_ID_LEN];
	uint64_t start_ns;
	uint64_t healthy_ns;	/* 0: never became healthy */
	uint64_t verdict_ns;
	enum kw_boot_verdict verdict;
	char culprit[KW_NAME_LEN];	/* "": no module attributed */
	char evidence[KW_BOOT_EVIDENCE_LEN];
	/* modules seen loading, in order: "early" ones first */
	char (*modules)[KW_NAME_LEN];
	size_t nmodules;
	size_t nearly;		/* of those, loaded before kwardend ran */
};

/* Parses a record; -EINVAL if it is not one. kw_boot_free() after. */
int kw_boot_parse(const char *buf, size_t len, struct kw_boot *b);
void kw_boot_free(struct kw_boot *b);
/* Adds name to b->modules unless it is there already; 1 if added */
int kw_boot_add_module(struct kw_boot *b, const char *name);
/* Whether s is a boot id (a UUID, lower-case hex and dashes) */
bool kw_boot_id_ok(const char *s);

/*
 * Reads a kernel log (a pstore dmesg record) for a crash. Returns 1 when
 * it shows one (panic, oops, BUG), 0 when not. module gets the module it
 * is attributed to ("" if none), by the best evidence found:
 *   1. kwarden.ko's own line, "kwarden: panic in module NAME (...)" or
 *      "kwarden: oops in module NAME (...)";
 *   2. a kernel-mode "RIP: 0010:SYMBOL+0x../0x.. [NAME]";
 *   3. the first "SYMBOL+0x../0x.. [NAME]" frame of a call trace that
 *      is not marked unreliable ("? ").
 * evidence gets that line, trimmed to one line.
 */
int kw_crash_attribute(const char *text, size_t len,
		       char module[KW_NAME_LEN], char *evidence, size_t elen);

#endif /* KW_BOOTLOG_H */
