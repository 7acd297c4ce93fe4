// SPDX-License-Identifier: GPL-2.0
/*
 * The integrity engine of kwarden.ko under attack, inside a test VM.
 *
 * Test modules write kernel memory the way rootkits do, behind the
 * kernel's own patching paths: a jmp over a core function's entry (through
 * a vmap alias, or with CR0.WP cleared; from init, or later), a pointer in
 * a sys_call_table slot, a byte of .rodata and of ro_after_init data.
 * Each must give exactly one alert of the right kind, naming the place and
 * the module behind it, within a few scan periods; and the kernel's own
 * patching (tracepoints, the function tracer, kprobes, BPF attach, module
 * load and unload) must give none.
 */
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <linux/bpf.h>
#include "unit/harness.h"
#include "kw_vmtest.h"

#define MODS		"/opt/kwarden/selftests/modules/"
#define DETECT_MS	5000	/* generous: TCG is 10-30x slower than metal */

static int load(const char *ko, const char *params)
{
	int fd = open(ko, O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return -1;
	ret = syscall(SYS_finit_module, fd, params, 0);
	close(fd);
	return ret;
}

static void unload(const char *name)
{
	syscall(SYS_delete_module, name, O_NONBLOCK);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

/* What kwarden did: "logged", unless a test turned restore on */
static const char *expected_action = "logged";

static void read_file(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (f && !fgets(buf, len, f))
		buf[0] = '\0';
	if (f)
		fclose(f);
}

FIXTURE(integrity) {
	uint64_t seq0;
};

FIXTURE_SETUP(integrity)
{
	json_object *st = kw_status();

	ASSERT_NE(NULL, st) TH_LOG("kwardend does not answer");
	ASSERT_TRUE(json_object_get_boolean(kw_get(kw_get(st, "kmod"),
						   "present")))
		TH_LOG("kwarden.ko is not loaded: detection is down");
	json_object_put(st);
	unload("kw_rootkit_text");
	unload("kw_rootkit_poke");
	unload("kw_rootkit_data");
	unload("kw_rootkit_cpu");
	unload("kw_rootkit_procfs");
	unload("kw_rootkit_pte");
	kw_wait_scans(2);	/* the scanner must see the restored state */
	self->seq0 = kw_journal_seq();
}

FIXTURE_TEARDOWN(integrity)
{
	unload("kw_rootkit_text");
	unload("kw_rootkit_poke");
	unload("kw_rootkit_data");
	unload("kw_rootkit_cpu");
	unload("kw_rootkit_procfs");
	unload("kw_rootkit_pte");
	unload("kw_rootkit_ftrace");
	unload("kw_rootkit_kprobe");
}

/* The address of kernel symbol @name, from /proc/kallsyms, or 0 */
static uint64_t ksym(const char *name)
{
	char line[512], sym[256];
	unsigned long long a;
	uint64_t found = 0;
	FILE *f = fopen("/proc/kallsyms", "r");

	while (f && !found && fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx %*s %255s", &a, sym) == 2 &&
		    !strcmp(sym, name))
			found = a;
	if (f)
		fclose(f);
	return found;
}

/*
 * The place an alert names: @symbol itself, or, without the golden copy,
 * the start of the digest block that holds @symbol's changed byte (the
 * alert's address at most KW_DIGEST_BLOCK bytes before the symbol).
 */
static void expect_place(struct __test_metadata *_metadata, json_object *d,
			 const char *symbol)
{
	uint64_t at = strtoull(kw_rec_str(d, "address") ?: "0", NULL, 0);
	uint64_t s = ksym(symbol);

	if (kw_golden() || !strcmp(symbol, kw_rec_str(d, "symbol") ?: "")) {
		EXPECT_STREQ(symbol, kw_rec_str(d, "symbol"));
		return;
	}
	EXPECT_NE(0, s);
	EXPECT_TRUE(at <= s + KW_DIGEST_BLOCK && s < at + KW_DIGEST_BLOCK)
		TH_LOG("%s at %#llx is not in the block at %#llx", symbol,
		       (unsigned long long)s, (unsigned long long)at);
}

/*
 * Load @ko with @params, wait for alerts of @kind from @module (NULL: the
 * core kernel, nobody to blame), and check that exactly @want came (one a
 * violation: a per-CPU one is one per CPU), in time, with the place
 * @symbol; returns the newest.
 */
static json_object *attack_n(struct __test_metadata *_metadata,
			     uint64_t seq0, const char *ko, const char *params,
			     const char *kind, const char *module,
			     const char *symbol, int want)
{
	char filter[128];
	json_object *rec, *d;
	uint64_t t0;
	int n;

	if (module)
		snprintf(filter, sizeof(filter), "--kind %s --module %s", kind,
			 module);
	else
		snprintf(filter, sizeof(filter), "--kind %s", kind);
	t0 = now_ms();
	EXPECT_EQ(0, load(ko, params));
	rec = kw_wait_alerts(filter, seq0, want, &n);
	EXPECT_NE(NULL, rec) TH_LOG("no %s alert", kind);
	if (!rec)
		return NULL;
	TH_LOG("%s after %llu ms", kind, (unsigned long long)(now_ms() - t0));
	EXPECT_GT((uint64_t)DETECT_MS, now_ms() - t0);
	EXPECT_EQ(want, n) TH_LOG("one alert per violation, got %d", n);
	d = kw_get(rec, "detail");
	EXPECT_STREQ(kind, kw_rec_str(rec, "kind"));
	if (module) {
		EXPECT_STREQ(module, kw_rec_str(rec, "module"));
	} else {
		EXPECT_EQ(NULL, kw_rec_str(rec, "module"));
	}
	EXPECT_STREQ(expected_action, kw_rec_str(rec, "action"));
	if (symbol)
		expect_place(_metadata, d, symbol);
	/* old bytes: with a golden copy, or a table's own copy */
	if (strcmp(kind, "module_hidden") &&
	    strcmp(kind, "page_protection_changed")) {
		EXPECT_NE(NULL, kw_rec_str(d, "new"));
		if (kw_golden())
			EXPECT_NE(NULL, kw_rec_str(d, "old"));
		if (kw_rec_str(d, "old"))
			EXPECT_STRNE(kw_rec_str(d, "old") ?: "",
				     kw_rec_str(d, "new") ?: "");
	}
	return rec;
}

static json_object *attack(struct __test_metadata *_metadata, uint64_t seq0,
			   const char *ko, const char *params,
			   const char *kind, const char *module,
			   const char *symbol)
{
	return attack_n(_metadata, seq0, ko, params, kind, module, symbol, 1);
}

static void text_hook(struct __test_metadata *_metadata, uint64_t seq0,
		      const char *params)
{
	json_object *rec, *d;

	rec = attack(_metadata, seq0, MODS "kw_rootkit_text.ko", params,
		     "kernel_text_modified", "kw_rootkit_text",
		     "__x64_sys_acct");
	ASSERT_NE(NULL, rec);
	d = kw_get(rec, "detail");
	EXPECT_STREQ("core_text", kw_rec_str(d, "region"));
	EXPECT_EQ(0, strncmp(kw_rec_str(d, "new") ?: "", "e9", 2));
	EXPECT_STREQ("kw_hook", kw_rec_str(d, "target_symbol"));
	json_object_put(rec);
}

TEST_F(integrity, text_hook_from_init_via_alias)
{
	text_hook(_metadata, self->seq0, "mode=alias");
}

TEST_F(integrity, text_hook_from_init_via_cr0)
{
	text_hook(_metadata, self->seq0, "mode=cr0");
}

TEST_F(integrity, text_hook_after_init)
{
	text_hook(_metadata, self->seq0, "delay_ms=1500");
}

/* Another module's text, baselined when that module came */
TEST_F(integrity, module_text_hook)
{
	json_object *rec, *d;

	ASSERT_EQ(0, system("modprobe dummy"));
	rec = attack(_metadata, self->seq0, MODS "kw_rootkit_text.ko",
		     "target=dummy_change_carrier", "module_text_modified",
		     "kw_rootkit_text", "dummy_change_carrier");
	unload("kw_rootkit_text");
	ASSERT_NE(NULL, rec);
	d = kw_get(rec, "detail");
	EXPECT_STREQ("module_text", kw_rec_str(d, "region"));
	EXPECT_STREQ("kw_hook", kw_rec_str(d, "target_symbol"));
	json_object_put(rec);
	unload("dummy");
}

/* The bytes kw_rootkit_text's hooked site holds now, in hex */
static void hooked_bytes(char *buf, size_t len)
{
	static const char path[] =
		"/sys/module/kw_rootkit_text/parameters/site_now";

	read_file(path, buf, len);
	buf[strcspn(buf, "\n")] = '\0';
}

/*
 * A jmp written through the kernel's own text_poke(), under text_mutex as
 * the kernel does, where the kernel keeps no patch site: the write is
 * recorded but explains nothing.  The alert names the module that called
 * text_poke() (caller, caller_symbol) and blames it.
 */
static void poke_to(struct __test_metadata *_metadata, uint64_t seq0,
		    const char *params, const char *kind,
		    const char *region, const char *symbol,
		    const char *caller_fn, unsigned int delay_ms,
		    const char *target_fn)
{
	json_object *rec, *d;
	uint64_t t0 = now_ms();

	rec = attack(_metadata, seq0, MODS "kw_rootkit_poke.ko", params, kind,
		     "kw_rootkit_poke", symbol);
	ASSERT_NE(NULL, rec);
	TH_LOG("%s %llu ms after the write", kind,
	       (unsigned long long)(now_ms() - t0 - delay_ms));
	d = kw_get(rec, "detail");
	EXPECT_STREQ(region, kw_rec_str(d, "region"));
	if (target_fn) {	/* the first byte that differs is the jmp's */
		EXPECT_EQ(0, strncmp(kw_rec_str(d, "new") ?: "", "e9", 2));
		EXPECT_STREQ(target_fn,
			     kw_rec_str(d, "target_symbol") ?: "(none)");
	}
	EXPECT_STREQ("kw_rootkit_poke", kw_rec_str(d, "caller") ?: "(none)");
	EXPECT_EQ(0, strncmp(kw_rec_str(d, "caller_symbol") ?: "", caller_fn,
			     strlen(caller_fn)))
		TH_LOG("caller_symbol %s", kw_rec_str(d, "caller_symbol"));
	json_object_put(rec);
}

static void poke_hook(struct __test_metadata *_metadata, uint64_t seq0,
		      const char *params, const char *kind,
		      const char *region, const char *symbol,
		      const char *caller_fn, unsigned int delay_ms)
{
	poke_to(_metadata, seq0, params, kind, region, symbol, caller_fn,
		delay_ms, "kw_hook");
}

TEST_F(integrity, text_poke_from_init)
{
	poke_hook(_metadata, self->seq0, "", "kernel_text_modified",
		  "core_text", "__x64_sys_acct", "kw_poke", 0);
}

TEST_F(integrity, text_poke_from_work_item)
{
	poke_hook(_metadata, self->seq0, "delay_ms=1500",
		  "kernel_text_modified", "core_text", "__x64_sys_acct",
		  "kw_poke", 1500);
}

TEST_F(integrity, text_poke_module_text)
{
	ASSERT_EQ(0, system("modprobe dummy"));
	poke_hook(_metadata, self->seq0, "target=dummy_change_carrier offset=9",
		  "module_text_modified", "module_text", "dummy_change_carrier",
		  "kw_poke", 0);
	unload("kw_rootkit_poke");
	unload("dummy");
}

/*
 * A wrong form at a real patch site: the module's own static call
 * trampoline made to jmp to a function of the right type that its key
 * does not name (written after the module went LIVE: it held a jmp to
 * kw_hook, so only the displacement differs), and its own jump label site
 * made to jmp somewhere other than the entry's target.
 */
TEST_F(integrity, wrong_form_at_static_call_trampoline)
{
	poke_to(_metadata, self->seq0, "form=scall delay_ms=1500",
		"module_text_modified", "module_text", "__SCT__kw_sc",
		"kw_poke", 1500, NULL);
	unload("kw_rootkit_poke");
}

TEST_F(integrity, wrong_form_at_jump_label_site)
{
	poke_to(_metadata, self->seq0, "form=jump delay_ms=1500",
		"module_text_modified", "module_text", "kw_sites",
		"kw_poke", 1500, "kw_other");
	unload("kw_rootkit_poke");
}

/*
 * One foreign byte in kwarden's own text (the padding before one of its
 * functions) is a crit module_text_modified blamed on kwarden, and not an
 * off switch: kwarden.ko puts the byte back ("restored", and the rootkit
 * sees its old byte there again), stays active and still sees a later
 * attack, and a second try of the same byte is seen and undone too.
 */
TEST_F(integrity, own_text_byte_is_no_off_switch)
{
	json_object *rec, *st;
	char old[3] = "", now[8] = "";
	int i, ms;

	expected_action = "restored";
	for (i = 0; i < 2; i++) {
		self->seq0 = kw_journal_seq();
		rec = attack(_metadata, self->seq0, MODS "kw_rootkit_text.ko",
			     "target=kw_describe pad=1",
			     "module_text_modified", "kwarden", NULL);
		ASSERT_NE(NULL, rec) TH_LOG("attack %d", i + 1);
		EXPECT_STREQ("crit", kw_rec_str(rec, "severity"));
		EXPECT_EQ(0, strncmp(kw_rec_str(kw_get(rec, "detail"), "new") ?: "",
				     "cc", 2));
		snprintf(old, sizeof(old), "%s",
			 kw_rec_str(kw_get(rec, "detail"), "old") ?: "");
		json_object_put(rec);
		for (ms = 0; ms < KW_WAIT_MS; ms += 100) {
			hooked_bytes(now, sizeof(now));
			if (!strcmp(now, old))
				break;
			usleep(100 * 1000);
		}
		EXPECT_STREQ(old, now) TH_LOG("the byte is not back");
		unload("kw_rootkit_text");
	}
	expected_action = "logged";
	st = kw_status();
	EXPECT_STREQ("active", kw_rec_str(kw_get(st, "kmod"), "state"));
	json_object_put(st);
	self->seq0 = kw_journal_seq();
	rec = attack(_metadata, self->seq0, MODS "kw_rootkit_data.ko",
		     "target=linux_banner offset=3 what=byte",
		     "kernel_rodata_modified", NULL, "linux_banner");
	json_object_put(rec);
}

/* A byte of kwarden's own read-only data goes back too, unasked */
TEST_F(integrity, own_rodata_byte_restored)
{
	json_object *rec;
	int n;

	expected_action = "restored";
	rec = attack(_metadata, self->seq0, MODS "kw_rootkit_data.ko",
		     "target=kw_nop5 offset=1 what=byte",
		     "module_rodata_modified", "kwarden", "kw_nop5");
	json_object_put(rec);
	expected_action = "logged";
	kw_wait_scans(3);
	rec = kw_wait_alerts("--kind module_rodata_modified", self->seq0, 1,
			     &n);
	EXPECT_EQ(1, n) TH_LOG("a restored change must not alert again");
	json_object_put(rec);
	unload("kw_rootkit_data");
}

TEST_F(integrity, syscall_table_slot)
{
	json_object *rec, *d;

	rec = attack(_metadata, self->seq0, MODS "kw_rootkit_data.ko", "",
		     "syscall_table_modified", "kw_rootkit_data",
		     "sys_call_table");
	ASSERT_NE(NULL, rec);
	d = kw_get(rec, "detail");
	EXPECT_EQ(62ULL, kw_rec_u64(d, "slot"));
	EXPECT_EQ(62ULL * 8, kw_rec_u64(d, "offset"));
	EXPECT_STREQ("kw_hook", kw_rec_str(d, "target_symbol"));
	/* the table keeps a copy of its own, golden copy or not */
	EXPECT_NE(NULL, kw_rec_str(d, "old"));
	json_object_put(rec);
}

TEST_F(integrity, rodata_byte)
{
	json_object *rec;

	rec = attack(_metadata, self->seq0, MODS "kw_rootkit_data.ko",
		     "target=linux_banner offset=3 what=byte",
		     "kernel_rodata_modified", NULL, "linux_banner");
	json_object_put(rec);
}

TEST_F(integrity, ro_after_init_byte)
{
	json_object *rec;

	/* rodata_enabled is only read while the kernel boots */
	rec = attack(_metadata, self->seq0, MODS "kw_rootkit_data.ko",
		     "target=rodata_enabled offset=0 what=byte",
		     "ro_after_init_modified", NULL, "rodata_enabled");
	json_object_put(rec);
}

/* Restored, then written again: a second alert, and only one */
TEST_F(integrity, alert_again_when_it_changes_again)
{
	json_object *rec;
	int n;

	text_hook(_metadata, self->seq0, "mode=alias");
	unload("kw_rootkit_text");
	kw_wait_scans(2);
	rec = kw_wait_alerts("--kind kernel_text_modified", self->seq0, 1, &n);
	EXPECT_EQ(1, n) TH_LOG("the restore itself must not alert");
	json_object_put(rec);
	ASSERT_EQ(0, load(MODS "kw_rootkit_text.ko", "mode=cr0"));
	rec = kw_wait_alerts("--kind kernel_text_modified", self->seq0, 2, &n);
	EXPECT_EQ(2, n);
	json_object_put(rec);
}

/*
 * A hook through ftrace or a kprobe: one alert that names the function
 * hooked (@symbol), the handler and its module, and how it hooks (@flags).
 */
static void hook(struct __test_metadata *_metadata, uint64_t seq0,
		 const char *ko, const char *params, const char *kind,
		 const char *symbol, const char *handler, const char *flags)
{
	const char *module = strrchr(ko, '/') + 1;
	char name[64];
	json_object *rec, *d;

	snprintf(name, sizeof(name), "%.*s", (int)strcspn(module, "."),
		 module);
	rec = attack(_metadata, seq0, ko, params, kind, name, symbol);
	unload(name);
	ASSERT_NE(NULL, rec);
	d = kw_get(rec, "detail");
	EXPECT_STREQ(strcmp(kind, "ftrace_hook") ? "kprobes" : "ftrace_ops",
		     kw_rec_str(d, "region"));
	EXPECT_STREQ(handler, kw_rec_str(d, "target_symbol"));
	EXPECT_STREQ(flags, kw_rec_str(d, "hook_flags") ?: "");
	json_object_put(rec);
}

TEST_F(integrity, ftrace_hook_ipmodify)
{
	hook(_metadata, self->seq0, MODS "kw_rootkit_ftrace.ko", "",
	     "ftrace_hook", "__x64_sys_getdents64", "kw_ftrace_handler",
	     "ipmodify regs");
}

TEST_F(integrity, ftrace_hook_plain)
{
	hook(_metadata, self->seq0, MODS "kw_rootkit_ftrace.ko", "mode=plain",
	     "ftrace_hook", "__x64_sys_getdents64", "kw_ftrace_handler", "");
}

/*
 * The site now calls into the module's text, which ftrace_site.c does not
 * accept either: a kernel_text_modified comes too.
 */
TEST_F(integrity, ftrace_hook_direct)
{
	hook(_metadata, self->seq0, MODS "kw_rootkit_ftrace.ko", "mode=direct",
	     "ftrace_hook", "__x64_sys_getdents64", "kw_direct_tramp",
	     "direct regs");
}

/* The kernel's fprobe_handler runs the module's entry handler */
TEST_F(integrity, ftrace_hook_fprobe)
{
	/* Debian's 6.1 is built without CONFIG_FPROBE */
	if (system("grep -q ' register_fprobe$' /proc/kallsyms"))
		SKIP(return, "this kernel has no fprobe (CONFIG_FPROBE is off)");
	hook(_metadata, self->seq0, MODS "kw_rootkit_ftrace.ko", "mode=fprobe",
	     "ftrace_hook", "__x64_sys_getdents64", "kw_fprobe_entry", "regs");
}

TEST_F(integrity, kprobe_hook_on_ftrace_site)
{
	hook(_metadata, self->seq0, MODS "kw_rootkit_kprobe.ko", "",
	     "kprobe_hook", "__x64_sys_kill", "kw_pre", "");
}

TEST_F(integrity, kprobe_hook_int3)
{
	hook(_metadata, self->seq0, MODS "kw_rootkit_kprobe.ko", "past_site=1",
	     "kprobe_hook", "__x64_sys_kill", "kw_pre", "");
}

TEST_F(integrity, kretprobe_hook)
{
	hook(_metadata, self->seq0, MODS "kw_rootkit_kprobe.ko",
	     "mode=kretprobe", "kprobe_hook", "__x64_sys_kill", "kw_return",
	     "kretprobe");
}

/* Gone, then back: a second alert, and only one */
TEST_F(integrity, hook_again_when_it_comes_back)
{
	json_object *rec;
	int n;

	ASSERT_EQ(0, load(MODS "kw_rootkit_kprobe.ko", ""));
	rec = kw_wait_alerts("--kind kprobe_hook", self->seq0, 1, &n);
	EXPECT_EQ(1, n);
	json_object_put(rec);
	unload("kw_rootkit_kprobe");
	kw_wait_scans(2);
	ASSERT_EQ(0, load(MODS "kw_rootkit_kprobe.ko", ""));
	rec = kw_wait_alerts("--kind kprobe_hook", self->seq0, 2, &n);
	EXPECT_EQ(2, n);
	json_object_put(rec);
	unload("kw_rootkit_kprobe");
}

/*
 * kwarden_degraded records after seq but for those naming a hook this
 * kernel lacks, which each kwardend start repeats on 6.1 (bpf_fit.c)
 */
static int degraded_alerts(uint64_t after)
{
	FILE *p = popen("kwardenctl --json alerts --kind kwarden_degraded", "r");
	char *line = NULL;
	json_object *rec;
	size_t cap = 0;
	int n = 0;
	ssize_t len;

	while (p && (len = getline(&line, &cap, p)) > 0) {
		rec = kw_parse_line(line, (size_t)len - (line[len - 1] == '\n'));
		if (rec && kw_rec_u64(rec, "seq") > after &&
		    !kw_get(kw_get(rec, "detail"), "missing_hook")) {
			fprintf(stderr, "# %s\n", kw_rec_str(rec, "message"));
			n++;
		}
		json_object_put(rec);
	}
	free(line);
	if (p)
		pclose(p);
	return n;
}

/*
 * One BPF program of @type that returns 0, attached to @func and then
 * detached: the kernel writes a BPF trampoline's call into @func's ftrace
 * site and takes it out again.  0, or -errno.
 */
static int bpf_attach_detach(const struct btf *btf, enum bpf_prog_type type,
			     enum bpf_attach_type at, const char *func)
{
	const struct bpf_insn ret0[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, o, .expected_attach_type = at);
	int id = btf__find_by_name_kind(btf, func, BTF_KIND_FUNC);
	int prog, link, err = 0;
	char buf[256];

	if (id < 0)
		return id;
	o.attach_btf_id = id;
	prog = bpf_prog_load(type, "kwchurn", "GPL", ret0, ARRAY_SIZE(ret0),
			     &o);
	if (prog < 0)
		return -errno;
	link = bpf_raw_tracepoint_open(NULL, prog);
	if (link < 0) {
		err = -errno;
	} else {
		read_file("/proc/version", buf, sizeof(buf));
		usleep(200 * 1000);
		close(link);
	}
	close(prog);
	return err;
}

/* BPF fentry, fexit and LSM programs attached and detached */
static void bpf_churn(struct __test_metadata *_metadata,
		      const struct btf *btf)
{
	EXPECT_EQ(0, bpf_attach_detach(btf, BPF_PROG_TYPE_TRACING,
				       BPF_TRACE_FENTRY, "vfs_read"));
	EXPECT_EQ(0, bpf_attach_detach(btf, BPF_PROG_TYPE_TRACING,
				       BPF_TRACE_FEXIT, "vfs_write"));
	EXPECT_EQ(0, bpf_attach_detach(btf, BPF_PROG_TYPE_LSM, BPF_LSM_MAC,
				       "bpf_lsm_file_open"));
}

/*
 * The kernel's own patching, over and over, and kwarden's own BPF attach
 * (a kwardend restart): no memory alert, no violation in the kmod, and
 * kwarden.ko does not turn itself off.
 */
TEST_F_TIMEOUT(integrity, churn_gives_no_false_positive, 1200)
{
	uint64_t viol0 = kw_kmod_u64("violations"), t0 = now_ms();
	uint64_t secs = strtoull(getenv("KW_CHURN_SECONDS") ?: "120", NULL, 0);
	struct btf *btf = btf__load_vmlinux_btf();
	char counts[128];
	json_object *st;
	int rounds = 0;

	ASSERT_NE(NULL, btf);
	while (now_ms() - t0 < secs * 1000) {
		ASSERT_EQ(0, system("sh /opt/kwarden/selftests/churn.sh"));
		bpf_churn(_metadata, btf);
		/* kwardend's restart detaches and attaches its BPF programs */
		ASSERT_EQ(0, kw_stop_kwardend());
		ASSERT_EQ(0, kw_start_kwardend());
		rounds++;
	}
	TH_LOG("%d churn rounds in %llu s", rounds,
	       (unsigned long long)(now_ms() - t0) / 1000);
	/* poked bytes explained by jump labels, static calls, kprobes, ... */
	read_file("/sys/module/kwarden/parameters/site_counts", counts,
		  sizeof(counts));
	TH_LOG("site_counts %s", counts);
	/* let the scanner look at the final state twice */
	btf__free(btf);
	kw_wait_scans(2);
	EXPECT_EQ(viol0, kw_kmod_u64("violations"));
	EXPECT_EQ(0, kw_memory_alerts(self->seq0));
	EXPECT_EQ(0, degraded_alerts(self->seq0));
	st = kw_status();
	EXPECT_STREQ("active", kw_rec_str(kw_get(st, "kmod"), "state"));
	json_object_put(st);
}

/*
 * With restore on, a sys_call_table slot and a .rodata byte are put back:
 * "restored", no second alert, and the kernel reads its own data again.
 */
TEST_F(integrity, restore_syscall_slot_and_rodata)
{
	char before[256], after[256];
	json_object *rec;
	int n;

	read_file("/proc/version", before, sizeof(before));
	ASSERT_EQ(0, kw_set_restore("syscall_table_modified,kernel_rodata_modified"));
	/* the system call table keeps a copy of its own, golden copy or not */
	expected_action = "restored";
	rec = attack(_metadata, self->seq0, MODS "kw_rootkit_data.ko", "",
		     "syscall_table_modified", "kw_rootkit_data",
		     "sys_call_table");
	json_object_put(rec);
	unload("kw_rootkit_data");
	/* other rodata only with the golden copy: a digest has no bytes */
	if (!kw_golden())
		expected_action = "logged";
	/* linux_proc_banner is the format of /proc/version: "%s version" */
	rec = attack(_metadata, self->seq0, MODS "kw_rootkit_data.ko",
		     "target=linux_proc_banner offset=3 what=byte",
		     "kernel_rodata_modified", NULL, "linux_proc_banner");
	json_object_put(rec);
	kw_wait_scans(3);
	read_file("/proc/version", after, sizeof(after));
	if (kw_golden())
		EXPECT_STREQ(before, after);
	rec = kw_wait_alerts("--kind kernel_rodata_modified", self->seq0, 1,
			     &n);
	EXPECT_EQ(1, n) TH_LOG("a restored change must not alert again");
	json_object_put(rec);
	expected_action = "logged";
	EXPECT_EQ(0, kw_set_restore(""));
}

/* /proc's inode gets a copy of its file_operations (adore-ng style) */
TEST_F(integrity, proc_fops_swapped)
{
	json_object *rec;

	rec = attack(_metadata, self->seq0, MODS "kw_rootkit_procfs.ko",
		     "mode=fops", "fops_hook", "kw_rootkit_procfs", "/proc");
	ASSERT_NE(NULL, rec);
	EXPECT_STREQ("kw_iterate", kw_rec_str(kw_get(rec, "detail"),
					       "target_symbol"));
	json_object_put(rec);
	unload("kw_rootkit_procfs");
	unload("kw_rootkit_pte");
}

/* tcp4_seq_ops.show (what /proc/net/tcp runs) points at the module */
TEST_F(integrity, tcp_seq_ops_show_swapped)
{
	json_object *rec, *d;

	rec = attack(_metadata, self->seq0, MODS "kw_rootkit_procfs.ko",
		     "mode=seq", "seq_ops_hook", "kw_rootkit_procfs",
		     "tcp4_seq_ops");
	ASSERT_NE(NULL, rec);
	d = kw_get(rec, "detail");
	EXPECT_EQ(3ULL, kw_rec_u64(d, "slot"));	/* ->show */
	EXPECT_STREQ("kw_show", kw_rec_str(d, "target_symbol"));
	json_object_put(rec);
	unload("kw_rootkit_procfs");
	unload("kw_rootkit_pte");
}

/* The RW bit set on the mapping of a .rodata page, nothing written yet */
TEST_F(integrity, rodata_page_made_writable)
{
	json_object *rec;

	json_object *d;

	rec = attack(_metadata, self->seq0, MODS "kw_rootkit_pte.ko", "",
		     "page_protection_changed", NULL, NULL);
	ASSERT_NE(NULL, rec);
	d = kw_get(rec, "detail");
	EXPECT_STREQ("core_rodata", kw_rec_str(d, "region"));
	/* the whole mapping that became writable: 4K, or a 2M/1G leaf */
	EXPECT_LE(4096ULL, kw_rec_u64(d, "len"));
	json_object_put(rec);
	unload("kw_rootkit_pte");
}

/* CR0.WP cleared on every CPU: one alert per CPU */
TEST_F(integrity, cr0_wp_cleared)
{
	json_object *rec;

	rec = attack_n(_metadata, self->seq0, MODS "kw_rootkit_cpu.ko",
		       "what=wp", "cpu_protection_disabled", NULL, "CR0.WP",
		       (int)sysconf(_SC_NPROCESSORS_ONLN));
	json_object_put(rec);
	unload("kw_rootkit_cpu");
}

TEST_F(integrity, sysenter_msr_hooked)
{
	json_object *rec;

	rec = attack_n(_metadata, self->seq0, MODS "kw_rootkit_cpu.ko",
		       "what=msr", "msr_modified", "kw_rootkit_cpu",
		       "MSR_IA32_SYSENTER_EIP",
		       (int)sysconf(_SC_NPROCESSORS_ONLN));
	ASSERT_NE(NULL, rec);
	EXPECT_STREQ("kw_hook", kw_rec_str(kw_get(rec, "detail"),
					    "target_symbol"));
	json_object_put(rec);
	unload("kw_rootkit_cpu");
}

TEST_F(integrity, idt_gate_hooked)
{
	json_object *rec, *d;

	rec = attack(_metadata, self->seq0, MODS "kw_rootkit_cpu.ko",
		     "what=idt", "idt_modified", "kw_rootkit_cpu", "idt_table");
	ASSERT_NE(NULL, rec);
	d = kw_get(rec, "detail");
	EXPECT_EQ(0x80ULL, kw_rec_u64(d, "slot"));
	EXPECT_STREQ("kw_hook", kw_rec_str(d, "target_symbol"));
	json_object_put(rec);
	unload("kw_rootkit_cpu");
}

/*
 * A restored IDT gate is two 8-byte words, written with the other CPUs
 * stopped: the gate is whole again and no second alert comes.
 */
TEST_F(integrity, idt_gate_restored)
{
	json_object *rec;
	int n;

	ASSERT_EQ(0, kw_set_restore("idt_modified"));
	expected_action = "restored";
	rec = attack(_metadata, self->seq0, MODS "kw_rootkit_cpu.ko",
		     "what=idt", "idt_modified", "kw_rootkit_cpu", "idt_table");
	json_object_put(rec);
	kw_wait_scans(3);
	rec = kw_wait_alerts("--kind idt_modified", self->seq0, 1, &n);
	EXPECT_EQ(1, n) TH_LOG("a restored gate must not alert again");
	json_object_put(rec);
	expected_action = "logged";
	EXPECT_EQ(0, kw_set_restore(""));
	unload("kw_rootkit_cpu");
}

/* Unlinked from the module list only, then back (so it can be removed) */
TEST_F(integrity, module_hidden_from_list)
{
	json_object *rec;
	int i;

	rec = attack(_metadata, self->seq0, MODS "kw_rootkit_hide.ko",
		     "unhide_ms=8000", "module_hidden", "kw_rootkit_hide",
		     "kw_rootkit_hide");
	ASSERT_NE(NULL, rec);
	EXPECT_STREQ("missing from: list; present in: sysfs mod_tree kallsyms",
		     kw_rec_str(kw_get(rec, "detail"), "views"));
	json_object_put(rec);
	EXPECT_NE(0, system("grep -q '^kw_rootkit_hide ' /proc/modules"));
	for (i = 0; i < 200; i++) {
		if (!system("grep -q '^kw_rootkit_hide ' /proc/modules"))
			break;
		usleep(100 * 1000);
	}
	unload("kw_rootkit_hide");
}

/* Unlinked from the list and sysfs: it stays hidden (keep this test last) */
TEST_F(integrity, module_hidden_from_list_and_sysfs)
{
	json_object *rec;

	rec = attack(_metadata, self->seq0, MODS "kw_rootkit_hide.ko",
		     "sysfs=1", "module_hidden", "kw_rootkit_hide",
		     "kw_rootkit_hide");
	ASSERT_NE(NULL, rec);
	EXPECT_STREQ("missing from: list sysfs; present in: mod_tree kallsyms",
		     kw_rec_str(kw_get(rec, "detail"), "views"));
	EXPECT_NE(0, access("/sys/module/kw_rootkit_hide", F_OK));
	json_object_put(rec);
}

TEST_HARNESS_MAIN
