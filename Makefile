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
#   make install    module (+depmod), tools, unit, man pages, example config;
#                   DESTDIR, PREFIX (/usr/local), SBINDIR, MANDIR, UNITDIR
#   make install-module / install-tools   the two halves
#   make dkms-src   module sources and dkms.conf in $(DESTDIR)/usr/src/nfgate-VERSION
#   make dkms-install  dkms-src, then dkms install (the running system)
#   make deb        nfgate and nfgate-dkms .debs in out/deb (dpkg-buildpackage)
#   make check-deb  make deb, dpkg -i in a chroot (DKMS), then selftests/package.sh in the VM
#   make module-6.12  W=1 build against bookworm-backports' 6.12 (in make check)
#   make check-6.12   the whole VM suite on 6.12 (T=x works too); make check
#                   runs three of its tests there (CHECK_612)
#   make fuzz       the shared code's libFuzzer targets, 10 million runs each
#                   (ASan + UBSan; make check runs them briefly)
#   make check-debug  the VM suite on a debug kernel (KASAN, kmemleak,
#                   lockdep, DEBUG_NET) built from linux-source-6.1: hours
#                   the first time (tools/vm/debug-kernel.sh); not in check
#
# KDIR selects the kernel headers to build against. By default: the running
# kernel's build directory when it exists, else the newest installed Debian
# headers.

ifeq ($(origin KDIR),undefined)
KDIR := $(shell d=/lib/modules/$$(uname -r)/build; [ -d $$d ] && [ -n "$$(ls $$d/Module.symvers 2>/dev/null)" ] && echo $$d || ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1)
endif
KVER ?= $(patsubst linux-headers-%,%,$(notdir $(realpath $(KDIR))))

VERSION := 0.1.0

# make install. PREFIX=/usr for a distribution package. The unit directory
# is /lib/systemd/system for PREFIX=/usr (Debian 12), else under PREFIX.
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
SYSCONFDIR ?= /etc
UNITDIR ?= $(if $(filter /usr,$(PREFIX)),,$(PREFIX))/lib/systemd/system
MODDIR ?= /lib/modules/$(KVER)/extra
DEPMOD ?= depmod
INSTALL ?= install
MANPAGES := Documentation/man/nfgate.8 Documentation/man/nfgated.8 \
	    Documentation/man/nfgate.conf.5

.PHONY: all install install-module install-tools dkms-src dkms-install deb check-deb module module-6.12 vmcheck-6.12 check-6.12 userspace selftests benchtools unit check vmcheck demo bench deps clean style sparse \
	fuzz check-debug

all: module userspace benchtools

deps:
	tools/setup.sh

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules

install: install-module install-tools

# depmod: for the running system (no DESTDIR) or for a DESTDIR that holds
# the kernel's own modules; a bare staging DESTDIR leaves it to the target.
install-module: module
	$(INSTALL) -D -m 644 nfgate.ko $(DESTDIR)$(MODDIR)/nfgate.ko
	@if [ -z "$(DESTDIR)" ]; then \
		echo "$(DEPMOD) -a $(KVER)"; $(DEPMOD) -a $(KVER); \
	elif [ -e "$(DESTDIR)/lib/modules/$(KVER)/modules.order" ]; then \
		echo "$(DEPMOD) -b $(DESTDIR) -a $(KVER)"; \
		$(DEPMOD) -b "$(DESTDIR)" -a $(KVER); \
	else \
		echo "install: run depmod -a $(KVER) on the target"; \
	fi

# The config is installed only where there is none: never overwritten.
install-tools: userspace
	$(INSTALL) -D -m 755 userspace/nfgate $(DESTDIR)$(SBINDIR)/nfgate
	$(INSTALL) -D -m 755 userspace/nfgated $(DESTDIR)$(SBINDIR)/nfgated
	$(INSTALL) -D -m 644 data/forged.txt $(DESTDIR)$(DATADIR)/nfgate/forged.txt
	$(INSTALL) -D -m 644 userspace/nfgate.conf.example \
		$(DESTDIR)$(DATADIR)/nfgate/nfgate.conf.example
	$(INSTALL) -d $(DESTDIR)$(UNITDIR) $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	sed 's|@SBINDIR@|$(SBINDIR)|g' dist/systemd/nfgated.service.in \
		> $(DESTDIR)$(UNITDIR)/nfgated.service
	chmod 644 $(DESTDIR)$(UNITDIR)/nfgated.service
	$(INSTALL) -m 644 Documentation/man/nfgate.8 Documentation/man/nfgated.8 \
		$(DESTDIR)$(MANDIR)/man8/
	$(INSTALL) -m 644 Documentation/man/nfgate.conf.5 $(DESTDIR)$(MANDIR)/man5/
	@conf=$(DESTDIR)$(SYSCONFDIR)/nfgate/nfgate.conf; \
	if [ -e "$$conf" ]; then \
		echo "install: keeping $$conf"; \
	else \
		echo "install: $$conf (the example)"; \
		$(INSTALL) -D -m 644 userspace/nfgate.conf.example "$$conf"; \
		if [ "$(DATADIR)" != /usr/share ]; then \
			sed -i 's|^#forged_file = /usr/share/nfgate/forged.txt|forged_file = $(DATADIR)/nfgate/forged.txt|' "$$conf"; \
		fi; \
	fi

# The module's sources for DKMS: what Kbuild needs, no tests, no Makefile
# (dkms.conf calls kbuild directly).
DKMS_SRC := $(DESTDIR)/usr/src/nfgate-$(VERSION)
dkms-src:
	$(INSTALL) -d $(DKMS_SRC)
	cp -p --parents Kbuild include/uapi/linux/nfgate.h \
		$(wildcard kmod/*.[ch] common/*.[ch]) $(DKMS_SRC)/
	sed 's/#MODULE_VERSION#/$(VERSION)/' dkms.conf > $(DKMS_SRC)/dkms.conf

dkms-install: dkms-src
	dkms install nfgate/$(VERSION)

# Binary packages from this tree, built outside it (a copy in out/deb/src).
deb:
	tools/build-deb.sh

# dpkg -i in a chroot on the host (DKMS builds there at native speed: in
# the guest it took over 20 minutes under TCG), then the installed module
# and tools at work in the guest.
check-deb: deps
	$(MAKE) deb
	tools/deb-smoke.sh $(KVER)
	$(MAKE) vmcheck T=package

# The second kernel (tools/bpo-kernel.sh): headers and image unpacked in
# .cache, the module built in a copy of the sources, never installed.
module-6.12:
	tools/bpo-kernel.sh build >/dev/null

# Single-threaded TCG for 6.12: twice its guest oopsed on an int3 at a
# static-key site (netif_rx_internal, ip_rcv) that the text patcher had
# already finished, with both vCPUs running in parallel host threads
# (Documentation/testing.rst).
vmcheck-6.12: selftests
	ko=$$(tools/bpo-kernel.sh build) && kdir=$$(tools/bpo-kernel.sh image) && \
	NFGATE_KO=$$ko KDIR=$$kdir KVER= VM_ACCEL=$${VM_ACCEL:-tcg,thread=single} \
	tools/vm/run-tests.sh $(T)

check-6.12: deps
	$(MAKE) userspace
	$(MAKE) vmcheck-6.12

sparse:
	$(MAKE) -C $(KDIR) M=$(CURDIR) C=2 modules

style:
	tools/checkpatch.sh
	tools/doccheck.sh

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
	$(if $(T),,$(MAKE) vmcheck-6.12 T="$(CHECK_612)")

# What make check runs on 6.12 besides building for it: the whole suite
# there (make check-6.12) doubles CI's time.
CHECK_612 := load_unload netlink nat

fuzz: deps
	$(MAKE) -C common/fuzz fuzz

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
