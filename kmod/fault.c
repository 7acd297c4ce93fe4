// SPDX-License-Identifier: GPL-2.0
/*
 * kwarden - faults (WARN, BUG, oops) attributed to the module behind them
 *
 * Two taps see every fault:
 *   - the error_report_end tracepoint, which __warn() fires for every
 *     WARN with the address of the warning (the ud2 of the WARN site);
 *   - the die notifier, which __die() calls with DIE_OOPS and the faulting
 *     registers for an oops, and for a BUG() (ud2 at the trapping ip).
 * The tracepoint is exported and patches no text; a kprobe on __warn()
 * would give the taint argument too, but every WARN macro taints with
 * TAINT_WARN, so it is not needed.
 *
 * A fault is blamed on the module whose code raised it.  When that is core
 * code, the stack is walked and the first frame in a module is blamed
 * (a module passing bad arguments to the kernel); with none, nobody is.
 *
 * The taps run wherever a fault happens: interrupts, NMI, with any lock
 * held, on a dying task.  So they are tiny and bounded: no allocation,
 * no sleeping, no lock.  Modules are looked up the way print_modules()
 * does while oopsing (the RCU list, bounded); the record goes into a
 * fixed ring claimed with one cmpxchg, and an irq_work kicks a work item
 * that turns records into module_fault alerts in process context.  A full
 * ring drops the fault and counts it.  Each module's faults are counted
 * in a small table (by name, so a driver that is reloaded keeps its
 * count) for alerts, status and the module inventory.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/cred.h>
#include <linux/irq_work.h>
#include <linux/kdebug.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/panic.h>
#include <linux/percpu.h>
#include <linux/rculist.h>
#include <linux/sched.h>
#include <linux/stacktrace.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>
#include <asm/trapnr.h>
#include <trace/events/error_report.h>

#include "kwarden.h"

#define KW_FAULT_RING		32	/* faults waiting for the worker */
#define KW_FAULT_FRAMES		32	/* stack entries looked at */
#define KW_FAULT_MODS		64	/* modules with a fault count */
#define KW_FAULT_MODLIST_MAX	4096	/* modules looked at per address */

enum {
	KW_REC_FREE,
	KW_REC_BUSY,		/* a tap is writing it */
	KW_REC_READY,
};

struct kw_fault_rec {
	atomic_t state;
	u32 fault;		/* enum kw_fault */
	u64 seq;
	unsigned long ip;	/* where the fault happened */
	unsigned long frame;	/* the module frame blamed, if not ip */
	u32 taints_old;
	u32 taint;		/* the taint bit the fault adds */
	u32 pid;
	u32 uid;
	char comm[TASK_COMM_LEN];
	char module[MODULE_NAME_LEN];
	unsigned long stack[KW_FAULT_FRAMES];
};

struct kw_fault_mod {
	char name[MODULE_NAME_LEN];
	u32 count;
	u64 last_ns;
};

static struct kw_fault_rec kw_ring[KW_FAULT_RING];
static atomic64_t kw_fault_next;	/* sequence of faults seen */
static atomic64_t kw_fault_lost;	/* ring full */
static atomic64_t kw_fault_seen;

static DEFINE_MUTEX(kw_fault_lock);	/* the table, in process context */
static struct kw_fault_mod kw_mods[KW_FAULT_MODS];
static u32 kw_core_faults;

static struct list_head *kw_fault_modules;
static DEFINE_PER_CPU(int, kw_fault_busy);	/* a tap is running here */
static bool kw_tp_on, kw_die_on;
static struct irq_work kw_fault_kick;
static struct work_struct kw_fault_work;

/* ---- in the faulting context: nothing that can sleep, lock or fail ---- */

static u32 kw_taints(void)
{
	u32 t = 0;
	int i;

	for (i = 0; i < TAINT_FLAGS_COUNT && i < 32; i++)
		if (test_taint(i))
			t |= 1U << i;
	return t;
}

/* The module whose code holds @addr, as print_modules() walks them */
static const struct module *kw_code_owner(unsigned long addr)
{
	const struct module *mod, *found = NULL;
	unsigned int n = 0;

	if (!kw_fault_modules || !addr)
		return NULL;
	rcu_read_lock();
	list_for_each_entry_rcu(mod, kw_fault_modules, list) {
		if (++n > KW_FAULT_MODLIST_MAX)
			break;
		if (mod->state == MODULE_STATE_UNFORMED)
			continue;
		if (kw_mod_text_has(mod, addr)) {
			found = mod;
			break;
		}
	}
	rcu_read_unlock();
	return found;
}

static void kw_rec_blame(struct kw_fault_rec *r, const struct module *mod)
{
	/* the name is in the module's own memory: copy it while it is there */
	strscpy(r->module, mod->name, sizeof(r->module));
}

/*
 * Core code faulted: the first module frame below the faulting one.  The
 * walk starts in the tap, so the frames up to the fault's own ip are the
 * fault path (and kwarden's tap); if the ip is not found, every frame but
 * kwarden's counts.
 */
static void kw_rec_walk(struct kw_fault_rec *r)
{
	const struct module *mod;
	unsigned int n, i, from = 0;

	n = stack_trace_save(r->stack, KW_FAULT_FRAMES, 0);
	for (i = 0; i < n; i++)
		if (r->stack[i] == r->ip) {
			from = i + 1;
			break;
		}
	for (i = from; i < n; i++) {
		mod = kw_code_owner(r->stack[i]);
		if (mod && mod != THIS_MODULE) {
			r->frame = r->stack[i];
			kw_rec_blame(r, mod);
			return;
		}
	}
}

/*
 * Runs with preemption off (tracepoint, die notifier). A fault inside the
 * tap itself, or in an interrupt that came while it ran, finds the CPU
 * busy and is only counted: the tap must never feed an oops loop.
 */
static void kw_fault_record(u32 fault, unsigned long ip, u32 taint)
{
	const struct module *mod;
	struct kw_fault_rec *r;
	u64 seq;

	atomic64_inc(&kw_fault_seen);
	if (this_cpu_inc_return(kw_fault_busy) != 1) {
		atomic64_inc(&kw_fault_lost);
		goto out;
	}
	seq = atomic64_inc_return(&kw_fault_next);
	r = &kw_ring[seq % KW_FAULT_RING];
	if (atomic_cmpxchg(&r->state, KW_REC_FREE, KW_REC_BUSY) != KW_REC_FREE) {
		atomic64_inc(&kw_fault_lost);
		goto out;
	}
	r->seq = seq;
	r->fault = fault;
	r->ip = ip;
	r->frame = 0;
	r->module[0] = '\0';
	r->taints_old = kw_taints();
	r->taint = taint;
	r->pid = task_tgid_nr(current);
	r->uid = from_kuid(&init_user_ns, current_uid());
	strscpy(r->comm, current->comm, sizeof(r->comm));
	mod = kw_code_owner(ip);
	if (mod)
		kw_rec_blame(r, mod);
	else
		kw_rec_walk(r);
	atomic_set_release(&r->state, KW_REC_READY);
	irq_work_queue(&kw_fault_kick);
out:
	this_cpu_dec(kw_fault_busy);
}

/* __warn(): id is the address of the WARN */
static void kw_on_error_report(void *data, enum error_detector detector,
			       unsigned long id)
{
	if (detector == ERROR_DETECTOR_WARN)
		kw_fault_record(KW_FAULT_WARNING, id, TAINT_WARN);
}

/* BUG() traps on its ud2 with #UD; anything else that dies is an oops */
static bool kw_is_bug(const struct die_args *args)
{
	u8 insn[2];

	return args->trapnr == X86_TRAP_UD &&
	       !copy_from_kernel_nofault(insn, (void *)args->regs->ip, 2) &&
	       insn[0] == 0x0f && insn[1] == 0x0b;
}

static int kw_on_die(struct notifier_block *nb, unsigned long val, void *data)
{
	struct die_args *args = data;

	if (val != DIE_OOPS || !args || !args->regs || user_mode(args->regs))
		return NOTIFY_DONE;
	kw_fault_record(kw_is_bug(args) ? KW_FAULT_BUG : KW_FAULT_OOPS,
			args->regs->ip, TAINT_DIE);
	return NOTIFY_DONE;
}

static struct notifier_block kw_die_nb = {
	.notifier_call = kw_on_die,
};

static void kw_fault_kick_fn(struct irq_work *w)
{
	schedule_work(&kw_fault_work);
}

/* ---- in process context: the table and the alerts ---- */

/* Called with kw_fault_lock: the module's fault count, incremented */
static u32 kw_fault_count_add(const char *name)
{
	struct kw_fault_mod *m, *oldest = &kw_mods[0];
	int i;

	if (!name[0])
		return ++kw_core_faults;
	for (i = 0; i < KW_FAULT_MODS; i++) {
		m = &kw_mods[i];
		if (!strcmp(m->name, name))
			goto found;
		if (m->last_ns < oldest->last_ns)
			oldest = m;
	}
	/* a new module takes a free slot, or the one quiet the longest */
	m = oldest;
	strscpy(m->name, name, sizeof(m->name));
	m->count = 0;
found:
	m->last_ns = ktime_get_ns();
	return ++m->count;
}

static void kw_fault_alert(const struct kw_fault_rec *r)
{
	struct kw_alert a = {
		.kind = KW_KIND_module_fault,
		.action = KW_ACTION_logged,
		.slot = -1,
		.has = KW_AF_FAULT | KW_AF_TASK,
	};
	char owner[KW_NAME_LEN];
	u64 off;

	a.fault = r->fault;
	a.addr = r->ip;
	a.taints_old = r->taints_old;
	a.taints = r->taints_old | (1U << r->taint);
	a.pid = r->pid;
	a.uid = r->uid;
	strscpy(a.comm, r->comm, sizeof(a.comm));
	strscpy(a.module, r->module, sizeof(a.module));
	kw_describe(r->ip, a.symbol, sizeof(a.symbol), &a.offset, owner,
		    sizeof(owner));
	if (r->frame) {
		a.target = r->frame;
		kw_describe(r->frame, a.target_sym, sizeof(a.target_sym), &off,
			    NULL, 0);
	}
	mutex_lock(&kw_fault_lock);
	a.count = kw_fault_count_add(r->module);
	mutex_unlock(&kw_fault_lock);
	kw_alert_raise(&a);
}

/* The oldest ready record, taken out of the ring; false if none */
static bool kw_fault_take(struct kw_fault_rec *out)
{
	struct kw_fault_rec *r, *best = NULL;
	int i;

	for (i = 0; i < KW_FAULT_RING; i++) {
		r = &kw_ring[i];
		if (atomic_read_acquire(&r->state) != KW_REC_READY)
			continue;
		if (!best || r->seq < best->seq)
			best = r;
	}
	if (!best)
		return false;
	memcpy(out, best, sizeof(*out));
	atomic_set_release(&best->state, KW_REC_FREE);
	return true;
}

static void kw_fault_work_fn(struct work_struct *work)
{
	static struct kw_fault_rec rec;	/* only this work item uses it */
	int i;

	/* bounded: what is left comes back with the next kick */
	for (i = 0; i < KW_FAULT_RING && kw_fault_take(&rec); i++)
		kw_fault_alert(&rec);
	if (i == KW_FAULT_RING)
		schedule_work(&kw_fault_work);
}

/* ---- what others ask ---- */

u32 kw_fault_count(const char *module)
{
	u32 n = 0;
	int i;

	mutex_lock(&kw_fault_lock);
	for (i = 0; i < KW_FAULT_MODS; i++)
		if (kw_mods[i].name[0] && !strcmp(kw_mods[i].name, module))
			n = kw_mods[i].count;
	mutex_unlock(&kw_fault_lock);
	return n;
}

u64 kw_fault_total(void)
{
	return atomic64_read(&kw_fault_seen);
}

u64 kw_fault_drops(void)
{
	return atomic64_read(&kw_fault_lost);
}

void kw_fault_init(void)
{
	int err;

	kw_fault_modules = (struct list_head *)kw_lookup_name("modules");
	if (!kw_fault_modules)
		pr_warn("module list unknown: faults blamed on nobody\n");
	init_irq_work(&kw_fault_kick, kw_fault_kick_fn);
	INIT_WORK(&kw_fault_work, kw_fault_work_fn);

	err = register_trace_error_report_end(kw_on_error_report, NULL);
	if (err)
		pr_warn("no error_report tracepoint (%d): warnings go unattributed\n",
			err);
	kw_tp_on = !err;
	err = register_die_notifier(&kw_die_nb);
	if (err)
		pr_warn("no die notifier (%d): BUG and oops go unattributed\n",
			err);
	kw_die_on = !err;
}

void kw_fault_exit(void)
{
	if (kw_tp_on)
		unregister_trace_error_report_end(kw_on_error_report, NULL);
	if (kw_die_on)
		unregister_die_notifier(&kw_die_nb);
	tracepoint_synchronize_unregister();
	irq_work_sync(&kw_fault_kick);
	cancel_work_sync(&kw_fault_work);
}
