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
#   make module-6.12  W=1 build against bookworm-backports' 6.12 (in make check)
#   make check-6.12   the VM suite on 6.12 (T=x works too); not in make check
#
# KDIR selects the kernel headers to build against. By default: the running
# kernel's build directory when it exists, else the newest installed Debian
# headers.

ifeq ($(origin KDIR),undefined)
KDIR := $(shell d=/lib/modules/$$(uname -r)/build; [ -d $$d ] && [ -n "$$(ls $$d/Module.symvers 2>/dev/null)" ] && echo $$d || ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1)
endif
KVER ?= $(patsubst linux-headers-%,%,$(notdir $(realpath $(KDIR))))

.PHONY: all module module-6.12 vmcheck-6.12 check-6.12 userspace selftests benchtools unit check vmcheck demo bench deps clean style sparse

all: module userspace benchtools

deps:
	tools/setup.sh

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules

# The second kernel (tools/bpo-kernel.sh): headers and image unpacked in
# .cache, the module built in a copy of the sources, never installed.
module-6.12:
	tools/bpo-kernel.sh build >/dev/null

vmcheck-6.12: selftests
	ko=$$(tools/bpo-kernel.sh build) && kdir=$$(tools/bpo-kernel.sh image) && \
	NFGATE_KO=$$ko KDIR=$$kdir KVER= tools/vm/run-tests.sh $(T)

check-6.12: deps
	$(MAKE) userspace
	$(MAKE) vmcheck-6.12

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
	$(MAKE) module-6.12
	$(MAKE) userspace
	$(MAKE) unit
	$(MAKE) selftests
	$(MAKE) vmcheck

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
