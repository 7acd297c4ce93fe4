# SPDX-License-Identifier: GPL-2.0
#
# debroot.sh - sourced by tools/deb-chroot and tools/vm/debian-image: Debian
# 12 roots from mmdebstrap, cached as tarballs under build/, and commands
# run inside one. Never touches this host's own system.
#
#   debroot_tarball TAR [PKG...]   mmdebstrap a minbase root with PKGs into
#                                  TAR, unless TAR exists
#   debroot_run ROOT CMD           sh -c CMD chrooted in ROOT, /proc mounted
#                                  in a private mount namespace (no leak)
#   debroot_kernel_debs            the test kernel's cached image, headers,
#                                  common headers and kbuild .debs (needs
#                                  KVER and build set)

debroot_mirrors=("deb http://deb.debian.org/debian bookworm main"
		 "deb http://deb.debian.org/debian bookworm-updates main"
		 "deb http://deb.debian.org/debian-security bookworm-security main")

debroot_tarball()
{
	local tar=$1 inc

	shift
	[ -s "$tar" ] && return 0
	mkdir -p "$(dirname "$tar")"
	inc=$(IFS=,; echo "$*")
	echo "# mmdebstrap: bookworm minbase${inc:+ + $inc} into $tar" >&2
	# mmdebstrap picks the format from the name: keep ".tar" last
	nice -n 10 mmdebstrap --quiet --variant=minbase ${inc:+--include="$inc"} \
		bookworm "$tar.new.tar" "${debroot_mirrors[@]}" >&2 &&
		mv "$tar.new.tar" "$tar"
}

debroot_run()
{
	unshare --mount --propagation private sh -c '
		mount -t proc proc "$0/proc" &&
		exec chroot "$0" /usr/bin/env -i \
			PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 sh -c "$1"' \
		"$1" "$2"
}

debroot_kernel_debs()
{
	local p f

	for p in "linux-image-$KVER-unsigned" "linux-headers-$KVER" \
		 "linux-headers-${KVER%-amd64}-common" "linux-kbuild-${KVER%-amd64}"; do
		f=$(compgen -G "$build/kernels/debs/${p}_*.deb" | head -n 1)
		[ -n "$f" ] || { echo "debroot: $p not in $build/kernels/debs" >&2; return 1; }
		echo "$f"
	done
}
