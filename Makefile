# SPDX-License-Identifier: GPL-2.0
#
# rundown: thin wrapper around Kbuild.
#   make                 build rundown.ko against KDIR (default: running kernel)
#   make test            build a KUnit kernel and run every suite in QEMU
#   make verify          model-check the cache-aware protocol with spin
#   make clean

KDIR ?= /lib/modules/$(shell uname -r)/build
PWD := $(CURDIR)

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(PWD) modules

clean:
	$(MAKE) -C $(KDIR) M=$(PWD) clean

install: modules
	$(MAKE) -C $(KDIR) M=$(PWD) modules_install
	depmod -a

test:
	scripts/kunit-qemu.sh

verify:
	scripts/verify.sh

.PHONY: all modules clean install test verify
