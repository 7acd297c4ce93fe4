// SPDX-License-Identifier: GPL-2.0
/*
 * kwardend's metrics file, inside a test VM: node_exporter's textfile
 * format (every sample line "name{labels} value", each name with HELP
 * and TYPE), readable by node_exporter's user, and live: a module load
 * shows in kwarden_alerts_total{kind="module_load"} at the next refresh.
 */
#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "unit/harness.h"
#include "kw_vmtest.h"

#define PROM		"/var/lib/kwarden/kwarden.prom"
#define DUMMY_KO	"/opt/kwarden/selftests/modules/kw_dummy.ko"
#define REFRESH_S	30	/* written every 10 s; TCG is slow */

/* The value of the sample line starting with @sample, or -1 */
static double sample(const char *sample)
{
	char line[512];
	double v = -1;
	FILE *f = fopen(PROM, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, sample, strlen(sample)) &&
		    line[strlen(sample)] == ' ')
			v = strtod(line + strlen(sample) + 1, NULL);
	fclose(f);
	return v;
}

static int wait_file(void)
{
	int i;

	for (i = 0; i < REFRESH_S * 10; i++) {
		if (!access(PROM, R_OK))
			return 0;
		usleep(100 * 1000);
	}
	return -1;
}

FIXTURE(metrics) {
};

FIXTURE_SETUP(metrics)
{
	if (system("kwardenctl status >/dev/null 2>&1"))
		SKIP(return, "kwardend is not running");
	ASSERT_EQ(0, wait_file()) TH_LOG(PROM " did not appear");
}

FIXTURE_TEARDOWN(metrics)
{
}

TEST_F(metrics, textfile_format)
{
	regex_t re;
	char line[512];
	struct stat st;
	int samples = 0, bad = 0;
	FILE *f;

	ASSERT_EQ(0, stat(PROM, &st));
	EXPECT_EQ(0644U, st.st_mode & 0777);
	ASSERT_EQ(0, regcomp(&re,
		"^(# (HELP|TYPE) [a-z_]+ .+|[a-z_]+(\\{[a-z_]+=\"[A-Za-z0-9_.-]*\"\\})? -?[0-9.e+-]+)$",
		REG_EXTENDED | REG_NOSUB));
	f = fopen(PROM, "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (regexec(&re, line, 0, NULL, 0)) {
			TH_LOG("bad line: %s", line);
			bad++;
		} else if (line[0] != '#') {
			samples++;
		}
	}
	fclose(f);
	regfree(&re);
	EXPECT_EQ(0, bad);
	EXPECT_LT(30, samples);
	EXPECT_LT(0, sample("kwarden_scans_total"));
	EXPECT_EQ(1, sample("kwarden_kmod_up{state=\"active\"}"));
	EXPECT_LE(0, sample("kwarden_events_lost_total{channel=\"bpf_ringbuf\"}"));
	EXPECT_EQ(1, sample("kwarden_guard_enforcing"));
}

TEST_F_TIMEOUT(metrics, module_load_counted, 120)
{
	const char *key = "kwarden_alerts_total{kind=\"module_load\"}";
	double before = sample(key), now = before;
	int i;

	if (access(DUMMY_KO, R_OK))
		SKIP(return, DUMMY_KO " is not staged");
	ASSERT_LE(0, before);
	kw_unload("kw_dummy");
	ASSERT_EQ(0, kw_finit(DUMMY_KO, ""));
	kw_unload("kw_dummy");
	for (i = 0; i < REFRESH_S * 10 && now <= before; i++) {
		usleep(100 * 1000);
		now = sample(key);
	}
	TH_LOG("%s: %.0f, then %.0f", key, before, now);
	EXPECT_LT(before, now);
}

TEST_HARNESS_MAIN
