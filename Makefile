# SPDX-License-Identifier: GPL-2.0
#
#   make                       build dm-mpath-cpp.ko for the running kernel
#   make KDIR=/path/to/build   ... against another kernel build tree
#   make ARCH=um KDIR=...      ... for a UML kernel (tests)
#   make W=1 / make C=1        extra warnings / sparse on the C glue
#   make clean | install
#
# The short ways into the tests (scripts/; each builds what it needs in the
# cache, ~/.cache/dm-mpath-cpp):
#   make check         every test: scripts/test-all.sh (the README's command)
#   make kunit         the core's KUnit suites in the UML test kernel
#   make fuzz-smoke    the fuzz corpora, then 60 s of fuzzing per harness
#   make bench         the benchmarks, side by side with the stock target
#   make core-bench    the core's fast path in userspace (ns per I/O)

KDIR ?= /lib/modules/$(shell uname -r)/build
PWD := $(shell pwd)

all: modules

modules clean:
	$(MAKE) -C $(KDIR) M=$(PWD) $@

install: modules
	$(MAKE) -C $(KDIR) M=$(PWD) modules_install
	depmod -a

check:
	bash scripts/test-all.sh

kunit:
	bash scripts/beds/kernel-build.sh uml
	bash scripts/beds/uml-run.sh scripts/scenarios/kunit.sh \
		"$$(bash scripts/beds/build-module.sh uml)"

fuzz-smoke:
	bash scripts/fuzz.sh smoke 60

bench:
	bash scripts/bench.sh

core-bench:
	bash scripts/bench/core-bench.sh

.PHONY: all modules clean install check kunit fuzz-smoke bench core-bench
