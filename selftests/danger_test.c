// SPDX-License-Identifier: GPL-2.0
/*
 * Dangerous interfaces, inside a test VM (bpf/danger.bpf.c): in audit mode
 * (the default) opening /dev/mem for write, /proc/kcore, kexec_load,
 * kexec_file_load, loading a BPF program that calls bpf_probe_write_user,
 * a perf kprobe and an fentry program on kwarden.ko's code all work and
 * are each reported once; in enforce mode (kwarden.conf
 * dangerous_interfaces = enforce, kwardend restarted) each of them, and a
 * kprobe_multi link on kwarden.ko, is denied with EPERM and reported; the
 * harmless neighbours (/dev/mem read-only, a plain BPF program, a kprobe
 * on core code) still work and are not reported. Nothing here writes to
 * /dev/mem: it is opened and closed; kexec_load gets no segments (that
 * only unloads a kexec image, of which there is none).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <sys/syscall.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include "unit/harness.h"
#include "kw_vmtest.h"

#define CONF		"/etc/kwarden/kwarden.conf"
#define KPROBE_TYPE	"/sys/bus/event_source/devices/kprobe/type"
#define KW_FUNC		"kw_scan_now"	/* a function of kwarden.ko */
#define CORE_FUNC	"do_sys_openat2"
#define FUNC_probe_write_user	36

static int run(const char *cmd)
{
	int st = system(cmd);

	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The one dangerous_interface with this what after seq, or NULL */
static json_object *one(struct __test_metadata *_metadata, uint64_t after,
			const char *what, int *count)
{
	json_object *rec;
	const char *w;

	rec = kw_wait_alerts("--kind dangerous_interface", after, 1, count);
	if (!rec)
		return NULL;
	w = kw_rec_str(kw_get(rec, "detail"), "what");
	EXPECT_STREQ(what, w ?: "");
	return rec;
}

static const char *dstr(json_object *rec, const char *key)
{
	return kw_rec_str(kw_get(rec, "detail"), key) ?: "";
}

/* The mode of dangerous_interfaces, applied the admin's way */
static int set_mode(const char *mode)
{
	FILE *f;

	if (kw_stop_kwardend())
		return -1;
	f = fopen(CONF, "w");
	if (!f)
		return -1;
	fprintf(f, "# written by danger_test\ndangerous_interfaces = %s\n",
		mode);
	if (fclose(f))
		return -1;
	return kw_start_kwardend();
}

static int load_prog(int type, const struct bpf_insn *insns, int n)
{
	char log[4096] = "";
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = type;
	attr.insns = (uintptr_t)insns;
	attr.insn_cnt = n;
	attr.license = (uintptr_t)"GPL";
	attr.log_buf = (uintptr_t)log;
	attr.log_size = sizeof(log);
	attr.log_level = 1;
	snprintf(attr.prog_name, sizeof(attr.prog_name), "kw_danger_t");
	fd = syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	if (fd < 0 && errno != EPERM)
		fprintf(stderr, "# verifier: %s\n", log);
	return fd;
}

#define INSN(c, d, s, o, i) \
	((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), \
			    .off = (o), .imm = (i) })

/* bpf_probe_write_user(NULL, stack, 8): never run, only loaded */
static int load_write_user(void)
{
	const struct bpf_insn insns[] = {
		INSN(BPF_ST | BPF_MEM | BPF_DW, 10, 0, -8, 0),
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, 1, 0, 0, 0),
		INSN(BPF_ALU64 | BPF_MOV | BPF_X, 2, 10, 0, 0),
		INSN(BPF_ALU64 | BPF_ADD | BPF_K, 2, 0, 0, -8),
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, 3, 0, 0, 8),
		INSN(BPF_JMP | BPF_CALL, 0, 0, 0, FUNC_probe_write_user),
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0),
		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};

	return load_prog(BPF_PROG_TYPE_KPROBE, insns, 8);
}

static int load_plain(void)
{
	const struct bpf_insn insns[] = {
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0),
		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};

	return load_prog(BPF_PROG_TYPE_SOCKET_FILTER, insns, 2);
}

/* The fd of kwarden.ko's BTF object, or -1 */
static int kwarden_btf_fd(void)
{
	struct bpf_btf_info info;
	__u32 id = 0, len;
	char name[64];
	int fd;

	while (!bpf_btf_get_next_id(id, &id)) {
		fd = bpf_btf_get_fd_by_id(id);
		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		info.name = (uintptr_t)name;
		info.name_len = sizeof(name);
		len = sizeof(info);
		if (!bpf_obj_get_info_by_fd(fd, &info, &len) &&
		    !strcmp(name, "kwarden"))
			return fd;
		close(fd);
	}
	return -1;
}

/* An fentry program on KW_FUNC, by kwarden.ko's BTF: only loaded */
static int load_fentry(void)
{
	const struct bpf_insn insns[] = {
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0),
		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};
	struct btf *vmlinux = btf__load_vmlinux_btf(), *mod = NULL;
	int btf_fd = kwarden_btf_fd(), id = -1, fd = -3, err = 0;
	union bpf_attr attr;

	if (vmlinux)
		mod = btf__load_module_btf("kwarden", vmlinux);
	if (mod)
		id = btf__find_by_name_kind(mod, KW_FUNC, BTF_KIND_FUNC);
	if (btf_fd >= 0 && id > 0) {
		memset(&attr, 0, sizeof(attr));
		attr.prog_type = BPF_PROG_TYPE_TRACING;
		attr.expected_attach_type = BPF_TRACE_FENTRY;
		attr.insns = (uintptr_t)insns;
		attr.insn_cnt = 2;
		attr.license = (uintptr_t)"GPL";
		attr.attach_btf_id = id;
		attr.attach_btf_obj_fd = btf_fd;
		snprintf(attr.prog_name, sizeof(attr.prog_name), "kw_fentry_t");
		fd = syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
		err = errno;
	}
	btf__free(mod);
	btf__free(vmlinux);
	if (btf_fd >= 0)
		close(btf_fd);
	errno = err;
	return fd;
}

/* A kprobe_multi link naming KW_FUNC: its program loads, the link not */
static int kprobe_multi(int *prog)
{
	const struct bpf_insn insns[] = {
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0),
		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};
	static const char * const syms[] = { KW_FUNC };
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_KPROBE;
	attr.expected_attach_type = BPF_TRACE_KPROBE_MULTI;
	attr.insns = (uintptr_t)insns;
	attr.insn_cnt = 2;
	attr.license = (uintptr_t)"GPL";
	*prog = syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	if (*prog < 0)
		return -3;
	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = *prog;
	attr.link_create.attach_type = BPF_TRACE_KPROBE_MULTI;
	attr.link_create.kprobe_multi.syms = (uintptr_t)syms;
	attr.link_create.kprobe_multi.cnt = 1;
	return syscall(SYS_bpf, BPF_LINK_CREATE, &attr, sizeof(attr));
}

/* perf_event_open of a kprobe on func, as libbpf makes one */
static int perf_kprobe(const char *func)
{
	struct perf_event_attr attr;
	char buf[16] = "";
	FILE *f = fopen(KPROBE_TYPE, "r");

	if (!f)
		return -2;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = atoi(buf);
	attr.config1 = (uintptr_t)func;	/* kprobe_func */
	return syscall(SYS_perf_event_open, &attr, -1, 0, -1,
		       PERF_FLAG_FD_CLOEXEC);
}

static long kexec_file(void)
{
	int fd = open("/opt/kwarden/kwarden.ko", O_RDONLY | O_CLOEXEC);
	long ret;

	if (fd < 0)
		return -2;
	ret = syscall(SYS_kexec_file_load, fd, -1, 1, "", 0x4 /* NO_INITRAMFS */);
	close(fd);
	return ret;
}

FIXTURE(danger) {
	uint64_t seq0;
	bool enforce;
};

FIXTURE_SETUP(danger)
{
	if (system("kwardenctl status >/dev/null 2>&1"))
		SKIP(return, "kwardend is not running");
	if (run("kwardenctl --json status | grep -q '\"dangerous_interfaces\"'"))
		SKIP(return, "kwardend does not load bpf/danger.bpf.c");
	self->seq0 = kw_journal_seq();
	self->enforce = false;
}

FIXTURE_TEARDOWN(danger)
{
	if (self->enforce)
		EXPECT_EQ(0, set_mode("audit"));
}

/* One attempt: its result, its single alert and the alert's action */
#define ATTEMPT(ok, what, action)					\
	do {								\
		json_object *_r;					\
		int _n;							\
		uint64_t _s = kw_journal_seq();				\
									\
		ok;							\
		_r = one(_metadata, _s, what, &_n);			\
		ASSERT_NE(NULL, _r);					\
		EXPECT_EQ(1, _n);					\
		EXPECT_STREQ(action, kw_rec_str(_r, "action"));		\
		EXPECT_STREQ("bpf", kw_rec_str(_r, "source"));		\
		EXPECT_EQ(0, json_object_get_int(kw_get(kw_get(_r, "detail"), "uid"))); \
		TH_LOG("%s", kw_rec_str(_r, "message"));		\
		last = _r;						\
	} while (0)

TEST_F_TIMEOUT(danger, audit_reports_and_allows, 240)
{
	json_object *last = NULL;
	int fd, n;

	ATTEMPT(fd = open("/dev/mem", O_RDWR | O_CLOEXEC); ASSERT_LE(0, fd);
		close(fd), "mem_write", "logged");
	EXPECT_STREQ("/dev/mem", dstr(last, "target"));
	EXPECT_STREQ("mem", dstr(last, "device"));
	json_object_put(last);

	ATTEMPT(fd = open("/proc/kcore", O_RDONLY | O_CLOEXEC); ASSERT_LE(0, fd);
		close(fd), "kcore_open", "logged");
	EXPECT_STREQ("/proc/kcore", dstr(last, "target"));
	json_object_put(last);

	ATTEMPT(EXPECT_EQ(0, syscall(SYS_kexec_load, 0, 0, NULL, 0)),
		"kexec_load", "logged");
	json_object_put(last);

	ATTEMPT(EXPECT_NE(EPERM, kexec_file() ? errno : 0),
		"kexec_file_load", "logged");
	EXPECT_STREQ("/opt/kwarden/kwarden.ko", dstr(last, "target"));
	json_object_put(last);

	ATTEMPT(fd = load_write_user(); ASSERT_LE(0, fd); close(fd),
		"bpf_write_user", "logged");
	EXPECT_STREQ("kw_danger_t", dstr(last, "target"));
	EXPECT_EQ(5, json_object_get_int(kw_get(kw_get(last, "detail"), "insn")));
	json_object_put(last);

	ATTEMPT(fd = perf_kprobe(KW_FUNC); ASSERT_LE(0, fd); close(fd),
		"probe_kwarden", "logged");
	EXPECT_STREQ(KW_FUNC, dstr(last, "target"));
	EXPECT_STREQ("perf_kprobe", dstr(last, "how"));
	EXPECT_STREQ("kwarden", kw_rec_str(last, "module"));
	json_object_put(last);

	ATTEMPT(fd = load_fentry(); ASSERT_LE(0, fd); close(fd),
		"probe_kwarden", "logged");
	EXPECT_STREQ("kw_fentry_t", dstr(last, "target"));
	EXPECT_STREQ("tracing_program", dstr(last, "how"));
	json_object_put(last);

	/* nothing more than these seven */
	json_object_put(kw_wait_alerts("--kind dangerous_interface",
				       self->seq0, 8, &n));
	EXPECT_EQ(7, n);
}

TEST_F_TIMEOUT(danger, enforce_denies, 300)
{
	json_object *last = NULL, *rec;
	uint64_t seq;
	int fd, n;

	self->enforce = true;
	ASSERT_EQ(0, set_mode("enforce"));

	ATTEMPT(EXPECT_EQ(-1, open("/dev/mem", O_WRONLY | O_CLOEXEC));
		EXPECT_EQ(EPERM, errno), "mem_write", "denied");
	json_object_put(last);
	ATTEMPT(EXPECT_EQ(-1, open("/dev/port", O_RDWR | O_CLOEXEC));
		EXPECT_EQ(EPERM, errno), "mem_write", "denied");
	EXPECT_STREQ("port", dstr(last, "device"));
	json_object_put(last);
	ATTEMPT(EXPECT_EQ(-1, open("/proc/kcore", O_RDONLY | O_CLOEXEC));
		EXPECT_EQ(EPERM, errno), "kcore_open", "denied");
	json_object_put(last);
	ATTEMPT(EXPECT_EQ(-1, syscall(SYS_kexec_load, 0, 0, NULL, 0));
		EXPECT_EQ(EPERM, errno), "kexec_load", "denied");
	json_object_put(last);
	ATTEMPT(EXPECT_EQ(-1, kexec_file()); EXPECT_EQ(EPERM, errno),
		"kexec_file_load", "denied");
	json_object_put(last);
	ATTEMPT(EXPECT_EQ(-1, load_write_user()); EXPECT_EQ(EPERM, errno),
		"bpf_write_user", "denied");
	json_object_put(last);
	ATTEMPT(EXPECT_EQ(-1, perf_kprobe(KW_FUNC)); EXPECT_EQ(EPERM, errno),
		"probe_kwarden", "denied");
	json_object_put(last);
	ATTEMPT(EXPECT_EQ(-1, load_fentry()); EXPECT_EQ(EPERM, errno),
		"probe_kwarden", "denied");
	EXPECT_STREQ("tracing_program", dstr(last, "how"));
	json_object_put(last);
	ATTEMPT(EXPECT_EQ(-1, kprobe_multi(&fd)); EXPECT_EQ(EPERM, errno);
		EXPECT_LE(0, fd); close(fd), "probe_kwarden", "denied");
	EXPECT_STREQ("kprobe_multi", dstr(last, "how"));
	EXPECT_STREQ(KW_FUNC, dstr(last, "target"));
	json_object_put(last);

	/* the harmless neighbours: allowed, and not reported */
	seq = kw_journal_seq();
	fd = open("/dev/mem", O_RDONLY | O_CLOEXEC);
	EXPECT_LE(0, fd);
	close(fd);
	fd = load_plain();
	EXPECT_LE(0, fd);
	close(fd);
	fd = perf_kprobe(CORE_FUNC);
	EXPECT_LE(0, fd);
	close(fd);
	usleep(1500 * 1000);
	rec = kw_run_json("kwardenctl --json alerts --kind dangerous_interface",
			  (long long)seq, &n);
	EXPECT_EQ(0, n);
	json_object_put(rec);
}

TEST_HARNESS_MAIN
