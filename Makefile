# One non-recursive build for the whole tree: ./vmm (host), guest/guest.elf (the guest
# kernel), the guest user programs, the host unit tests, and the test and bench entry points.
# `make V=1` shows the commands.

.DEFAULT_GOAL := all
Q := $(if $(V),,@)
B := build

CC	?= cc
MUSLCC	?= musl-gcc
GCC_INC	:= $(shell $(CC) -print-file-name=include)
LIBFDT_A := $(firstword $(wildcard /usr/lib/x86_64-linux-gnu/libfdt.a /usr/lib/libfdt.a))

WARN	:= -Wall -Wextra -Werror -Wno-unused-parameter -Wstrict-prototypes -Wmissing-prototypes \
	   -Wshadow -Wvla
COMMON	:= -std=gnu11 -O2 -g $(WARN) -Iinclude -I.
# Freestanding: no libc headers at all, only the compiler's own (stdint, stddef, stdarg...).
FREESTANDING := -ffreestanding -nostdinc -isystem $(GCC_INC) -fno-strict-aliasing

# ---- host: ./vmm ------------------------------------------------------------------------
VMM_SRCS := $(wildcard host/*.c) $(wildcard virtio/*_dev.c)
VMM_OBJS := $(patsubst %.c,$(B)/host/%.o,$(VMM_SRCS))
VMM_CFLAGS := $(COMMON) -D_GNU_SOURCE -pthread
VMM_LDLIBS := -lfdt -pthread

# Device-side virtio code is shared, hence freestanding; host/ (the VMM) is ordinary hosted C.
$(B)/host/virtio/%.o: virtio/%.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(COMMON) $(FREESTANDING) -MMD -MP -c $< -o $@
$(B)/host/host/%.o: host/%.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(VMM_CFLAGS) -MMD -MP -c $< -o $@

# The VMM is linked statically so that the nested harness can carry it into a bare initramfs.
vmm: $(VMM_OBJS)
	@echo "  LD      $@"
	$(Q)$(CC) -static -o $@ $^ $(VMM_LDLIBS)

# ---- guest kernel -----------------------------------------------------------------------
GUEST_SRCS := $(wildcard guest/*/*.c guest/*/*.S) $(wildcard guest/fs/ext2/*.c) \
	$(wildcard mm/*.c) $(wildcard virtio/*_drv.c)
GUEST_OBJS := $(patsubst %,$(B)/guest/%.o,$(GUEST_SRCS))
GUEST_CFLAGS := $(COMMON) $(FREESTANDING) -Iguest/include -Iguest/arch/include \
	-mno-red-zone -mcmodel=kernel -fno-pic -fno-pie -fno-stack-protector \
	-mno-sse -mno-sse2 -mno-mmx -mno-80387 -fno-asynchronous-unwind-tables \
	-fno-omit-frame-pointer -D__KERNEL__

$(B)/guest/%.c.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $< (guest)"
	$(Q)$(CC) $(GUEST_CFLAGS) -MMD -MP -c $< -o $@
$(B)/guest/%.S.o: %.S
	@mkdir -p $(@D)
	@echo "  AS      $< (guest)"
	$(Q)$(CC) $(GUEST_CFLAGS) -D__ASSEMBLY__ -MMD -MP -c $< -o $@

guest/guest.elf: $(GUEST_OBJS) guest/guest.ld
	@echo "  LD      $@"
	$(Q)$(CC) -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,max-page-size=4096 \
		-Wl,-T,guest/guest.ld -o $@ $(GUEST_OBJS) $(LIBFDT_A) -lgcc

# ---- guest user programs (static Linux binaries: they run in the guest and natively) ----
PROG_SRCS := $(wildcard tests/guest/*.c)
PROGS := $(patsubst tests/guest/%.c,$(B)/progs/%,$(PROG_SRCS))
PROG_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter -static -Itests/guest

$(B)/progs/%: tests/guest/%.c $(wildcard tests/guest/*.h)
	@mkdir -p $(@D)
	@echo "  MUSLCC  $<"
	$(Q)$(MUSLCC) $(PROG_CFLAGS) -o $@ $<

# The guest's initramfs: every program at /, tests/guest/init.c as /init (the suite runner),
# but bigexec (24 MiB: tests/integration/exec.sh runs it from an ext2 disk).
INITRAMFS_PROGS := $(filter-out $(B)/progs/bigexec,$(PROGS))
$(B)/initramfs.cpio: $(INITRAMFS_PROGS)
	@echo "  CPIO    $@"
	$(Q)rm -rf $(B)/initramfs && mkdir -p $(B)/initramfs && cp $(INITRAMFS_PROGS) $(B)/initramfs/
	$(Q)cd $(B)/initramfs && find . -mindepth 1 | LC_ALL=C sort | \
		cpio -o -H newc -R 0:0 --quiet >../initramfs.cpio

# ---- integration helpers (static: they also run inside the nested initramfs) -------------
ITEST_SRCS := $(wildcard tests/integration/*.c)
ITESTS := $(patsubst tests/integration/%.c,$(B)/integration/%,$(ITEST_SRCS))
$(B)/integration/%: tests/integration/%.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(COMMON) -D_GNU_SOURCE -static -o $@ $<

# ---- host unit tests (TAP, ASan + UBSan) -------------------------------------------------
SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(B)/unit/%,$(UNIT_SRCS))
# Everything a unit test may link: shared code built freestanding (proving it needs no libc)
# but instrumented, the testable parts of host/, and the test harness (software MMU, arena).
UNIT_LIB_SRCS := $(wildcard mm/*.c virtio/*.c guest/fs/ext2/*.c) guest/block/bio.c \
	$(filter-out host/main.c,$(wildcard host/*.c)) $(wildcard tests/unit/lib/*.c)
UNIT_LIB_OBJS := $(patsubst %.c,$(B)/unit/obj/%.o,$(UNIT_LIB_SRCS))
UNIT_INC := -Itests/unit/include
$(B)/unit/obj/mm/%.o: mm/%.c
	@mkdir -p $(@D)
	@echo "  CC      $< (unit)"
	$(Q)$(CC) $(COMMON) $(FREESTANDING) $(UNIT_INC) $(SAN) -DHOST_TEST -MMD -MP -c $< -o $@
$(B)/unit/obj/guest/fs/ext2/%.o: guest/fs/ext2/%.c
	@mkdir -p $(@D)
	@echo "  CC      $< (unit)"
	$(Q)$(CC) $(COMMON) $(FREESTANDING) $(UNIT_INC) $(SAN) -DHOST_TEST -MMD -MP -c $< -o $@
$(B)/unit/obj/guest/block/%.o: guest/block/%.c
	@mkdir -p $(@D)
	@echo "  CC      $< (unit)"
	$(Q)$(CC) $(COMMON) $(FREESTANDING) -Iguest/include $(UNIT_INC) $(SAN) -DHOST_TEST -MMD -MP \
		-c $< -o $@
$(B)/unit/obj/virtio/%.o: virtio/%.c
	@mkdir -p $(@D)
	@echo "  CC      $< (unit)"
	$(Q)$(CC) $(COMMON) $(FREESTANDING) $(UNIT_INC) $(SAN) -DHOST_TEST -MMD -MP -c $< -o $@
$(B)/unit/obj/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $< (unit)"
	$(Q)$(CC) $(VMM_CFLAGS) $(UNIT_INC) $(SAN) -DHOST_TEST -MMD -MP -c $< -o $@
$(B)/unit/libunit.a: $(UNIT_LIB_OBJS)
	@rm -f $@
	$(Q)ar rcs $@ $^
$(B)/unit/%: tests/unit/%.c $(B)/unit/libunit.a
	@mkdir -p $(@D)
	@echo "  CC      $< (unit)"
	$(Q)$(CC) $(VMM_CFLAGS) $(UNIT_INC) $(SAN) -DHOST_TEST -MMD -MP -o $@ $< \
		$(B)/unit/libunit.a $(VMM_LDLIBS)

# ---- make bench: the instruction cost of a fault in mm/ (tests/bench/mm_fault_cost.c) -----
# mm/ and the unit harness once more, without sanitizers, so that callgrind counts what the
# guest would run; same flags as the unit build otherwise. Not part of `all`.
BENCH_MM_SRCS := $(wildcard mm/*.c) $(wildcard tests/unit/lib/*.c) guest/block/bio.c
BENCH_MM_OBJS := $(patsubst %.c,$(B)/bench/obj/%.o,$(BENCH_MM_SRCS))
$(B)/bench/obj/mm/%.o: mm/%.c
	@mkdir -p $(@D)
	@echo "  CC      $< (bench)"
	$(Q)$(CC) $(COMMON) $(FREESTANDING) $(UNIT_INC) -DHOST_TEST -MMD -MP -c $< -o $@
$(B)/bench/obj/guest/block/%.o: guest/block/%.c
	@mkdir -p $(@D)
	@echo "  CC      $< (bench)"
	$(Q)$(CC) $(COMMON) $(FREESTANDING) -Iguest/include $(UNIT_INC) -DHOST_TEST -MMD -MP \
		-c $< -o $@
$(B)/bench/obj/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $< (bench)"
	$(Q)$(CC) $(VMM_CFLAGS) $(UNIT_INC) -DHOST_TEST -MMD -MP -c $< -o $@
$(B)/bench/mm_fault_cost: tests/bench/mm_fault_cost.c $(BENCH_MM_OBJS)
	@echo "  CC      $< (bench)"
	$(Q)$(CC) $(VMM_CFLAGS) $(UNIT_INC) -DHOST_TEST -o $@ $^ -pthread

# The guest's fault benchmarks (tests/bench/{fault,file}_bench.c, static musl like the test
# programs, but not among them) and the initramfs that runs fault_bench as /init and holds
# /file_bench (booted with init=/file_bench).
$(B)/bench/fault_bench $(B)/bench/file_bench: $(B)/bench/%: tests/bench/%.c
	@mkdir -p $(@D)
	@echo "  MUSLCC  $<"
	$(Q)$(MUSLCC) $(PROG_CFLAGS) -o $@ $<
$(B)/bench-initramfs.cpio: $(B)/bench/fault_bench $(B)/bench/file_bench
	@echo "  CPIO    $@"
	$(Q)rm -rf $(B)/bench-initramfs && mkdir -p $(B)/bench-initramfs && \
		cp $< $(B)/bench-initramfs/init && cp $(B)/bench/file_bench $(B)/bench-initramfs/
	$(Q)cd $(B)/bench-initramfs && find . -mindepth 1 | LC_ALL=C sort | \
		cpio -o -H newc -R 0:0 --quiet >../bench-initramfs.cpio

# ---- fuzzing: the virtio-blk device's request checks (tests/fuzz/) -----------------------
# build/fuzz/replay_NAME feeds tests/fuzz/corpus/NAME/* to the fuzz target built with gcc,
# ASan and UBSan, printing TAP (`make test` runs it). `make fuzz` builds the libFuzzer
# binary with clang and fuzzes for FUZZ_TIME seconds, new inputs going to build/fuzz/corpus.
FUZZ_REPLAY := $(B)/fuzz/replay_blk_dev
FUZZ_DEV_OBJS := $(patsubst %.c,$(B)/unit/obj/%.o,$(wildcard virtio/*_dev.c))
CLANG	?= clang
FUZZ_TIME ?= 60
$(B)/fuzz/%.o: tests/fuzz/%.c
	@mkdir -p $(@D)
	@echo "  CC      $< (fuzz replay)"
	$(Q)$(CC) $(VMM_CFLAGS) $(SAN) -MMD -MP -c $< -o $@
$(B)/fuzz/replay_%: $(B)/fuzz/replay.o $(B)/fuzz/fuzz_%.o $(FUZZ_DEV_OBJS)
	@echo "  LD      $@"
	$(Q)$(CC) $(SAN) -o $@ $^
$(B)/fuzz/fuzz_blk_dev: tests/fuzz/fuzz_blk_dev.c $(wildcard virtio/*_dev.c virtio/*.h)
	@mkdir -p $(@D)
	@echo "  CLANG   $@ (libFuzzer)"
	$(Q)$(CLANG) $(COMMON) -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -o $@ \
		$(filter %.c,$^)
fuzz: $(B)/fuzz/fuzz_blk_dev
	@mkdir -p $(B)/fuzz/corpus
	$< -max_total_time=$(FUZZ_TIME) $(B)/fuzz/corpus tests/fuzz/corpus/blk_dev

# ---- top-level targets -------------------------------------------------------------------
all: deps vmm guest/guest.elf $(PROGS) $(B)/initramfs.cpio $(UNIT_BINS) $(ITESTS) $(FUZZ_REPLAY)

deps:
	$(Q)scripts/deps.sh

unit: $(UNIT_BINS) $(FUZZ_REPLAY)
progs: $(PROGS)
initramfs: $(B)/initramfs.cpio

run: all
	$(Q)scripts/run.sh

test: all
	$(Q)tests/run.sh

bench: all $(B)/bench/mm_fault_cost $(B)/bench-initramfs.cpio
	$(Q)tests/bench.sh

clean:
	rm -rf $(B) vmm guest/guest.elf

.PHONY: all deps unit progs initramfs run test bench clean fuzz
.SECONDARY:

-include $(shell find $(B) -name '*.d' 2>/dev/null)
