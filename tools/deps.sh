#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deps.sh - install what kwarden's build and tests need, from Debian's
# packages only, and cache the test kernel under build/.
#
# Idempotent: with everything present it only checks stamps and returns.
#
#   tools/deps.sh [--kernel 6.12|6.1] [--no-apt]
#
# Writes build/kernel-<series>.mk with KVER, KDIR and VMLINUZ for make, and
# build/linux-src/ with the files taken from linux-source-6.12.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${KW_BUILD:-$top/build}
series=6.12
do_apt=1

while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) series=$2; shift 2 ;;
	--no-apt) do_apt=0; shift ;;
	*) echo "deps.sh: unknown argument '$1'" >&2; exit 64 ;;
	esac
done

pkgs=(gcc-12 make clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev
      pkg-config libnl-3-dev libnl-genl-3-dev libjson-c-dev libsystemd-dev libssl-dev
      libclang-rt-14-dev qemu-system-x86 busybox-static cpio xz-utils zstd
      kmod linux-source-6.12 perl python3 ca-certificates man-db bsdextrautils systemd
      dwarves build-essential debhelper dh-dkms dpkg-dev fakeroot lintian
      mmdebstrap)

log() { echo "deps: $*" >&2; }

# The first existing path of a glob (no "ls | head": SIGPIPE under pipefail).
first() { [ -e "$1" ] && echo "$1"; return 0; }

apt_install() {
	local missing=() p st
	for p in "${pkgs[@]}"; do
		# Captured, not piped into "grep -q": grep quits at the first
		# match, and a dpkg-query still writing dies of SIGPIPE.
		st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) || st=
		[ "$st" = "install ok installed" ] || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	log "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null
	apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}

# Newest <N> for which both the unsigned image and the headers exist.
resolve_kver() {
	local img_re hdr_fmt vers v
	case "$series" in
	6.12)	img_re='^linux-image-(6\.12\.[0-9]+\+deb12)-amd64-unsigned$'
		hdr_fmt='linux-headers-%s-amd64' ;;
	6.1)	img_re='^linux-image-(6\.1\.0-[0-9]+)-amd64-unsigned$'
		hdr_fmt='linux-headers-%s-amd64' ;;
	*)	echo "deps.sh: unsupported kernel series '$series'" >&2; exit 64 ;;
	esac
	# The list is captured first: a loop that stops at the first hit
	# would leave sort writing into a closed pipe.
	vers=$(apt-cache pkgnames linux-image- | sed -nE "s/$img_re/\1/p" |
		sort -V -r)
	for v in $vers; do
		# shellcheck disable=SC2059
		if apt-cache show "$(printf "$hdr_fmt" "$v")" >/dev/null 2>&1; then
			echo "$v"
			return 0
		fi
	done
}

# Download packages by name and unpack them into one root under build/.
fetch_unpack() {
	local root=$1; shift
	local dl=$build/kernels/debs p f
	mkdir -p "$dl" "$root"
	for p in "$@"; do
		f=$(first "$dl/${p}_"*.deb)
		if [ -z "$f" ]; then
			log "downloading $p"
			(cd "$dl" && apt-get download -q "$p" >/dev/null 2>&1) ||
				{ echo "deps.sh: cannot download $p" >&2; exit 1; }
			f=$(first "$dl/${p}_"*.deb)
		fi
		dpkg-deb -x "$f" "$root"
	done
}

fetch_kernel() {
	local kver full root stamp hdrs common kbuild
	kver=$(resolve_kver)
	[ -n "$kver" ] || { echo "deps.sh: no $series kernel found" >&2; exit 1; }
	full=$kver-amd64
	root=$build/kernels/$full
	stamp=$root/.done
	hdrs=$root/usr/src/linux-headers-$full
	if [ ! -e "$stamp" ]; then
		rm -rf "$root"
		kbuild=linux-kbuild-${kver}
		common=linux-headers-${kver}-common
		[ "$series" = 6.1 ] && kbuild=linux-kbuild-6.1
		fetch_unpack "$root" "linux-image-$full-unsigned" \
			"linux-headers-$full" "$common" "$kbuild"
		# The headers Makefile includes the common tree by absolute path.
		sed -i "s|/usr/src/|$root/usr/src/|" "$hdrs/Makefile"
		touch "$stamp"
	fi
	cat > "$build/kernel-$series.mk.tmp" <<EOM
KVER := $full
KROOT := $root
KDIR := $hdrs
VMLINUZ := $root/boot/vmlinuz-$full
EOM
	mv "$build/kernel-$series.mk.tmp" "$build/kernel-$series.mk"
}

# kselftest_harness.h, checkpatch.pl, .clang-format, extract-vmlinux and
# the ftrace selftests (ftracetest, for make check-long) and lib/glob.c
# (the unit test runs its table through the kernel's glob_match) from
# linux-source.  Bump the stamp when the list changes.
fetch_linux_src() {
	local dst=$build/linux-src tarball stamp=.done-4
	[ -e "$dst/$stamp" ] && return 0
	tarball=$(first /usr/src/linux-source-6.12.tar.*)
	log "extracting selftest harness and checkpatch from $tarball"
	rm -rf "$dst"
	mkdir -p "$dst"
	tar -C "$dst" --strip-components=1 -xf "$tarball" \
		--wildcards \
		'linux-source-6.12/.clang-format' \
		'linux-source-6.12/tools/testing/selftests/kselftest.h' \
		'linux-source-6.12/tools/testing/selftests/kselftest_harness.h' \
		'linux-source-6.12/scripts/checkpatch.pl' \
		'linux-source-6.12/scripts/spelling.txt' \
		'linux-source-6.12/scripts/const_structs.checkpatch' \
		'linux-source-6.12/scripts/extract-vmlinux' \
		'linux-source-6.12/lib/glob.c' \
		'linux-source-6.12/tools/testing/selftests/ftrace/*'
	touch "$dst/$stamp"
}

mkdir -p "$build"
[ "$do_apt" = 1 ] && apt_install
fetch_kernel
[ "$series" = 6.12 ] && fetch_linux_src
exit 0
