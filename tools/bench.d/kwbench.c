// SPDX-License-Identifier: GPL-2.0
/*
 * kwbench - the workloads of "make bench", run inside the bench VM.
 *
 * Built static by tools/bench (gcc-12 -O2 -static) and copied into the
 * guest.  Each workload is a tight loop over one kernel path, timed with
 * CLOCK_MONOTONIC:
 *
 *   kwbench run WORKLOAD ITERS [MODULE.ko]
 *	prints "run WORKLOAD ITERS NS" (NS: the ITERS operations, on CPU 0)
 *	WORKLOAD: open_close stat execve fork_exit sched_yield pipe getppid
 *	          module_load (finit_module + delete_module of MODULE.ko)
 *   kwbench mix SECONDS
 *	a syscall-heavy load (every workload but module_load, in turns)
 *	for SECONDS; prints "mix OPS NS"
 *   kwbench bpf
 *	one line per BPF program in the system:
 *	"bpf ID TYPE RUN_CNT RUN_TIME_NS NAME" (bpftool is not in the guest)
 *   kwbench nop
 *	exits at once: the static binary that execve runs
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/bpf.h>

#define OPEN_PATH	"/etc/kwvm.conf"
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static char self_path[PATH_MAX];
static const char *module_path;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "kwbench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void do_open_close(long n)
{
	long i;

	for (i = 0; i < n; i++) {
		int fd = open(OPEN_PATH, O_RDONLY);

		if (fd < 0)
			die("open");
		close(fd);
	}
}

static void do_stat(long n)
{
	struct stat st;
	long i;

	for (i = 0; i < n; i++)
		if (stat(OPEN_PATH, &st))
			die("stat");
}

static void wait_child(pid_t pid)
{
	int status;

	if (pid < 0)
		die("fork");
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		die("child");
}

static void do_execve(long n)
{
	static char *const exec_argv[] = { "kwbench", "nop", NULL };
	static char *const exec_envp[] = { NULL };
	long i;

	for (i = 0; i < n; i++) {
		pid_t pid = fork();

		if (!pid) {
			execve(self_path, exec_argv, exec_envp);
			_exit(127);
		}
		wait_child(pid);
	}
}

static void do_fork_exit(long n)
{
	long i;

	for (i = 0; i < n; i++) {
		pid_t pid = fork();

		if (!pid)
			_exit(0);
		wait_child(pid);
	}
}

static void do_sched_yield(long n)
{
	long i;

	for (i = 0; i < n; i++)
		sched_yield();
}

/* A system call that kwarden does not touch: the reference. */
static void do_getppid(long n)
{
	long i;

	for (i = 0; i < n; i++)
		syscall(SYS_getppid);
}

static int pipe_there = -1, pipe_back = -1;
static pid_t pipe_child;

/* The echo process at the other end of the pipes. */
static void pipe_setup(void)
{
	int there[2], back[2];
	char c;

	if (pipe(there) || pipe(back))
		die("pipe");
	pipe_child = fork();
	if (pipe_child < 0)
		die("fork");
	if (!pipe_child) {
		close(there[1]);
		close(back[0]);
		while (read(there[0], &c, 1) == 1)
			if (write(back[1], &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	close(there[0]);
	close(back[1]);
	pipe_there = there[1];
	pipe_back = back[0];
}

static void pipe_teardown(void)
{
	close(pipe_there);
	close(pipe_back);
	wait_child(pipe_child);
}

/* One byte there and back between two processes, @n times. */
static void do_pipe(long n)
{
	char c = 'x';
	long i;

	for (i = 0; i < n; i++)
		if (write(pipe_there, &c, 1) != 1 ||
		    read(pipe_back, &c, 1) != 1)
			die("pipe ping-pong");
}

/* "dir/kw_dummy.ko" -> "kw_dummy" */
static void module_name(const char *path, char *name, size_t len)
{
	const char *base = strrchr(path, '/');
	char *dot;

	snprintf(name, len, "%s", base ? base + 1 : path);
	dot = strstr(name, ".ko");
	if (dot)
		*dot = '\0';
}

static char module_mod[64];

static void module_setup(void)
{
	if (!module_path) {
		errno = EINVAL;
		die("module_load needs a module path");
	}
	module_name(module_path, module_mod, sizeof(module_mod));
}

static void do_module_load(long n)
{
	long i;

	for (i = 0; i < n; i++) {
		int fd = open(module_path, O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			die(module_path);
		if (syscall(SYS_finit_module, fd, "", 0))
			die("finit_module");
		close(fd);
		if (syscall(SYS_delete_module, module_mod, O_NONBLOCK))
			die("delete_module");
	}
}

struct workload {
	const char *name;
	void (*fn)(long n);
	void (*setup)(void);
	void (*teardown)(void);
};

static const struct workload workloads[] = {
	{ .name = "open_close", .fn = do_open_close },
	{ .name = "stat", .fn = do_stat },
	{ .name = "execve", .fn = do_execve },
	{ .name = "fork_exit", .fn = do_fork_exit },
	{ .name = "sched_yield", .fn = do_sched_yield },
	{ .name = "pipe", .fn = do_pipe, .setup = pipe_setup,
	  .teardown = pipe_teardown },
	{ .name = "module_load", .fn = do_module_load, .setup = module_setup },
	{ .name = "getppid", .fn = do_getppid },
};

static const struct workload *find_workload(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(workloads); i++)
		if (!strcmp(workloads[i].name, name))
			return &workloads[i];
	return NULL;
}

/*
 * Run on CPU 0, children too: a pipe's two ends on two vCPUs would cost
 * cross-CPU wake-ups, which under TCG depend on QEMU's round robin.
 */
static void pin_cpu0(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity");
}

static int cmd_run(const char *name, long n)
{
	const struct workload *w = find_workload(name);
	uint64_t t;

	if (!w || n <= 0) {
		fprintf(stderr, "kwbench: unknown workload or count: %s %ld\n",
			name, n);
		return 64;
	}
	pin_cpu0();
	if (w->setup)
		w->setup();
	t = now_ns();
	w->fn(n);
	t = now_ns() - t;
	if (w->teardown)
		w->teardown();
	printf("run %s %ld %llu\n", name, n, (unsigned long long)t);
	return 0;
}

/* Every syscall workload in turns, in small batches, for @secs seconds. */
static int cmd_mix(long secs)
{
	uint64_t t0 = now_ns(), end = t0 + secs * 1000000000ull, ops = 0;

	while (now_ns() < end) {
		do_open_close(200);
		do_stat(200);
		do_sched_yield(200);
		pipe_setup();
		do_pipe(100);
		pipe_teardown();
		do_fork_exit(5);
		do_execve(2);
		ops += 200 + 200 + 200 + 100 + 5 + 2;
	}
	printf("mix %llu %llu\n", (unsigned long long)ops,
	       (unsigned long long)(now_ns() - t0));
	return 0;
}

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

static void show_prog(uint32_t id)
{
	struct bpf_prog_info info;
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_id = id;
	fd = sys_bpf(BPF_PROG_GET_FD_BY_ID, &attr);
	if (fd < 0)
		return;
	memset(&info, 0, sizeof(info));
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = fd;
	attr.info.info_len = sizeof(info);
	attr.info.info = (uintptr_t)&info;
	if (!sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr))
		printf("bpf %u %u %llu %llu %s\n", info.id, info.type,
		       (unsigned long long)info.run_cnt,
		       (unsigned long long)info.run_time_ns,
		       info.name[0] ? info.name : "-");
	close(fd);
}

static int cmd_bpf(void)
{
	union bpf_attr attr;
	uint32_t id = 0;

	for (;;) {
		memset(&attr, 0, sizeof(attr));
		attr.start_id = id;
		if (sys_bpf(BPF_PROG_GET_NEXT_ID, &attr))
			break;
		id = attr.next_id;
		show_prog(id);
	}
	return 0;
}

static int usage(void)
{
	fputs("kwbench run WORKLOAD ITERS [MODULE.ko] | mix SECONDS | bpf | nop\n",
	      stderr);
	return 64;
}

int main(int argc, char **argv)
{
	ssize_t n;

	if (argc < 2)
		return usage();
	if (!strcmp(argv[1], "nop"))
		return 0;
	n = readlink("/proc/self/exe", self_path, sizeof(self_path) - 1);
	if (n < 0)
		die("readlink /proc/self/exe");
	self_path[n] = '\0';
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(argv[1], "run") && argc >= 4) {
		module_path = argc > 4 ? argv[4] : NULL;
		return cmd_run(argv[2], atol(argv[3]));
	}
	if (!strcmp(argv[1], "mix") && argc == 3)
		return cmd_mix(atol(argv[2]));
	if (!strcmp(argv[1], "bpf"))
		return cmd_bpf();
	return usage();
}
