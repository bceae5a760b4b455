# SPDX-License-Identifier: GPL-2.0
#
# nfgate top-level Makefile.
#
#   make            module and userspace tools
#   make check      install prerequisites, build, host unit tests, VM suite
#   make check T=x  only selftests/x.sh in the VM
#   make selftests  the selftests' C helpers (dnsinject); vmcheck builds them
#   make demo       boot the VM demo topology
#   make bench      what nfgate costs on the packet path (Documentation/bench.rst)
#   make fuzz       the shared code's libFuzzer targets, 10 million runs each
#                   (ASan + UBSan; make check runs them briefly)
#   make check-debug  the VM suite on a debug kernel (KASAN, kmemleak,
#                   lockdep, DEBUG_NET) built from linux-source-6.1: hours
#                   the first time (tools/vm/debug-kernel.sh); not in check
#   make check-reliability  the reliability tests written but not yet in check
#                   (lifecycle, nschurn)
#
# KDIR selects the kernel headers to build against. By default: the running
# kernel's build directory when it exists, else the newest installed Debian
# headers.

ifeq ($(origin KDIR),undefined)
KDIR := $(shell d=/lib/modules/$$(uname -r)/build; [ -d $$d ] && [ -n "$$(ls $$d/Module.symvers 2>/dev/null)" ] && echo $$d || ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1)
endif
KVER ?= $(patsubst linux-headers-%,%,$(notdir $(realpath $(KDIR))))

.PHONY: all module userspace selftests benchtools unit check vmcheck demo bench deps clean style sparse \
	fuzz check-debug check-reliability

all: module userspace benchtools

deps:
	tools/setup.sh

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules

sparse:
	$(MAKE) -C $(KDIR) M=$(CURDIR) C=2 modules

style:
	tools/checkpatch.sh

userspace:
	$(MAKE) -C userspace

selftests:
	$(MAKE) -C selftests

benchtools:
	$(MAKE) -C tools/bench

unit:
	$(MAKE) -C common/tests run
	$(MAKE) -C userspace test

vmcheck: selftests
	KDIR=$(KDIR) KVER=$(KVER) tools/vm/run-tests.sh $(T)

check: deps
	$(MAKE) style
	$(MAKE) module
	$(MAKE) userspace
	$(MAKE) unit
	$(MAKE) selftests
	$(MAKE) vmcheck

fuzz: deps
	$(MAKE) -C common/fuzz fuzz

# The reliability tests not yet in make check (selftests/Makefile).
check-reliability: selftests
	KDIR=$(KDIR) KVER=$(KVER) tools/vm/run-tests.sh $(or $(T),$(shell $(MAKE) -s --no-print-directory -C selftests list-extended))

check-debug: deps
	tools/vm/check-debug.sh $(T)

demo: deps
	$(MAKE) module
	$(MAKE) userspace
	KDIR=$(KDIR) KVER=$(KVER) tools/vm/demo.sh

bench: deps
	$(MAKE) module
	$(MAKE) userspace
	$(MAKE) benchtools
	KDIR=$(KDIR) KVER=$(KVER) tools/bench/bench.sh

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C userspace clean
	$(MAKE) -C common/tests clean
	$(MAKE) -C selftests clean
	$(MAKE) -C tools/bench clean
