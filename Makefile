# SPDX-License-Identifier: GPL-2.0
#
# rundown: thin wrapper around Kbuild.
#   make                 build rundown.ko against KDIR (default: running kernel);
#                        RUNDOWN_TESTS=y builds the test modules too
#   make examples        build the example consumers against it
#   make demo            the wdm_port example on Debian's 6.12 kernel in QEMU
#   make load            insmod rundown.ko and wdm_port.ko (running kernel)
#   make install         install rundown.ko and run depmod for KDIR's kernel
#   make dkms-install    install the sources as DKMS package rundown/VERSION
#   make test            build a KUnit kernel and run every suite in QEMU
#   make test-debug      the suites on a KASAN/UBSAN/kmemleak/failslab kernel
#   make test-kcsan      the suites on a KCSAN kernel
#   make test-rt         the suites on a PREEMPT_RT kernel
#   make test-lockdep    the deadlocks lockdep must report, one boot each
#   make torture         rundown_torture on the debug kernel (DURATION=60 s)
#   make test-full       test, test-lockdep, test-debug, torture, test-kcsan,
#                        test-rt and mutants, with one summary
#   make test-intree     the same suites built into the kernel, kunit.py run
#   make check           checkpatch, kernel-doc, W=1 and sparse builds
#   make stock-qemu      rundown and the examples on Debian's stock kernels
#   make dkms-check      a DKMS build in a throwaway DKMS tree
#   make verify          model-check both protocols with spin
#   make mutants         every mutant of scripts/mutants.list must be killed
#                        by the KUnit suites or the model (MUTANT=name: one)
#   make bench           rundown against percpu_ref, SRCU, refcount & co. on the
#                        stock 6.12 kernel in QEMU (bench/README.md)
#   make clean

KDIR ?= /lib/modules/$(shell uname -r)/build
PWD := $(CURDIR)
# The release (uname -r) of KDIR's kernel; Debian's 6.1 kernel.release is
# not it, the one the modules' vermagic carries is.
KRELEASE = $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"$$/\1/p' \
	     $(KDIR)/include/generated/utsrelease.h)

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(PWD) modules

examples: modules
	$(MAKE) -C examples KDIR=$(KDIR)

clean:
	$(MAKE) -C $(KDIR) M=$(PWD) clean
	$(MAKE) -C $(KDIR) M=$(PWD)/examples clean

# Only rundown.ko, without test points, even if RUNDOWN_TESTS=y is in the
# environment.
install:
	$(MAKE) -C $(KDIR) M=$(PWD) RUNDOWN_TESTS=n modules
	$(MAKE) -C $(KDIR) M=$(PWD) RUNDOWN_TESTS=n modules_install
	depmod $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) -a $(KRELEASE)

dkms-install:
	scripts/dkms-install.sh $(KRELEASE)

load: modules examples
	scripts/load.sh

demo:
	scripts/demo.sh

check:
	scripts/check.sh

stock-qemu:
	scripts/stock-qemu.sh

dkms-check:
	scripts/dkms-check.sh

test:
	scripts/kunit-qemu.sh

test-debug:
	scripts/kunit-qemu.sh --variant debug

test-kcsan:
	scripts/kunit-qemu.sh --variant kcsan

test-rt:
	scripts/kunit-qemu.sh --variant rt

test-lockdep:
	scripts/kunit-qemu.sh --lockdep

# Seconds of make torture (and of the torture run of make test-full).
DURATION ?= 60

torture:
	scripts/kunit-qemu.sh --torture --duration $(DURATION)

test-full:
	RUNDOWN_DURATION=$(DURATION) scripts/test-full.sh

test-intree:
	scripts/kunit-intree.sh

verify:
	scripts/verify.sh

mutants:
	MUTANT="$(MUTANT)" scripts/mutants.sh

bench:
	$(MAKE) -C bench

.PHONY: all modules examples clean install dkms-install load demo check \
	stock-qemu dkms-check test test-debug test-kcsan test-rt test-lockdep \
	torture test-full test-intree verify mutants bench
