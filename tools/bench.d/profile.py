#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# profile.py - the table of "tools/bench --profile": what open+close and a
# module load pay for, part by part.  bench.sh takes kwarden apart in one
# boot, one part a step (kwarden.ko, kwardend, the file_open programs, the
# module-load programs), and prints "@kwb prof PART ROUND run W ITERS NS".
#
#   profile.py OUTPUT_LOG [--json OUT.json]
#
# W_exp is W with expedited RCU grace periods.  Each part's median time per operation over the rounds, its ratio to
# "none" with a bootstrap 90 % interval, and the step from the part before.

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from report import bootstrap_ci, median, rnd  # noqa: E402

PARTS = [
    ("none", "no kwarden"),
    ("kmod", "kwarden.ko alone"),
    ("default", "kwarden.ko + kwardend + BPF (default)"),
    ("no_daemon", "kwardend stopped (pins stay, guard unlocked)"),
    ("no_open", "  and the file_open programs unpinned"),
    ("no_modbpf", "  and the module-load BPF programs unpinned"),
]


def parse(path):
    runs, loads = {}, None
    with open(path, errors="replace") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 8 and parts[:2] == ["@kwb", "prof"] and \
                    parts[4] == "run":
                part, w = parts[2], parts[5]
                iters, ns = int(parts[6]), int(parts[7])
                if iters and ns:
                    runs.setdefault(part, {}).setdefault(w, []).append(
                        ns / iters)
            elif line.startswith("@kwb hash "):
                loads = line[len("@kwb hash "):].strip()
    return runs, loads


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("log")
    ap.add_argument("--json")
    args = ap.parse_args()
    runs, loads = parse(args.log)
    none = runs.get("none", {})
    res = {"parts": {}, "hash": loads}
    for w in sorted({w for r in runs.values() for w in r}):
        print(f"{w}: ns per operation (instructions under icount)")
        print(f"  {'part':<48} {'median':>12} {'ratio':>7} "
              f"{'90% interval':>16} {'step':>10}")
        prev = None
        for part, label in PARTS:
            xs = runs.get(part, {}).get(w)
            if not xs:
                continue
            m = median(xs)
            base = median(none.get(w, []))
            ci = bootstrap_ci(xs, none.get(w, []))
            step = m - prev if prev is not None else 0
            prev = m
            res["parts"].setdefault(part, {})[w] = {
                "median_ns": rnd(m, 1), "ratio": rnd(m / base if base else None),
                "ci90": ci, "step_ns": rnd(step, 1), "rounds": len(xs)}
            civ = f"{ci[0]:.3f}-{ci[1]:.3f}" if ci else "-"
            print(f"  {label:<48} {m:>12.1f} {m / base:>7.3f} "
                  f"{civ:>16} {step:>+10.1f}")
    if loads:
        print("kwarden.ko: " + loads)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(res, f, indent=2)
            f.write("\n")
    return 0 if runs else 1


if __name__ == "__main__":
    sys.exit(main())
