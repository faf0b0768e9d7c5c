# SPDX-License-Identifier: GPL-2.0
#
#   make                       build dm-mpath-cpp.ko for the running kernel
#   make KDIR=/path/to/build   ... against another kernel build tree
#   make ARCH=um KDIR=...      ... for a UML kernel (tests)
#   make W=1 / make C=1        extra warnings / sparse on the C glue
#   make clean | install

KDIR ?= /lib/modules/$(shell uname -r)/build
PWD := $(shell pwd)

all: modules

modules clean:
	$(MAKE) -C $(KDIR) M=$(PWD) $@

install: modules
	$(MAKE) -C $(KDIR) M=$(PWD) modules_install
	depmod -a

.PHONY: all modules clean install
