# SPDX-License-Identifier: GPL-2.0
#
# Kexec HandOver (KHO) for Linux 6.12: every entry point of the project.
# See README.md for what each target does.

BUILD		:= $(CURDIR)/build
SRC		:= $(BUILD)/src
TREE		:= $(BUILD)/linux
KOUT		:= $(BUILD)/arm64
DEBS		:= $(BUILD)/debs
HARNESS		:= tools/testing/kho
JOBS		?= $(shell nproc)
FRAGMENTS	?= base kho debug kunit ima
SOURCE_TARBALL	:= /usr/src/linux-source-6.12.tar.xz

export CCACHE_DIR ?= $(HOME)/.cache/ccache-kho
# Absolute paths inside the checkout become relative: clones share the cache.
export CCACHE_BASEDIR ?= $(CURDIR)
export TREE KOUT JOBS
KMAKE		:= $(MAKE) -C $(TREE) O=$(KOUT) ARCH=arm64 \
		   CROSS_COMPILE=aarch64-linux-gnu- \
		   CC="ccache aarch64-linux-gnu-gcc" -j$(JOBS)

.PHONY: all deps source tree config kernel kexec-file initramfs demo shell kunit \
	vmtest bench hostcheck lint check series clean

all: kernel

deps:
	@$(HARNESS)/deps.sh $(DEBS)

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
	@$(HARNESS)/prepare-tree.sh $(CURDIR) $(SRC) $(TREE)

config: tree
	@$(HARNESS)/make-config.sh \
		$(patsubst %,configs/%.config,$(FRAGMENTS))

kernel: config
	+$(KMAKE) Image
	cp $(KOUT)/arch/arm64/boot/Image $(KOUT)/Image
	@echo "kernel: $(KOUT)/Image from linux-source-6.12 $$(cat $(SRC)/.debian-version)"

kexec-file: deps
	@mkdir -p $(BUILD)/tools
	@$(MAKE) -s -C tools/kexec OUTPUT=$(BUILD)/tools/

initramfs: kernel kexec-file
	@$(HARNESS)/mkinitramfs.sh $(DEBS) $(KOUT)/Image $(BUILD)/tools/kexec-file \
		$(BUILD)/initramfs

demo: initramfs
	@$(HARNESS)/demo.sh $(KOUT)/Image $(BUILD)/initramfs/initrd.cpio

shell: initramfs
	@$(HARNESS)/vm.sh shell $(KOUT)/Image $(BUILD)/initramfs/initrd.cpio

kunit: initramfs
	@$(HARNESS)/run-kunit.sh $(TREE) $(KOUT)/Image $(BUILD)/initramfs/initrd.cpio \
		$(BUILD)/results/kunit

vmtest: initramfs
	@$(HARNESS)/run-vmtest.sh $(KOUT)/Image $(BUILD)/initramfs/initrd.cpio \
		$(BUILD)/results/vmtest $(SCENARIOS)

bench: initramfs
	@$(HARNESS)/bench.sh $(KOUT)/Image $(BUILD)/initramfs/initrd.cpio \
		$(BUILD)/results/bench

hostcheck: deps
	@$(MAKE) -s -C tools/testing/kho/host BUILD=$(BUILD)/host check

lint: config
	@$(HARNESS)/lint.sh $(CURDIR)

check: deps
	@$(HARNESS)/check.sh $(MAKE)

series: tree
	@$(HARNESS)/mkseries.sh $(CURDIR) $(SRC) $(BUILD)/series

clean:
	rm -rf $(BUILD)
