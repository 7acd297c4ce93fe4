#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# report.py - turn the "@kwb ..." lines of a bench VM run (tools/bench.d/
# bench.sh) into figures: a table for people on stdout, and a JSON file
# for machines.  Only ratios measured within the one boot mean anything:
# the VM is emulated (TCG), so absolute times are 10-30x off.
#
#   report.py OUTPUT_LOG --meta META_JSON [--json OUT.json]...
#
# META_JSON (from tools/bench) carries the git commit, the bench settings
# and the VM runner's verdict; it is copied into the result.

import argparse
import json
import math
import random
import sys

SYSCALLS = ["open_close", "stat", "execve", "fork_exit", "sched_yield",
            "pipe", "module_load", "module_load_exp"]
REFERENCE = "getppid"    # a system call kwarden does not touch: a control
MIB = 1024 * 1024
USER_HZ = 100           # x86: /proc/PID/stat counts in 1/100 s
NS = 1e9

# (key, label, comparison, goal) - every figure a goal is given for
GOALS = [
    ("ratios.open_close", "open+close ratio", "<=", 1.03),
    ("ratios.execve", "execve ratio", "<=", 1.03),
    ("ratios.sched_yield", "sched_yield ratio", "<=", 1.03),
    ("ratios.pipe", "pipe ratio", "<=", 1.03),
    ("ratios.module_load", "module load ratio", "<=", 1.10),
    ("scan_vs_raw_read", "full pass vs raw read", ">=", 0.5),
    ("detect_p99_s", "detection p99 (s)", "<=", 1.0),
    ("cpu_idle_pct", "CPU idle (% of a core)", "<=", 1.0),
    ("kmod_bytes", "kwarden.ko allocations", "<=", 1 * MIB),
    ("kwardend_rss_bytes", "kwardend RSS", "<=", 16 * MIB),
]


def median(xs):
    xs = sorted(x for x in xs if x is not None)
    if not xs:
        return None
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


def percentile(xs, p):
    """Nearest rank: the smallest sample with at least p% at or below."""
    xs = sorted(xs)
    if not xs:
        return None
    return xs[max(0, math.ceil(p / 100 * len(xs)) - 1)]


def bootstrap_ci(num, den, n=2000, seed=1):
    """90 % interval of median(num) / median(den), rounds resampled."""
    if len(num) < 3 or len(den) < 3:
        return None
    rng = random.Random(seed)
    rs = sorted(median(rng.choices(num, k=len(num))) /
                median(rng.choices(den, k=len(den))) for _ in range(n))
    return [round(rs[int(0.05 * n)], 4), round(rs[int(0.95 * n) - 1], 4)]


def ratio(a, b):
    return a / b if a is not None and b else None


def rnd(x, nd=4):
    return None if x is None else round(x, nd)


class Run:
    """Everything bench.sh printed, by kind."""

    def __init__(self, path):
        self.status = {}        # label -> [status objects]
        self.times = {}         # label -> us
        self.pstat = {}         # label -> kwardend's ns on a CPU
        self.bpf = {}           # label -> {name: (cnt, ns)}
        self.runs = {}          # config -> workload -> [ns per op]
        self.raw = []           # (bytes, sum_ns, xxh_ns)
        self.detect = []        # (us from before insmod, us of insmod)
        self.detect_timeouts = 0
        self.kernel = None
        self.params = {}
        self.config_params = {}
        self.modsize = None
        self.rss_kb = None
        self.hwm_kb = None
        self.mix = None
        self.failed = None
        self.done = False
        with open(path, errors="replace") as f:
            for line in f:
                if line.startswith("@kwb "):
                    self.parse(line.rstrip("\n")[5:])

    def parse(self, rest):
        kind, _, rest = rest.partition(" ")
        handler = getattr(self, "on_" + kind, None)
        if handler:
            handler(rest)
        elif kind in ("none", "default", "full"):
            self.on_workload(kind, rest)

    def on_kernel(self, rest):
        self.kernel = rest.strip()

    def on_params(self, rest):
        label, _, vals = rest.partition(" ")
        self.params[label] = vals.strip()

    def on_config_params(self, rest):
        label, _, vals = rest.partition(" ")
        self.config_params[label] = vals.strip()

    def on_status(self, rest):
        label, _, js = rest.partition(" ")
        try:
            obj = json.loads(js)
        except ValueError:
            return
        self.status.setdefault(label, []).append(obj)

    def on_time(self, rest):
        label, us = rest.split()
        self.times[label] = int(us)

    def on_pstat(self, rest):
        # "LABEL UTIME STIME [RUN_NS]": ticks from /proc/PID/stat, and ns
        # on a CPU from /proc/PID/schedstat when the kernel has it
        parts = rest.split()
        if len(parts) == 4:
            self.pstat[parts[0]] = int(parts[3])
        elif len(parts) == 3:
            self.pstat[parts[0]] = (int(parts[1]) + int(parts[2])) * \
                (NS / USER_HZ)

    def on_bpf(self, rest):
        parts = rest.split()
        if len(parts) >= 6:
            label, cnt, ns, name = parts[0], parts[3], parts[4], parts[5]
            self.bpf.setdefault(label, {})[name] = (int(cnt), int(ns))

    def on_workload(self, config, rest):
        # "ROUND run WORKLOAD ITERS NS"
        parts = rest.split()
        if len(parts) != 5 or parts[1] != "run":
            return
        iters, ns = int(parts[3]), int(parts[4])
        if iters and ns:
            w = self.runs.setdefault(config, {})
            w.setdefault(parts[2], []).append(ns / iters)

    def on_raw(self, rest):
        # "ROUND bytes B pages P sum_ns S xxh_ns X"
        f = rest.split()[1:]
        kv = dict(zip(f[0::2], f[1::2]))
        try:
            self.raw.append((int(kv["bytes"]), int(kv["sum_ns"]),
                             int(kv["xxh_ns"])))
        except (KeyError, ValueError):
            pass

    def on_detect(self, rest):
        _, total, ins = rest.split()
        self.detect.append((int(total), int(ins)))

    def on_detect_timeout(self, rest):
        self.detect_timeouts += 1

    def on_modsize(self, rest):
        self.modsize = int(rest) if rest.strip().isdigit() else None

    def on_rss_kb(self, rest):
        parts = rest.split()
        self.rss_kb = int(parts[0]) if parts else None
        self.hwm_kb = int(parts[1]) if len(parts) > 1 else None

    def on_mix(self, rest):
        ops, ns = rest.split()
        self.mix = (int(ops), int(ns))

    def on_failed(self, rest):
        self.failed = rest

    def on_done(self, rest):
        self.done = True

    # ---- helpers ----
    def kmod(self, label, i=-1):
        sts = self.status.get(label) or []
        if not sts:
            return None
        return kmod_of(sts[i])

    def kmod_all(self, *labels):
        out = []
        for label in labels:
            out += [k for k in map(kmod_of, self.status.get(label, [])) if k]
        return out


def kmod_of(obj):
    """The kmod part of a status, or the object "kwardenctl scan" gives."""
    for key in ("kmod", "scan"):
        if isinstance(obj.get(key), dict):
            return obj[key]
    return obj if "last_scan_ns" in obj else None


def scan_total_ns(k):
    """The kmod's cumulative pass time, if this kwarden reports it."""
    for key in ("scan_ns_total", "total_scan_ns"):
        if isinstance(k.get(key), int):
            return k[key]
    return None


def scanned_bytes(k):
    # golden_bytes is the watched size only with golden=1; pages always
    if k.get("pages"):
        return k["pages"] * 4096
    return k.get("golden_bytes") or None


def syscall_figures(run, res):
    def runs(c, w):
        return run.runs.get(c, {}).get(w, [])

    allw = SYSCALLS + [REFERENCE]
    med = {c: {w: median(runs(c, w)) for w in allw}
           for c in ("none", "default", "full")}
    res["per_op_ns"] = {c: {w: rnd(v, 1) for w, v in m.items()}
                        for c, m in med.items()}
    res["ratios"] = {w: rnd(ratio(med["default"][w], med["none"][w]))
                     for w in SYSCALLS}
    res["ratios_full"] = {w: rnd(ratio(med["full"][w], med["none"][w]))
                          for w in SYSCALLS}
    for c, suffix in (("default", ""), ("full", "_full")):
        res["syscall_entry_ratio" + suffix] = rnd(
            ratio(med[c][REFERENCE], med["none"][REFERENCE]))
    spread, ci, ci_full = {}, {}, {}
    for w in allw:
        pairs = [d / n for d, n in zip(runs("default", w), runs("none", w))]
        spread[w] = [rnd(min(pairs)), rnd(max(pairs))] if pairs else None
        ci[w] = bootstrap_ci(runs("default", w), runs("none", w))
        ci_full[w] = bootstrap_ci(runs("full", w), runs("none", w))
    res["ratio_spread"] = spread
    res["ratios_ci90"] = ci
    res["ratios_full_ci90"] = ci_full
    res["rounds"] = min((len(v) for c in run.runs.values()
                         for v in c.values()), default=0)


def scan_figures(run, res):
    forced = [k["last_scan_ns"] for k in run.kmod_all("scan")
              if k.get("last_scan_ns")]
    idle = [k["last_scan_ns"] for k in
            run.kmod_all("idle0", "idle_sample", "idle1")
            if k.get("last_scan_ns")]
    passes_full = [k["last_scan_ns"] for k in run.kmod_all("pass_full")
                   if k.get("last_scan_ns")]
    k = run.kmod("mem") or run.kmod("start") or {}
    nbytes = scanned_bytes(k)
    pass_ns = median(forced + idle)
    res["full_pass_ms"] = rnd(pass_ns / 1e6 if pass_ns else None, 3)
    res["full_pass_ms_idle"] = rnd(median(idle) / 1e6 if idle else None, 3)
    res["full_pass_ms_full"] = rnd(median(passes_full) / 1e6
                                   if passes_full else None, 3)
    res["full_pass_samples"] = len(forced) + len(idle)
    res["scan_bytes"] = nbytes
    raw_bytes = run.raw[0][0] if run.raw else None
    res["raw_read_bytes"] = raw_bytes
    res["raw_read_samples"] = len(run.raw)
    # each forced pass is paired with the raw read right after it
    speed = lambda b, ns: b / (ns / NS) if b and ns else None
    pairs = list(zip(forced, run.raw))
    res["scan_bytes_per_s"] = rnd(speed(nbytes, median(forced)), 0)
    res["raw_read_bytes_per_s"] = rnd(
        speed(raw_bytes, median([r[1] for r in run.raw])), 0)
    res["xxh64_bytes_per_s"] = rnd(
        speed(raw_bytes, median([r[2] for r in run.raw])), 0)
    res["scan_vs_raw_read"] = rnd(median(
        [ratio(speed(nbytes, s), speed(r[0], r[1])) for s, r in pairs]))
    res["scan_vs_xxh64"] = rnd(median(
        [ratio(speed(nbytes, s), speed(r[0], r[2])) for s, r in pairs]))


def detect_figures(run, res):
    lat = [d[0] / 1e6 for d in run.detect]
    res["detect_samples"] = len(lat)
    res["detect_timeouts"] = run.detect_timeouts
    if run.detect_timeouts:
        # a missed detection counts as "never": p99 is then infinite
        lat += [math.inf] * run.detect_timeouts
    res["detect_p50_s"] = rnd(percentile(lat, 50), 3)
    p99 = percentile(lat, 99)
    res["detect_p99_s"] = None if p99 == math.inf else rnd(p99, 3)
    res["detect_max_s"] = rnd(max(lat), 3) if lat and max(lat) < math.inf \
        else None
    res["detect_insmod_ms"] = rnd(median([d[1] / 1e3 for d in run.detect]), 1)


def bpf_delta(run, a, b):
    """{program: (calls, ns)} between two snapshots, kwarden's only."""
    out = {}
    for name, (cnt, ns) in run.bpf.get(b, {}).items():
        c0, n0 = run.bpf.get(a, {}).get(name, (0, 0))
        if name.startswith("kw_"):
            out[name] = (cnt - c0, ns - n0)
    return out


def cpu_window(run, a, b, sample_label):
    """Percent of one CPU kwarden used between snapshots a and b."""
    if a not in run.times or b not in run.times:
        return None
    wall_ns = (run.times[b] - run.times[a]) * 1000
    k0, k1 = run.kmod(a), run.kmod(b)
    scan_ns = method = None
    if k0 and k1:
        t0, t1 = scan_total_ns(k0), scan_total_ns(k1)
        if t0 is not None and t1 is not None:
            scan_ns, method = t1 - t0, "scan_ns_total"
        else:
            durs = [k["last_scan_ns"] for k in
                    [k0, k1] + run.kmod_all(sample_label)
                    if k.get("last_scan_ns")]
            scan_ns = (k1["scans"] - k0["scans"]) * (median(durs) or 0)
            method = "scans x median(last_scan_ns)"
    daemon_ns = None
    if a in run.pstat and b in run.pstat:
        daemon_ns = run.pstat[b] - run.pstat[a]
    bpf = bpf_delta(run, a, b)
    bpf_ns = sum(ns for _, ns in bpf.values()) if run.bpf.get(b) else None
    parts = [x for x in (scan_ns, daemon_ns, bpf_ns) if x is not None]
    pct = lambda x: rnd(100 * x / wall_ns, 3) if x is not None else None
    return {
        "window_s": rnd(wall_ns / NS, 1),
        "pct": pct(sum(parts)) if parts else None,
        "scan_pct": pct(scan_ns),
        "scan_method": method,
        "kwardend_pct": pct(daemon_ns),
        "bpf_pct": pct(bpf_ns),
        "scans": (k1["scans"] - k0["scans"]) if k0 and k1 else None,
    }


def cpu_figures(run, res):
    idle = cpu_window(run, "idle0", "idle1", "idle_sample")
    load = cpu_window(run, "load0", "load1", "load_sample")
    res["cpu_idle_pct"] = idle["pct"] if idle else None
    res["cpu_load_pct"] = load["pct"] if load else None
    # Under load a pass's last_scan_ns (and so scan_ns_total) also counts
    # the time its kworker waited for the load's processes: the same
    # passes at their idle duration give the lower figure.
    idle_pass = median([k["last_scan_ns"] for k in
                        run.kmod_all("idle0", "idle_sample", "idle1")
                        if k.get("last_scan_ns")])
    if load and load.get("scans") is not None and idle_pass and \
            load.get("scan_pct") is not None:
        est = load["scans"] * idle_pass
        wall = load["window_s"] * NS
        load["scan_pct_at_idle_pass"] = rnd(100 * est / wall, 3)
        load["pct_at_idle_pass"] = rnd(load["pct"] - load["scan_pct"] +
                                       100 * est / wall, 3)
    res["cpu"] = {"idle": idle, "load": load}
    if run.mix:
        res["cpu"]["load_ops_per_s"] = rnd(run.mix[0] / (run.mix[1] / NS), 0)
    bpf = {}
    # every call since bpf_stats went on: the idle and load windows and
    # the module loads
    for name, (cnt, ns) in sorted(bpf_delta(run, "idle0", "bpf1").items()):
        bpf[name] = {"calls": cnt,
                     "ns_per_call": round(ns / cnt) if cnt else None}
    res["bpf"] = bpf


def memory_figures(run, res):
    k = run.kmod("mem") or {}
    base, gold = k.get("baseline_bytes"), k.get("golden_bytes")
    res["kmod_baseline_bytes"] = base
    res["kmod_golden_bytes"] = gold
    res["kmod_bytes"] = (base or 0) + (gold or 0) if k else None
    g = run.kmod("mem_golden") or {}
    res["kmod_bytes_golden"] = (g.get("baseline_bytes", 0) +
                                g.get("golden_bytes", 0)) if g else None
    res["kmod_image_bytes"] = run.modsize
    res["kwardend_rss_bytes"] = run.rss_kb * 1024 if run.rss_kb else None
    res["kwardend_hwm_bytes"] = run.hwm_kb * 1024 if run.hwm_kb else None


def lookup(res, key):
    v = res
    for part in key.split("."):
        v = v.get(part) if isinstance(v, dict) else None
    return v


def judge(res):
    goals, missed = {}, []
    for key, label, op, goal in GOALS:
        v = lookup(res, key)
        met = None if v is None else (v <= goal if op == "<=" else v >= goal)
        goals[key] = {"value": v, "goal": f"{op} {goal}", "met": met}
        if key.startswith("ratios."):
            ci = res["ratios_ci90"].get(key.split(".", 1)[1])
            goals[key]["ci90"] = ci
            # the goal lies inside the interval: the noise decides
            goals[key]["within_noise"] = bool(ci and ci[0] <= goal <= ci[1])
        if met is not True:
            missed.append(key)
    res["goals"] = goals
    res["missed"] = missed


def fmt(v, unit=""):
    if v is None:
        return "n/a"
    if isinstance(v, float):
        return f"{v:.3f}{unit}" if abs(v) < 100 else f"{v:.0f}{unit}"
    return f"{v}{unit}"


def goal_word(res, key):
    g = res["goals"].get(key)
    if not g:
        return ""
    word = {True: "ok", False: "MISSED", None: "NOT MEASURED"}[g["met"]]
    if g.get("within_noise"):
        word += " (within noise)"
    op, goal = g["goal"].split()
    goal = float(goal)
    text = f"{op} {goal / MIB:g} MiB" if goal >= MIB else f"{op} {goal:g}"
    return f"{text:>12}  {word}"


def human_bytes(n):
    if n is None:
        return "n/a"
    return f"{n / MIB:.2f} MiB" if n >= MIB else f"{n / 1024:.0f} KiB"


def print_table(res):
    p = print
    p()
    p(f"kwarden bench: kernel {res.get('kernel')}, commit "
      f"{res['git_commit']}{' (dirty tree)' if res.get('git_dirty') else ''}"
      f", {res.get('rounds')} rounds")
    p("configs: none (kwarden out), default ("
      f"{res['config']['default'] or 'no parameters'}), full ("
      f"{res['config']['full']})")
    clock = res.get("vm", {}).get("clock", "")
    p(f"TCG VM, guest clock: {clock}; absolute times are emulated, only the "
      "ratios mean anything.")
    p()
    p(f"{'workload':<15} {'none/op':>10} {'default':>8} {'90% CI':>11} "
      f"{'full':>8} {'90% CI':>11}  goal (default)")
    for w in SYSCALLS + [REFERENCE]:
        none = res["per_op_ns"]["none"][w]
        ci = res["ratios_ci90"].get(w)
        ci = f"{ci[0]:.2f}..{ci[1]:.2f}" if ci else "n/a"
        cf = res["ratios_full_ci90"].get(w)
        cf = f"{cf[0]:.2f}..{cf[1]:.2f}" if cf else "n/a"
        if w == REFERENCE:
            r, rf = res["syscall_entry_ratio"], res["syscall_entry_ratio_full"]
        else:
            r, rf = res["ratios"][w], res["ratios_full"][w]
        p(f"{w:<15} {fmt(none and none / 1000, ' us'):>10} {fmt(r):>8} "
          f"{ci:>11} {fmt(rf):>8} {cf:>11}  {goal_word(res, 'ratios.' + w)}")
    p("  default, full: kwarden's median time an operation over none's, with "
      "a bootstrap")
    p("  90 % interval over the rounds; getppid: a system call kwarden does "
      "not touch;")
    p("  module_load_exp: module_load with expedited RCU grace periods (its "
      "work, not its waits)")
    p()
    rows = [
        ("full pass (default)", fmt(res["full_pass_ms"], " ms"), ""),
        ("full pass (full)", fmt(res["full_pass_ms_full"], " ms"), ""),
        ("scan vs raw read", fmt(res["scan_vs_raw_read"]),
         goal_word(res, "scan_vs_raw_read")),
        ("scan vs xxh64 loop", fmt(res["scan_vs_xxh64"]), ""),
        ("detect p50", fmt(res["detect_p50_s"], " s"), ""),
        ("detect p99", fmt(res["detect_p99_s"], " s"),
         goal_word(res, "detect_p99_s")),
        ("CPU idle", fmt(res["cpu_idle_pct"], " %"),
         goal_word(res, "cpu_idle_pct")),
        ("CPU under load", fmt(res["cpu_load_pct"], " %"), ""),
        ("kwarden.ko allocs", human_bytes(res["kmod_bytes"]),
         goal_word(res, "kmod_bytes")),
        ("kwardend RSS", human_bytes(res["kwardend_rss_bytes"]),
         goal_word(res, "kwardend_rss_bytes")),
    ]
    for name, val, goal in rows:
        p(f"{name:<22} {val:>12}  {goal}")
    for which in ("idle", "load"):
        c = res["cpu"].get(which)
        if c:
            p(f"  CPU {which}: scan {fmt(c['scan_pct'], '%')} "
              f"({c['scan_method']}), kwardend {fmt(c['kwardend_pct'], '%')}"
              f", BPF {fmt(c['bpf_pct'], '%')} over {c['window_s']} s")
    c = res["cpu"].get("load") or {}
    if c.get("pct_at_idle_pass") is not None:
        p(f"  CPU under load with passes at their idle length: "
          f"{fmt(c['pct_at_idle_pass'], ' %')} (a pass under load also "
          "counts its waits)")
    p(f"  kwarden.ko: baseline {human_bytes(res['kmod_baseline_bytes'])} + "
      f"copies {human_bytes(res['kmod_golden_bytes'])}; with golden=1 "
      f"{human_bytes(res.get('kmod_bytes_golden'))}; module image "
      f"{human_bytes(res['kmod_image_bytes'])}")
    idle = []
    for name, b in res["bpf"].items():
        if not b["calls"]:
            idle.append(name)
            continue
        p(f"  BPF {name}: {b['calls']} calls, {fmt(b['ns_per_call'], ' ns')}"
          " a call")
    if idle:
        p("  BPF, not called: " + ", ".join(idle))
    p()
    if res["missed"]:
        p("goals missed: " + ", ".join(res["missed"]))
    else:
        p("all goals met")
    for note in res.get("notes", []):
        p("note: " + note)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("log")
    ap.add_argument("--meta", required=True)
    ap.add_argument("--json", action="append", default=[])
    args = ap.parse_args()

    with open(args.meta) as f:
        meta = json.load(f)
    run = Run(args.log)
    res = {"kernel": run.kernel}
    res.update(meta)
    res["config"] = dict(meta.get("config", {}), **run.config_params)
    res["guest_params"] = run.params
    res["complete"] = run.done and not run.failed
    syscall_figures(run, res)
    scan_figures(run, res)
    detect_figures(run, res)
    cpu_figures(run, res)
    memory_figures(run, res)
    judge(res)
    notes = []
    if run.failed:
        notes.append("the guest script failed: " + run.failed)
    if not run.done:
        notes.append("the guest script did not finish: figures incomplete")
    k = run.kmod("mem") or {}
    if k and scan_total_ns(k) is None:
        notes.append("status has no cumulative scan time (scan_ns_total): "
                     "scan CPU estimated as passes x median pass time")
    res["notes"] = notes
    print_table(res)
    for path in args.json:
        with open(path, "w") as f:
            json.dump(res, f, indent=2, sort_keys=False)
            f.write("\n")
    return 0 if res["complete"] else 1


if __name__ == "__main__":
    sys.exit(main())
