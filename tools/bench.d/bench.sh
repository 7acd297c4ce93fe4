#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
#
# bench.sh - runs inside the bench VM (tools/bench), as root, with kwarden
# started by the VM runner in its default configuration.
#
# Measures, in this one boot:
#   1. detection latency: kw_rootkit_text.ko writes a jmp into core text,
#      time until kwardenctl lists a new kernel_text_modified alert;
#   2. steady-state CPU of kwarden (scan time, kwardend, BPF) over an idle
#      window and a syscall-heavy window, and BPF run time per call;
#   3. memory: kwarden.ko's allocations, kwardend's RSS;
#   4. ROUNDS rounds of the syscall workloads in three configurations, in
#      turns (none, default, full, none, default, full, ...), plus, in the
#      default one, full passes forced through "kwardenctl scan", each
#      followed by a raw read of the same bytes (kw_rawread.ko).
#
# Settings come from /opt/extra/bench.conf (written by tools/bench).  The
# results are printed as "@kwb ..." lines for tools/bench.d/report.py;
# lines starting with "#" are progress for people.

KWB=/opt/extra/kwbench
MODS=/opt/kwarden/selftests/modules
KO=/opt/kwarden/kwarden.ko

ROUNDS=11
CONFIGS="none default full"
DEFAULT_PARAMS=
FULL_PARAMS=interval_ms=100
GOLDEN_PARAMS=golden=1
WORKLOADS="open_close stat execve fork_exit sched_yield pipe module_load module_load_exp getppid"
# iterations of each workload (read through eval, in run_workloads)
# shellcheck disable=SC2034
N_open_close=35000 N_stat=50000 N_execve=60 N_fork_exit=150 \
	N_sched_yield=170000 N_pipe=2500 N_module_load=14 N_getppid=350000
DETECT_N=25
IDLE_S=60
LOAD_S=60
SAMPLE_S=10
RAW_N=3
BPF_LOADS=20
SETTLE_S=1
JITTER=0
PROF_WORKLOADS=		# set: the profile (tools/bench --profile) instead
# shellcheck disable=SC1091
[ -r /opt/extra/bench.conf ] && . /opt/extra/bench.conf

CUR=default

out()
{
	echo "@kwb $*"
}

say()
{
	echo "# $*"
}

fail()
{
	say "FAILED: $*"
	out failed "$*"
	exit 1
}

# Microseconds of CLOCK_REALTIME, without forking.
now_us()
{
	# shellcheck disable=SC3028 # busybox ash has it
	local t=$EPOCHREALTIME

	NOW=${t%.*}${t#*.}
}

jnum()
{
	sed -n "s/.*\"$1\":\([0-9][0-9]*\).*/\1/p"
}

status()
{
	timeout 20 kwardenctl --json status 2> /dev/null
}

scans()
{
	status | jnum scans
}

# ---- switching configurations ----

kw_bpf_left()
{
	"$KWB" bpf | grep -c ' kw_'
}

# kwardend's self-protection denies SIGTERM, rmmod and removing the pins
# while it is locked: unlock first. The next kwardend locks again.
kw_unlock()
{
	timeout 20 kwardenctl unlock --for 900 > /dev/null 2>&1
}

# Stop kwardend and unload kwarden.ko, as an admin would: unlock the
# self-protection first (it outlives kwardend in the pinned guard; the
# pins go while it is unlocked), then wait until no kw_ BPF program is
# left.  Says which step failed.
kw_stop()
{
	local p i

	p=$(pidof kwardend)
	if [ -n "$p" ]; then
		timeout 20 kwardenctl unlock --for 3600 > /dev/null 2>&1 ||
			say "kwardenctl unlock failed (no guard in this version?)"
		kill -TERM "$p"
		i=0
		while kill -0 "$p" 2> /dev/null && [ $i -lt 100 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		kill -0 "$p" 2> /dev/null && { say "kwardend $p did not stop"; return 1; }
	fi
	rm -rf /sys/fs/bpf/kwarden || { say "cannot remove the pins"; return 1; }
	if grep -q '^kwarden ' /proc/modules; then
		rmmod kwarden || { say "rmmod kwarden failed"; return 1; }
	fi
	i=0
	while [ "$(kw_bpf_left)" != 0 ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ "$(kw_bpf_left)" = 0 ] || { say "kw_ BPF programs still loaded"; return 1; }
}

kw_start()
{
	insmod "$KO" "$@" || return 1
	kwardend_start
}

kwardend_start()
{
	local i=0

	/opt/kwarden/bin/kwardend --foreground < /dev/null > /dev/ttyS2 2>&1 &
	while ! timeout 10 kwardenctl status > /dev/null 2>&1; do
		[ $i -lt 300 ] || return 1
		sleep 0.2
		i=$((i + 1))
	done
}

use_config()
{
	[ "$1" = "$CUR" ] && return 0
	kw_stop || fail "cannot stop kwarden (config $CUR)"
	CUR=none
	# shellcheck disable=SC2086 # the parameters are split on purpose
	case "$1" in
	default) kw_start $DEFAULT_PARAMS || fail "cannot start kwarden ($1)" ;;
	full) kw_start $FULL_PARAMS || fail "cannot start kwarden ($1)" ;;
	golden) kw_start $GOLDEN_PARAMS || fail "cannot start kwarden ($1)" ;;
	esac
	CUR=$1
	sleep "$SETTLE_S"
}

# ---- 1. detection latency ----

text_alerts()
{
	timeout 20 kwardenctl --json alerts --kind kernel_text_modified 2> /dev/null |
		grep -c .
}

# Wait for N more full passes (up to 20 s).
wait_scans()
{
	local s0 s i=0

	s0=$(scans)
	[ -n "$s0" ] || return 1
	while [ $i -lt 200 ]; do
		s=$(scans)
		[ -n "$s" ] && [ "$s" -ge $((s0 + $1)) ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

detect_one()
{
	local n0 n t0 t1 t2 ms interval

	interval=$(cat /sys/module/kwarden/parameters/interval_ms)
	n0=$(text_alerts)
	# a random phase against the scan period
	# shellcheck disable=SC3028 # busybox ash has it
	ms=$((RANDOM % interval))
	sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
	now_us
	t0=$NOW
	insmod "$MODS/kw_rootkit_text.ko" || fail "insmod kw_rootkit_text"
	now_us
	t1=$NOW
	while :; do
		n=$(text_alerts)
		now_us
		[ "$n" -gt "$n0" ] && break
		if [ $((NOW - t0)) -gt 10000000 ]; then
			out detect_timeout "$1"
			break
		fi
		sleep 0.02
	done
	t2=$NOW
	[ "$n" -gt "$n0" ] && out detect "$1" $((t2 - t0)) $((t1 - t0))
	rmmod kw_rootkit_text || fail "rmmod kw_rootkit_text"
	# the restored bytes must be seen before the next write
	wait_scans 2 || fail "kwarden does not scan"
}

phase_detect()
{
	local i=1

	say "detection latency: $DETECT_N writes at default settings"
	while [ $i -le "$DETECT_N" ]; do
		detect_one $i
		i=$((i + 1))
	done
}

# ---- 2. CPU, BPF; 3. memory ----

snap()
{
	local p

	p=$(pidof kwardend)
	now_us
	out time "$1" "$NOW"
	out pstat "$1" "$(cut -d' ' -f14,15 "/proc/$p/stat")" \
		"$(cut -d' ' -f1 "/proc/$p/schedstat" 2> /dev/null)"
	out status "$1" "$(status)"
	"$KWB" bpf | sed "s/^bpf /@kwb bpf $1 /"
}

# Sample the status every SAMPLE_S seconds for $2 seconds.
sample_for()
{
	local left=$2

	while [ "$left" -gt 0 ]; do
		if [ "$left" -lt "$SAMPLE_S" ]; then
			sleep "$left"
			break
		fi
		sleep "$SAMPLE_S"
		left=$((left - SAMPLE_S))
		out status "$1" "$(status)"
	done
}

phase_cpu()
{
	local mp

	echo 1 > /proc/sys/kernel/bpf_stats_enabled || say "no bpf_stats"
	say "steady-state CPU: ${IDLE_S} s idle"
	sleep 2
	snap idle0
	sample_for idle_sample "$IDLE_S"
	snap idle1

	say "steady-state CPU: ${LOAD_S} s of syscall-heavy load"
	snap load0
	"$KWB" mix "$LOAD_S" > /tmp/kwb-mix &
	mp=$!
	sample_for load_sample "$LOAD_S"
	wait $mp || fail "kwbench mix"
	snap load1
	out "$(cat /tmp/kwb-mix)"

	say "BPF run time per call: $BPF_LOADS module loads"
	snap bpf0
	"$KWB" run module_load "$BPF_LOADS" "$MODS/kw_dummy.ko" > /dev/null ||
		fail "module loads"
	snap bpf1
	echo 0 > /proc/sys/kernel/bpf_stats_enabled
}

phase_memory()
{
	local p

	use_config default
	p=$(pidof kwardend)
	out status mem "$(status)"
	out modsize "$(sed -n 's/^kwarden \([0-9]*\) .*/\1/p' /proc/modules)"
	out rss_kb "$(sed -n 's/^VmRSS:[^0-9]*\([0-9]*\).*/\1/p' "/proc/$p/status")" \
		"$(sed -n 's/^VmHWM:[^0-9]*\([0-9]*\).*/\1/p' "/proc/$p/status")"
	# the same with the golden copy (old bytes in alerts, any restore)
	use_config golden
	out status mem_golden "$(status)"
	use_config default
}

# ---- 4. rounds ----

# RAW_N pairs: one full pass forced now, then one raw read of the same bytes.
scan_pairs()
{
	local i=1

	insmod "$MODS/kw_rawread.ko" || fail "insmod kw_rawread"
	while [ $i -le "$RAW_N" ]; do
		out status scan "$(timeout 20 kwardenctl --json scan)"
		out raw "$1" "$(cat /sys/kernel/debug/kw_rawread/run)"
		i=$((i + 1))
	done
	rmmod kw_rawread || fail "rmmod kw_rawread"
}

# Sleep a random part of the scan period.  Under icount everything is
# deterministic, so without this the periodic pass would land in the same
# workload's run in every round.
jitter()
{
	local ms interval

	[ "$JITTER" = 1 ] || return 0
	interval=$(cat /sys/module/kwarden/parameters/interval_ms 2> /dev/null)
	# shellcheck disable=SC3028 # busybox ash has it
	ms=$((RANDOM % ${interval:-500}))
	sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
}

# One run of workload $1, after a random pause; prints kwbench's line.
# "W_exp" is W with expedited RCU grace periods: a module unload waits for
# one, which icount counts in whole timer ticks, so module_load_exp shows
# the work a load does and module_load the time it takes.
run_one()
{
	local w=${1%_exp} n line rc

	jitter
	eval "n=\$N_$w"
	[ "$w" = "$1" ] || echo 1 > /sys/kernel/rcu_expedited
	line=$("$KWB" run "$w" "$n" "$MODS/kw_dummy.ko")
	rc=$?
	echo 0 > /sys/kernel/rcu_expedited
	[ $rc = 0 ] || return 1
	echo "$line" | sed "s/ $w / $1 /"
}

run_workloads()
{
	local w line

	for w in $WORKLOADS; do
		line=$(run_one "$w") || fail "workload $w in config $1"
		out "$1" "$2" "$line"
	done
}

phase_rounds()
{
	local r=1 c

	while [ $r -le "$ROUNDS" ]; do
		say "round $r of $ROUNDS"
		for c in $CONFIGS; do
			use_config "$c"
			run_workloads "$c" $r
			case "$c" in
			default)
				scan_pairs $r ;;
			full)
				sleep 1
				out status pass_full "$(status)" ;;
			esac
		done
		r=$((r + 1))
	done
}

# ---- profile: what open+close and a module load pay for, part by part ----

PROF_CONFIGS="none kmod default no_daemon no_open no_modbpf"

# Unpin links by program name: with kwardend gone, each pin is the last
# reference to its link, so the program is detached
unpin()
{
	local p

	for p in "$@"; do
		rm -f "/sys/fs/bpf/kwarden/$p" || fail "unpin $p"
	done
}

# Step from the previous part to $1, each one taking a part away
prof_step()
{
	case "$1" in
	none)	use_config none ;;
	kmod)	insmod "$KO" || fail "insmod kwarden" ;;
	default) kwardend_start || fail "cannot start kwardend" ;;
	no_daemon)
		kw_unlock
		kill -TERM "$(pidof kwardend)"
		while [ -n "$(pidof kwardend)" ]; do sleep 0.1; done ;;
	no_open) unpin kw_guard_open kw_danger_open ;;
	no_modbpf)
		unpin kw_read_file kw_load_data kw_module_load \
			kw_danger_read_file kw_danger_load_data kw_guard_capable ;;
	esac
	[ "$1" = none ] || CUR=$1
	sleep "$SETTLE_S"
}

prof_run()
{
	local line

	line=$(run_one "$3") || fail "workload $3 in part $1"
	out prof "$1" "$2" "$line"
}

# sha256 of a module in kwarden.ko's kprobes, as its pr_debug says
prof_hash()
{
	local ctl=/sys/kernel/debug/dynamic_debug/control

	echo 'module kwarden func kw_gate +p' > $ctl 2> /dev/null || return 0
	"$KWB" run module_load 1 "$MODS/kw_dummy.ko" > /dev/null
	echo 'module kwarden func kw_gate -p' > $ctl
	out hash "$(dmesg | grep 'kwarden: kw_dummy: sha256' | tail -n 1)"
}

phase_profile()
{
	local r=1 c

	while [ $r -le "$ROUNDS" ]; do
		say "profile round $r of $ROUNDS"
		for c in $PROF_CONFIGS; do
			prof_step "$c"
			for w in $PROF_WORKLOADS; do
				prof_run "$c" "$r" "$w"
			done
		done
		r=$((r + 1))
	done
	use_config default
	prof_hash
}

say "kwarden bench: $(uname -r), $(nproc) CPUs"
# On a real host udev loads the CPU's sha256 (SHA-NI, AVX2) at boot; the
# guest has no udev.  kwarden.ko takes the best sha256 there is when it
# loads: every configuration below loads it again.
modprobe sha256_ssse3 2> /dev/null || say "no sha256_ssse3: module hashes in C"
out kernel "$(uname -r)"
out params default "interval_ms=$(cat /sys/module/kwarden/parameters/interval_ms)" \
	"golden=$(cat /sys/module/kwarden/parameters/golden 2> /dev/null)"
out config_params default "$DEFAULT_PARAMS"
out config_params full "$FULL_PARAMS"
[ -n "$(pidof kwardend)" ] || fail "kwardend is not running"
out status start "$(status)"

if [ -n "$PROF_WORKLOADS" ]; then
	phase_profile
else
	phase_detect
	phase_cpu
	phase_memory
	phase_rounds
	use_config default
fi
out sha256 "$(dmesg | sed -n 's/.*kwarden: module hashes by //p' | tail -n 1)"
out params end "interval_ms=$(cat /sys/module/kwarden/parameters/interval_ms)"
kw_unlock
kill -TERM "$(pidof kwardend)"
out "done"
say "done"
