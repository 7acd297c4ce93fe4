// SPDX-License-Identifier: GPL-2.0
/*
 * The durable journal in a temporary directory: append and seq, recovery
 * after restart and after a torn write, rotation by size, reading back
 * with filters, and cursors that follow appends across rotations.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "harness.h"
#include "alert.h"
#include "journal.h"
#include "names.h"
#include "timefmt.h"

#define T0	1795703581000000000ULL

FIXTURE(journal) {
	char dir[64];
	char path[128];
	struct kw_journal j;
};

FIXTURE_SETUP(journal)
{
	snprintf(self->dir, sizeof(self->dir), "/tmp/kw-journal-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->path, sizeof(self->path), "%s/alerts.jsonl", self->dir);
	self->j.fd = -1;
}

FIXTURE_TEARDOWN(journal)
{
	char name[160];
	int i;

	kw_journal_close(&self->j);
	unlink(self->path);
	snprintf(name, sizeof(name), "%s%s", self->path, KW_JOURNAL_PINNED);
	unlink(name);
	for (i = 1; i < 10; i++) {
		snprintf(name, sizeof(name), "%s.%d", self->path, i);
		unlink(name);
	}
	rmdir(self->dir);
}

static json_object *make_alert(unsigned int kind, const char *module, uint64_t t)
{
	struct kw_alert a = {
		.time_ns = t, .kind = kind, .severity = kw_kind_severity(kind),
		.action = KW_ACTION_logged, .module = module,
		.source = KW_SOURCE_KMOD, .message = "test alert",
	};

	return kw_alert_json(&a);
}

static int append(struct kw_journal *j, unsigned int kind, const char *module,
		  uint64_t t)
{
	json_object *rec = make_alert(kind, module, t);
	int err = kw_journal_append(j, rec);

	json_object_put(rec);
	return err;
}

static int file_exists(const char *path, int n)
{
	char name[160];

	snprintf(name, sizeof(name), n ? "%s.%d" : "%s", path, n);
	return access(name, F_OK) == 0;
}

/* Reads every record; returns how many, checks seqs ascend by one */
static int read_all(struct __test_metadata *_metadata, const char *path,
		    unsigned int keep, uint64_t *first, uint64_t *last)
{
	struct kw_filter f;
	struct kw_cursor c;
	const char *line;
	json_object *rec;
	size_t len;
	int n = 0;

	kw_filter_init(&f);
	kw_cursor_init(&c, path, keep, 0);
	while (kw_cursor_next_match(&c, 0, &f, &rec, &line, &len) > 0) {
		uint64_t seq = kw_rec_u64(rec, "seq");

		if (n) {
			EXPECT_EQ(*last + 1, seq);
		} else {
			*first = seq;
		}
		*last = seq;
		n++;
		json_object_put(rec);
	}
	kw_cursor_close(&c);
	return n;
}

/* Records a pinned cursor gives, journal included */
static int read_pinned(const char *path)
{
	struct kw_cursor c;
	const char *line;
	size_t len;
	int n = 0;

	kw_cursor_init(&c, path, 1, 0);
	kw_cursor_pinned(&c);
	while (kw_cursor_next(&c, 0, &line, &len) > 0)
		n++;
	kw_cursor_close(&c);
	return n;
}

TEST_F(journal, append_assigns_seq)
{
	struct stat st;
	uint64_t first, last;

	ASSERT_EQ(0, kw_journal_open(&self->j, self->path, 1 << 20, 2));
	EXPECT_EQ(0U, self->j.seq);
	ASSERT_EQ(0, append(&self->j, KW_KIND_module_load, "a", T0));
	ASSERT_EQ(0, append(&self->j, KW_KIND_module_load, "b", T0));
	ASSERT_EQ(0, append(&self->j, KW_KIND_module_hidden, "c", T0));
	EXPECT_EQ(3U, self->j.seq);
	ASSERT_EQ(0, stat(self->path, &st));
	EXPECT_EQ(0600U, st.st_mode & 0777);
	EXPECT_EQ((off_t)self->j.size, st.st_size);
	EXPECT_EQ(3, read_all(_metadata, self->path, 2, &first, &last));
	EXPECT_EQ(1U, first);
	EXPECT_EQ(3U, last);
}

TEST_F(journal, reopen_recovers_seq)
{
	uint64_t first, last;

	ASSERT_EQ(0, kw_journal_open(&self->j, self->path, 1 << 20, 2));
	ASSERT_EQ(0, append(&self->j, KW_KIND_module_load, "a", T0));
	ASSERT_EQ(0, append(&self->j, KW_KIND_module_load, "a", T0));
	kw_journal_close(&self->j);
	ASSERT_EQ(0, kw_journal_open(&self->j, self->path, 1 << 20, 2));
	EXPECT_EQ(2U, self->j.seq);
	ASSERT_EQ(0, append(&self->j, KW_KIND_module_load, "a", T0));
	EXPECT_EQ(3, read_all(_metadata, self->path, 2, &first, &last));
	EXPECT_EQ(3U, last);
}

TEST_F(journal, torn_last_line)
{
	uint64_t first, last;
	int fd;

	ASSERT_EQ(0, kw_journal_open(&self->j, self->path, 1 << 20, 2));
	ASSERT_EQ(0, append(&self->j, KW_KIND_module_load, "a", T0));
	ASSERT_EQ(0, append(&self->j, KW_KIND_module_load, "a", T0));
	kw_journal_close(&self->j);
	/* a crash in the middle of the third write */
	fd = open(self->path, O_WRONLY | O_APPEND);
	ASSERT_LE(0, fd);
	ASSERT_EQ(12, write(fd, "{\"time\":\"202", 12));
	close(fd);
	ASSERT_EQ(0, kw_journal_open(&self->j, self->path, 1 << 20, 2));
	EXPECT_EQ(2U, self->j.seq);
	EXPECT_TRUE(self->j.torn);
	ASSERT_EQ(0, append(&self->j, KW_KIND_module_load, "a", T0));
	EXPECT_EQ(3, read_all(_metadata, self->path, 2, &first, &last));
	EXPECT_EQ(3U, last);
}

TEST_F(journal, rotation_by_size)
{
	uint64_t first, last;
	struct stat st;
	int i, n;

	ASSERT_EQ(0, kw_journal_open(&self->j, self->path, 1500, 2));
	for (i = 0; i < 30; i++)
		ASSERT_EQ(0, append(&self->j, KW_KIND_module_load, "m", T0));
	EXPECT_LT(0U, self->j.generation);
	EXPECT_TRUE(file_exists(self->path, 0));
	EXPECT_TRUE(file_exists(self->path, 1));
	EXPECT_TRUE(file_exists(self->path, 2));
	EXPECT_FALSE(file_exists(self->path, 3));
	ASSERT_EQ(0, stat(self->path, &st));
	EXPECT_GE(1500, st.st_size);
	n = read_all(_metadata, self->path, 2, &first, &last);
	EXPECT_EQ(30U, last);		/* the newest are all kept */
	EXPECT_EQ((uint64_t)n, last - first + 1);
	EXPECT_LT(1U, first);		/* the oldest rotated away */
	/* after a restart seq goes on, even from a fresh current file */
	kw_journal_close(&self->j);
	ASSERT_EQ(0, kw_journal_open(&self->j, self->path, 1500, 2));
	EXPECT_EQ(30U, self->j.seq);
}

/*
 * The boot's first violations, copied to path.first as they are written:
 * once rotation has taken them out of the journal files, a pinned cursor
 * gives them back first, then the journal, with no record twice.
 */
TEST_F(journal, pinned_records_outlive_rotation)
{
	struct kw_journal pin = { .fd = -1 };
	char name[160];
	struct kw_cursor c;
	const char *line;
	json_object *rec;
	uint64_t prev = 0, seq;
	size_t len;
	int i, n = 0, pinned = 0;

	snprintf(name, sizeof(name), "%s%s", self->path, KW_JOURNAL_PINNED);
	ASSERT_EQ(0, kw_journal_open(&self->j, self->path, 1500, 1));
	ASSERT_EQ(0, kw_journal_open(&pin, name, UINT64_MAX, 0));
	for (i = 0; i < 40; i++) {
		rec = make_alert(KW_KIND_tamper_attempt, "m", T0);
		ASSERT_EQ(0, kw_journal_append(&self->j, rec));
		if (i < 2)
			ASSERT_EQ(0, kw_journal_write(&pin, rec));
		json_object_put(rec);
	}
	kw_journal_close(&pin);
	EXPECT_LT(1U, self->j.generation);
	kw_cursor_init(&c, self->path, 1, self->j.generation);
	kw_cursor_pinned(&c);
	while (kw_cursor_next(&c, self->j.generation, &line, &len) > 0) {
		rec = kw_parse_line(line, len);
		seq = kw_rec_u64(rec, "seq");
		EXPECT_LT(prev, seq) TH_LOG("seq %lu after %lu", seq, prev);
		if (seq <= 2)
			pinned++;
		prev = seq;
		n++;
		json_object_put(rec);
	}
	kw_cursor_close(&c);
	EXPECT_EQ(2, pinned);
	EXPECT_EQ(40U, prev);
	EXPECT_GT(40, n);		/* the middle rotated away */
	/* without rotation, the pinned copies are not given twice */
	unlink(self->path);
	unlink(name);
	snprintf(name, sizeof(name), "%s.1", self->path);
	unlink(name);
	kw_journal_close(&self->j);
	ASSERT_EQ(0, kw_journal_open(&self->j, self->path, 1 << 20, 1));
	snprintf(name, sizeof(name), "%s%s", self->path, KW_JOURNAL_PINNED);
	ASSERT_EQ(0, kw_journal_open(&pin, name, UINT64_MAX, 0));
	for (i = 0; i < 3; i++) {
		rec = make_alert(KW_KIND_tamper_attempt, "m", T0);
		ASSERT_EQ(0, kw_journal_append(&self->j, rec));
		ASSERT_EQ(0, kw_journal_write(&pin, rec));
		json_object_put(rec);
	}
	kw_journal_close(&pin);
	EXPECT_EQ(3, read_pinned(self->path));
}

TEST_F(journal, keep_zero)
{
	uint64_t first, last;
	int i;

	ASSERT_EQ(0, kw_journal_open(&self->j, self->path, 1500, 0));
	for (i = 0; i < 10; i++)
		ASSERT_EQ(0, append(&self->j, KW_KIND_module_load, "m", T0));
	EXPECT_FALSE(file_exists(self->path, 1));
	EXPECT_LT(0, read_all(_metadata, self->path, 0, &first, &last));
	EXPECT_EQ(10U, last);
}

TEST_F(journal, oversized_record_refused)
{
	json_object *rec = make_alert(KW_KIND_module_load, "m", T0);
	char *big = malloc(KW_JOURNAL_LINE_MAX);

	ASSERT_NE(NULL, big);
	memset(big, 'x', KW_JOURNAL_LINE_MAX - 1);
	big[KW_JOURNAL_LINE_MAX - 1] = '\0';
	json_object_object_add(rec, "detail", json_object_new_string(big));
	ASSERT_EQ(0, kw_journal_open(&self->j, self->path, 1 << 20, 2));
	EXPECT_EQ(-EMSGSIZE, kw_journal_append(&self->j, rec));
	EXPECT_EQ(0U, self->j.seq);
	EXPECT_EQ(0U, self->j.size);
	json_object_put(rec);
	free(big);
}

TEST_F(journal, unwritable_directory)
{
	char path[200];

	snprintf(path, sizeof(path), "%s/missing/alerts.jsonl", self->dir);
	EXPECT_EQ(-ENOENT, kw_journal_open(&self->j, path, 1 << 20, 2));
	EXPECT_EQ(-ENOENT, append(&self->j, KW_KIND_module_load, "m", T0));
	EXPECT_EQ(0U, self->j.seq);
}

/* A symlink at the journal's name: refused, never followed, target intact */
TEST_F(journal, symlink_is_not_followed)
{
	char victim[160], buf[64] = "";
	int fd;

	snprintf(victim, sizeof(victim), "%s/victim", self->dir);
	fd = open(victim, O_WRONLY | O_CREAT | O_EXCL, 0644);
	ASSERT_LE(0, fd);
	ASSERT_EQ(7, write(fd, "intact\n", 7));
	close(fd);
	ASSERT_EQ(0, symlink(victim, self->path));
	EXPECT_EQ(-ELOOP, kw_journal_open(&self->j, self->path, 1 << 20, 2));
	EXPECT_EQ(-ELOOP, append(&self->j, KW_KIND_module_load, "m", T0));
	fd = open(victim, O_RDONLY);
	ASSERT_LE(0, fd);
	EXPECT_EQ(7, read(fd, buf, sizeof(buf) - 1));
	close(fd);
	EXPECT_STREQ("intact\n", buf);
	unlink(victim);
}

/* Nor is a FIFO written to, or waited on (reading or writing) */
TEST_F(journal, fifo_is_refused)
{
	ASSERT_EQ(0, mkfifo(self->path, 0600));
	EXPECT_EQ(-EINVAL, kw_journal_open(&self->j, self->path, 1 << 20, 2));
	EXPECT_EQ(-1, self->j.fd);
}

/* A journal found with another mode is made 0600 (through the fd) */
TEST_F(journal, mode_is_made_private)
{
	struct stat st;
	int fd = open(self->path, O_WRONLY | O_CREAT | O_EXCL, 0600);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fchmod(fd, 0644));
	close(fd);
	ASSERT_EQ(0, kw_journal_open(&self->j, self->path, 1 << 20, 2));
	ASSERT_EQ(0, stat(self->path, &st));
	EXPECT_EQ(0600U, st.st_mode & 07777);
	EXPECT_EQ(0, append(&self->j, KW_KIND_module_load, "m", T0));
}

static int count_matching(const char *path, const struct kw_filter *f)
{
	struct kw_cursor c;
	const char *line;
	json_object *rec;
	size_t len;
	int n = 0;

	kw_cursor_init(&c, path, 2, 0);
	while (kw_cursor_next_match(&c, 0, f, &rec, &line, &len) > 0) {
		n++;
		json_object_put(rec);
	}
	kw_cursor_close(&c);
	return n;
}

TEST_F(journal, filters)
{
	struct kw_filter f;

	ASSERT_EQ(0, kw_journal_open(&self->j, self->path, 1 << 20, 2));
	ASSERT_EQ(0, append(&self->j, KW_KIND_module_load, "a", T0));
	ASSERT_EQ(0, append(&self->j, KW_KIND_module_load, "b", T0 + NSEC_PER_SEC));
	ASSERT_EQ(0, append(&self->j, KW_KIND_module_hidden, "b", T0 + 2 * NSEC_PER_SEC));
	ASSERT_EQ(0, append(&self->j, KW_KIND_kernel_text_modified, NULL, T0 + 3 * NSEC_PER_SEC));
	kw_filter_init(&f);
	EXPECT_EQ(4, count_matching(self->path, &f));
	f.kind = KW_KIND_module_load;
	EXPECT_EQ(2, count_matching(self->path, &f));
	snprintf(f.module, sizeof(f.module), "b");
	EXPECT_EQ(1, count_matching(self->path, &f));
	kw_filter_init(&f);
	snprintf(f.module, sizeof(f.module), "b");
	EXPECT_EQ(2, count_matching(self->path, &f));
	kw_filter_init(&f);
	f.since_ns = T0 + NSEC_PER_SEC;		/* inclusive */
	EXPECT_EQ(3, count_matching(self->path, &f));
	f.since_ns = T0 + 3 * NSEC_PER_SEC + 1000;
	EXPECT_EQ(0, count_matching(self->path, &f));
	kw_filter_init(&f);
	f.kind = KW_KIND_kernel_text_modified;
	snprintf(f.module, sizeof(f.module), "a");	/* null never matches */
	EXPECT_EQ(0, count_matching(self->path, &f));
}

TEST_F(journal, garbage_lines_are_skipped)
{
	FILE *f;
	struct kw_filter flt;

	f = fopen(self->path, "w");
	ASSERT_NE(NULL, f);
	fputs("not json\n[1,2]\n{\"kind\":\n\n", f);
	fclose(f);
	ASSERT_EQ(0, kw_journal_open(&self->j, self->path, 1 << 20, 2));
	EXPECT_EQ(0U, self->j.seq);
	ASSERT_EQ(0, append(&self->j, KW_KIND_module_load, "a", T0));
	kw_filter_init(&flt);
	EXPECT_EQ(1, count_matching(self->path, &flt));
}

TEST_F(journal, cursor_follows_appends)
{
	struct kw_cursor c;
	const char *line;
	size_t len;
	int fd;

	kw_cursor_init(&c, self->path, 2, 0);
	EXPECT_EQ(0, kw_cursor_next(&c, 0, &line, &len));	/* no file yet */
	ASSERT_EQ(0, kw_journal_open(&self->j, self->path, 1 << 20, 2));
	EXPECT_EQ(0, kw_cursor_next(&c, 0, &line, &len));
	ASSERT_EQ(0, append(&self->j, KW_KIND_module_load, "a", T0));
	EXPECT_EQ(1, kw_cursor_next(&c, 0, &line, &len));
	EXPECT_EQ('{', line[0]);
	EXPECT_EQ('}', line[len - 1]);
	EXPECT_EQ(0, kw_cursor_next(&c, 0, &line, &len));
	/* a line being written is not returned until it is complete */
	fd = open(self->path, O_WRONLY | O_APPEND);
	ASSERT_LE(0, fd);
	ASSERT_EQ(4, write(fd, "{\"a\"", 4));
	EXPECT_EQ(0, kw_cursor_next(&c, 0, &line, &len));
	ASSERT_EQ(4, write(fd, ":1}\n", 4));
	close(fd);
	ASSERT_EQ(1, kw_cursor_next(&c, 0, &line, &len));
	EXPECT_EQ(7U, len);
	EXPECT_EQ(0, strncmp(line, "{\"a\":1}", 7));
	kw_cursor_close(&c);
}

/* A reader in the middle of the journal while the writer rotates */
static void rotate_under_reader(struct __test_metadata *_metadata,
				struct kw_journal *j, const char *path,
				int total, int read_first, unsigned int keep,
				uint64_t rotations)
{
	struct kw_filter f;
	struct kw_cursor c;
	const char *line;
	json_object *rec;
	uint64_t expect = 1;
	size_t len;
	int i;

	kw_filter_init(&f);
	ASSERT_EQ(0, kw_journal_open(j, path, 2000, keep));
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, append(j, KW_KIND_module_load, "m", T0));
	kw_cursor_init(&c, path, keep, j->generation);
	for (i = 0; i < read_first; i++) {
		ASSERT_EQ(1, kw_cursor_next_match(&c, j->generation, &f, &rec,
						  &line, &len));
		EXPECT_EQ(expect++, kw_rec_u64(rec, "seq"));
		json_object_put(rec);
	}
	for (i = 3; i < total; i++)
		ASSERT_EQ(0, append(j, KW_KIND_module_load, "m", T0));
	EXPECT_LE(rotations, j->generation);
	while (kw_cursor_next_match(&c, j->generation, &f, &rec, &line,
				    &len) > 0) {
		EXPECT_EQ(expect++, kw_rec_u64(rec, "seq"));
		json_object_put(rec);
	}
	EXPECT_EQ((uint64_t)total + 1, expect);
	kw_cursor_close(&c);
}

TEST_F(journal, cursor_survives_one_rotation)
{
	rotate_under_reader(_metadata, &self->j, self->path, 8, 2, 2, 1);
}

TEST_F(journal, cursor_survives_several_rotations)
{
	/* ~330-byte records, 2000-byte files: 2 rotations, all kept */
	rotate_under_reader(_metadata, &self->j, self->path, 16, 1, 5, 2);
}

TEST_HARNESS_MAIN
