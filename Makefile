# SPDX-License-Identifier: GPL-2.0
#
# Kexec HandOver (KHO) for Linux 6.12: every entry point of the project.
# See README.md for what each target does.

BUILD		:= $(CURDIR)/build
SRC		:= $(BUILD)/src
TREE		:= $(BUILD)/linux
DEBS		:= $(BUILD)/debs
HARNESS		:= tools/testing/kho
SCRIPTS		:= scripts
JOBS		?= $(shell nproc)
# FLAVOUR=debian: the test kernel with Debian's memory and boot options
# (configs/debian.config), built and tested apart from the minimal one.
# FLAVOUR=bench: Debian's options without the debug checks, whose per-page
# work would swamp what make bench measures.
FLAVOUR		?= test
ifeq ($(FLAVOUR),test)
KOUT		:= $(BUILD)/arm64
INITRAMFS	:= $(BUILD)/initramfs
FRAGMENTS	?= base kho debug kunit ima
else ifeq ($(FLAVOUR),bench)
KOUT		:= $(BUILD)/arm64-bench
INITRAMFS	:= $(BUILD)/initramfs-bench
FRAGMENTS	?= base kho ima debian
else
KOUT		:= $(BUILD)/arm64-$(FLAVOUR)
INITRAMFS	:= $(BUILD)/initramfs-$(FLAVOUR)
FRAGMENTS	?= base kho debug ima $(FLAVOUR)
endif
# make check runs the gate tier of the scenarios, make check-full all of
# them (each scenario's "# tier:" header says which it is in).
TIER		?= full
SOURCE_TARBALL	:= /usr/src/linux-source-6.12.tar.xz

export CCACHE_DIR ?= $(HOME)/.cache/ccache-kho
# Absolute paths inside the checkout become relative: clones share the cache.
export CCACHE_BASEDIR ?= $(CURDIR)
export TREE KOUT JOBS
KMAKE		:= $(MAKE) -C $(TREE) O=$(KOUT) ARCH=arm64 \
		   CROSS_COMPILE=aarch64-linux-gnu- \
		   CC="ccache aarch64-linux-gnu-gcc" -j$(JOBS)

.PHONY: all deps source tree config kernel kexec-file guest-tools initramfs demo shell kunit \
	vmtest vmtest-debian distro bench hostcheck fuzz lint check check-full series clean

all: kernel

deps:
	@$(SCRIPTS)/deps.sh $(DEBS)

$(SRC)/.unpacked: | deps
	rm -rf $(SRC) $(SRC).tmp
	mkdir -p $(SRC).tmp
	tar -xJf $(SOURCE_TARBALL) -C $(SRC).tmp --strip-components=1
	dpkg-query -W -f='$${Version}\n' linux-source-6.12 > $(SRC).tmp/.debian-version
	mv $(SRC).tmp $(SRC)
	touch $@

source: deps $(SRC)/.unpacked
	@echo "linux-source-6.12 $$(cat $(SRC)/.debian-version) in $(SRC)"

tree: source
	@$(SCRIPTS)/prepare-tree.sh $(CURDIR) $(SRC) $(TREE)

config: tree
	@$(SCRIPTS)/make-config.sh \
		$(patsubst %,configs/%.config,$(FRAGMENTS))

kernel: config
	+$(KMAKE) Image
	cp $(KOUT)/arch/arm64/boot/Image $(KOUT)/Image
	@echo "kernel: $(KOUT)/Image from linux-source-6.12 $$(cat $(SRC)/.debian-version)"

kexec-file: deps
	@mkdir -p $(BUILD)/tools
	@$(MAKE) -s -C tools/kexec OUTPUT=$(BUILD)/tools/

# What the guest runs besides Debian's binaries: kexec-file, kho, kho-memfd,
# guest-memory (the example of Documentation/kho/index.rst).
guest-tools: kexec-file
	@$(MAKE) -s -C tools/kho OUTPUT=$(BUILD)/tools/
	@$(MAKE) -s -C $(HARNESS)/memfd OUTPUT=$(BUILD)/tools/

initramfs: kernel guest-tools
	@$(HARNESS)/mkinitramfs.sh $(DEBS) $(KOUT)/Image $(BUILD)/tools $(INITRAMFS)

demo: initramfs
	@$(HARNESS)/demo.sh $(KOUT)/Image $(INITRAMFS)/initrd.cpio

shell: initramfs
	@$(HARNESS)/vm.sh shell $(KOUT)/Image $(INITRAMFS)/initrd.cpio

kunit: initramfs
	@$(HARNESS)/run-kunit.sh $(TREE) $(KOUT)/Image $(INITRAMFS)/initrd.cpio \
		$(BUILD)/results/kunit

vmtest: initramfs
	@VMTEST_TIER=$(TIER) $(HARNESS)/run-vmtest.sh $(FLAVOUR) $(KOUT)/Image \
		$(INITRAMFS)/initrd.cpio $(BUILD)/results/vmtest-$(FLAVOUR) $(SCENARIOS)

vmtest-debian:
	+@VMTEST_NAME=$@ $(MAKE) --no-print-directory vmtest FLAVOUR=debian

distro: tree guest-tools
	@KOUT=$(BUILD)/arm64-distro $(SCRIPTS)/distro.sh $(DEBS)
	@$(HARNESS)/mkinitramfs.sh $(DEBS) $(BUILD)/arm64-distro/Image \
		$(BUILD)/tools $(BUILD)/initramfs-distro
	@VMTEST_NAME=$@ VMTEST_TIER=$(TIER) VMTEST_SCRATCH=$${VMTEST_SCRATCH:-192M} \
		$(HARNESS)/run-vmtest.sh debian $(BUILD)/arm64-distro/Image \
		$(BUILD)/initramfs-distro/initrd.cpio $(BUILD)/results/distro \
		$(SCENARIOS)

bench: initramfs
	@$(HARNESS)/bench.sh $(KOUT)/Image $(INITRAMFS)/initrd.cpio \
		$(BUILD)/results/bench

hostcheck: tree
	@$(MAKE) -s -C tools/testing/kho/host BUILD=$(BUILD)/host check

# FUZZ_TIME seconds of fuzzing the handover parsers (make hostcheck runs a
# short, fixed-seed run).
fuzz: tree
	@$(MAKE) -s -C $(HARNESS)/fuzz BUILD=$(BUILD)/fuzz TREE=$(TREE) fuzz

lint: config
	@$(SCRIPTS)/lint.sh $(CURDIR)

check: deps
	@$(HARNESS)/check.sh gate $(MAKE)

check-full: deps
	@$(HARNESS)/check.sh full $(MAKE)

series: tree
	@$(SCRIPTS)/mkseries.sh $(CURDIR) $(SRC) $(BUILD)/series

clean:
	rm -rf $(BUILD)
