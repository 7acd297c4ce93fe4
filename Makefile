# SPDX-License-Identifier: GPL-2.0
#
# kwarden top-level Makefile.
#
#   make            build everything (kmod, BPF, kwardend, kwardenctl, selftests)
#   make KSERIES=6.1  the same for Debian 12's 6.1 kernel, in build/6.1/
#   make deps       install build/test dependencies and fetch both test kernels
#   make check      host unit tests (ASan+UBSan) and VM selftests (6.12, and 6.1)
#   make check-long make check, then the long sections (Debian 12 under systemd)
#   make demo       boot a VM with kwarden, run a scripted attack, show alerts
#   make lint       checkpatch.pl over our sources
#   make deb        Debian packages kwarden and kwarden-dkms in build/deb/
#   make KDIR=/lib/modules/$(uname -r)/build kmod   build for a real host

.DEFAULT_GOAL := all
BUILD		:= $(CURDIR)/build
KSERIES		?= 6.12

# The test kernel of make deps (KVER, KDIR, VMLINUZ). With KDIR given on the
# command line (a real host, debian/rules) that kernel's headers are used
# instead, and make deps is not run.
ifeq ($(filter command line environment,$(origin KDIR)),)
KMK		:= $(BUILD)/kernel-$(KSERIES).mk
-include $(KMK)

$(BUILD)/kernel-%.mk:
	tools/deps.sh --kernel $*

# The BPF objects' vmlinux.h comes from the newest series' BTF.
BTF_MK		:= $(BUILD)/kernel-6.12.mk
BTF		?= $$(sed -n 's/^KDIR *:= *//p' $(BTF_MK))/vmlinux
else
# BTF=/sys/kernel/btf/vmlinux will do too (CO-RE)
BTF		?= $(KDIR)/vmlinux
endif

# kbuild writes its objects beside the sources (M=), so the default series
# (6.12) builds in the tree and every other series in a tree of symlinks
# under build/<series>/obj, with its own stage.  User space and the BPF
# objects are kernel-independent (CO-RE) and shared by all series.
ifeq ($(KSERIES),6.12)
SBUILD		:= $(BUILD)
KOBJ		:= $(CURDIR)
else
SBUILD		:= $(BUILD)/$(KSERIES)
KOBJ		:= $(SBUILD)/obj
endif
# Sources only: a link to a file kbuild writes (*.mod.c) would let one
# series' build overwrite the other's.
KSRC_LINKS	:= Kbuild kmod/Kbuild kmod/uapi \
		   $(filter-out %.mod.c,$(wildcard kmod/*.[ch])) \
		   selftests/modules/Kbuild \
		   $(filter-out %.mod.c,$(wildcard selftests/modules/*.[ch]))

CC		:= gcc-12
CLANG		?= clang
BPFTOOL		?= bpftool
LSRC		:= $(BUILD)/linux-src
HARNESS		:= $(LSRC)/tools/testing/selftests

PKGS		:= libnl-genl-3.0 json-c libbpf libcrypto
PKG_CFLAGS	:= $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS	:= $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lelf -lz
SD_LIBS		:= $(shell pkg-config --libs libsystemd 2>/dev/null)
# kwardenctl is a client of the control socket only: no netlink, no BPF
CTL_LIBS	:= $(shell pkg-config --libs json-c 2>/dev/null)

WARN		:= -Wall -Wextra -Wno-unused-parameter -Wshadow \
		   -Wstrict-prototypes -Wmissing-prototypes -Werror=implicit
CFLAGS		?= -O2 -g
KW_CFLAGS	:= $(CPPFLAGS) $(CFLAGS) $(WARN) -D_GNU_SOURCE -std=gnu11 \
		   -Ikmod/uapi -Iuserspace/lib -I$(BUILD)/bpf $(PKG_CFLAGS) \
		   $(if $(SD_LIBS),-DHAVE_LIBSYSTEMD)
SAN_FLAGS	:= -fsanitize=address,undefined -fno-omit-frame-pointer \
		   -fno-sanitize-recover=all

LIB_SRC		:= $(wildcard userspace/lib/*.c)
LIB_HDR		:= $(wildcard userspace/lib/*.h) $(wildcard kmod/uapi/linux/*.h)
DAEMON_SRC	:= $(wildcard userspace/kwardend/*.c)
CTL_SRC		:= $(wildcard tools/kwardenctl/*.c)
UNIT_SRC	:= $(wildcard selftests/unit/*_test.c)
VMTEST_SRC	:= $(wildcard selftests/*_test.c)
BPF_SRC		:= $(wildcard bpf/*.bpf.c)

LIB		:= $(BUILD)/lib/libkwarden.a
LIB_SAN		:= $(BUILD)/san/libkwarden.a
SKELS		:= $(patsubst bpf/%.bpf.c,$(BUILD)/bpf/%.skel.h,$(BPF_SRC))
BINS		:= $(BUILD)/bin/kwardend $(BUILD)/bin/kwardenctl
UNIT_BINS	:= $(patsubst selftests/unit/%.c,$(BUILD)/unit/%,$(UNIT_SRC))
VMTEST_BINS	:= $(patsubst selftests/%.c,$(BUILD)/selftests/%,$(VMTEST_SRC))
STAGE		:= $(SBUILD)/stage

.PHONY: all deps kmod bpf userspace selftests selftests-modules stage check check-long unit vmtest demo \
	lint bench install deb clean help fuzz kobj-tree stage-6.1

all: kmod bpf userspace selftests stage

deps:
	tools/deps.sh --kernel 6.12
	tools/deps.sh --kernel 6.1 --no-apt

help:
	@sed -n 's/^#   //p' Makefile

# ---- kernel module, through the kernel's build system ----
kmod: $(KMK) kobj-tree
	$(MAKE) -C $(KDIR) M=$(KOBJ) modules

selftests-modules: $(KMK) kobj-tree
	$(MAKE) -C $(KDIR) M=$(KOBJ)/selftests/modules modules

# The symlink tree of a non-default series, refreshed on every build.
kobj-tree:
ifneq ($(KOBJ),$(CURDIR))
	@mkdir -p $(KOBJ)/kmod $(KOBJ)/selftests/modules
	@find $(KOBJ) -type l -delete
	@for f in $(KSRC_LINKS); do ln -sfn $(CURDIR)/$$f $(KOBJ)/$$f; done
endif

# ---- BPF: vmlinux.h from the headers' BTF, objects, skeletons ----
$(BUILD)/bpf/vmlinux.h: $(BTF_MK)
	@mkdir -p $(@D)
	$(BPFTOOL) btf dump file "$(BTF)" format c > $@.tmp && mv $@.tmp $@

$(BUILD)/bpf/%.bpf.o: bpf/%.bpf.c $(BUILD)/bpf/vmlinux.h kmod/uapi/linux/kwarden.h $(wildcard bpf/*.h)
	$(CLANG) -g -O2 -Wall -target bpf -D__TARGET_ARCH_x86 \
		-I$(BUILD)/bpf -Ikmod/uapi -Ibpf -c $< -o $@

# DWARF is not needed at run time: strip it, keep BTF (2.7 MB -> ~100 KB)
$(BUILD)/bpf/%.skel.h: $(BUILD)/bpf/%.bpf.o
	llvm-strip -g -o $(BUILD)/bpf/$*.stripped.o $<
	$(BPFTOOL) gen skeleton $(BUILD)/bpf/$*.stripped.o name $*_bpf > $@.tmp && mv $@.tmp $@

.SECONDARY: $(patsubst bpf/%.bpf.c,$(BUILD)/bpf/%.bpf.o,$(BPF_SRC))

bpf: $(SKELS)

# ---- user space ----
$(BUILD)/lib/%.o: userspace/lib/%.c $(LIB_HDR)
	@mkdir -p $(@D)
	$(CC) $(KW_CFLAGS) -c $< -o $@

$(BUILD)/san/%.o: userspace/lib/%.c $(LIB_HDR)
	@mkdir -p $(@D)
	$(CC) $(KW_CFLAGS) $(SAN_FLAGS) -c $< -o $@

$(LIB): $(patsubst userspace/lib/%.c,$(BUILD)/lib/%.o,$(LIB_SRC))
	$(AR) rcs $@ $^

$(LIB_SAN): $(patsubst userspace/lib/%.c,$(BUILD)/san/%.o,$(LIB_SRC))
	$(AR) rcs $@ $^

$(BUILD)/bin/kwardend: $(DAEMON_SRC) $(wildcard userspace/kwardend/*.h) $(LIB) $(SKELS)
	@mkdir -p $(@D)
	$(CC) $(KW_CFLAGS) -Iuserspace/kwardend $(DAEMON_SRC) $(LIB) \
		$(LDFLAGS) $(PKG_LIBS) $(SD_LIBS) -o $@

$(BUILD)/bin/kwardenctl: $(CTL_SRC) $(wildcard tools/kwardenctl/*.h) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(KW_CFLAGS) $(CTL_SRC) $(LIB) $(LDFLAGS) $(CTL_LIBS) -o $@

userspace: $(BINS)

# ---- selftests ----
$(BUILD)/unit/%: selftests/unit/%.c $(LIB_SAN) $(LIB_HDR)
	@mkdir -p $(@D)
	$(CC) $(KW_CFLAGS) $(SAN_FLAGS) $(UNIT_CFLAGS) -I$(HARNESS) $< \
		$(LIB_SAN) $(PKG_LIBS) -o $@

# The same table through our matcher and the kernel's lib/glob.c
$(BUILD)/unit/glob_test: UNIT_CFLAGS := -Iselftests/unit/kshim -I$(LSRC)/lib
$(BUILD)/unit/glob_test: $(LSRC)/lib/glob.c $(wildcard selftests/unit/kshim/linux/*.h)

# A build/linux-src from before lib/glob.c was on deps.sh's list
$(LSRC)/lib/glob.c:
	tools/deps.sh --kernel 6.12 --no-apt

$(BUILD)/selftests/%: selftests/%.c $(LIB) $(LIB_HDR) $(wildcard selftests/*.h)
	@mkdir -p $(@D)
	$(CC) $(KW_CFLAGS) -I$(HARNESS) -Iselftests $< $(LIB) $(PKG_LIBS) -o $@

selftests: selftests-modules $(UNIT_BINS) $(VMTEST_BINS)

# Everything the VM runner copies into the guest, in one place.
stage: kmod bpf userspace selftests
	@rm -rf $(STAGE) && mkdir -p $(STAGE)/bin $(STAGE)/selftests/modules
	cp $(KOBJ)/kmod/kwarden.ko $(STAGE)/
	cp $(BINS) $(STAGE)/bin/
	cp $(VMTEST_BINS) selftests/*.sh $(STAGE)/selftests/
	cp $(KOBJ)/selftests/modules/*.ko $(STAGE)/selftests/modules/
	# as kbuild compresses modules: the kernel's xz decoder takes crc32 only
	xz --check=crc32 --lzma2=dict=1MiB -k -f $(STAGE)/selftests/modules/kw_dummy.ko

# ---- tests ----
unit: $(UNIT_BINS)
	tools/run-unit $(UNIT_BINS)

vmtest: stage
	tools/vm/selftests

# The stage of 6.1 (make check boots it too)
stage-6.1:
	$(MAKE) KSERIES=6.1 stage

check: all stage-6.1
	tools/check

# make check, then the sections too slow for it (tools/check --long)
check-long: all stage-6.1
	tools/check --long

demo: all
	tools/demo

bench: all
	tools/bench

lint:
	tools/lint

install: kmod userspace
	KDIR=$(KDIR) tools/install.sh

fuzz: deps
	$(MAKE) -C selftests/fuzz run

# "make build/unit/x" for the absolute $(BUILD) paths
build/%: $(BUILD)/% ;

clean:
	-$(MAKE) -C $(KDIR) M=$(KOBJ) clean
	-$(MAKE) -C $(KDIR) M=$(KOBJ)/selftests/modules clean
	rm -rf $(BUILD)/bin $(BUILD)/lib $(BUILD)/san $(BUILD)/bpf \
		$(BUILD)/unit $(BUILD)/selftests $(STAGE)

# from a clean copy of the tree; BTF for vmlinux.h from the test kernel
deb: $(KMK)
	KDIR=$(KDIR) tools/deb
