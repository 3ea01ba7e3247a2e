/* SPDX-License-Identifier: MIT */
/* vCPU creation, the KVM_RUN loop and its exits, the timeout kick, register dumps. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "host/kvm.h"
#include "host/vcpu.h"

#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id	_sigev_un._tid	/* glibc names no accessor for it */
#endif

#define SIG_KICK	SIGUSR1

/* The vCPU this thread runs, for the kick handler; and whether its timer fired. */
static __thread struct kvm_run *kick_run;
static __thread volatile sig_atomic_t kick_timed_out;

/*
 * The timer's signal: note the timeout, then make KVM_RUN return -EINTR, whether the
 * thread is in the guest now (the signal itself exits it) or about to enter it
 * (immediate_exit).
 */
static void kick_handler(int sig)
{
	kick_timed_out = 1;
	if (kick_run)
		kick_run->immediate_exit = 1;
}

int vcpu_create(struct vm *vm, unsigned int id, struct errbuf *e)
{
	struct vcpu *v = &vm->vcpus[id];
	void *run;

	v->vm = vm;
	v->id = id;
	v->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, (unsigned long)id);
	if (v->fd < 0)
		return errf(e, -errno, "vcpu%u: KVM_CREATE_VCPU: %s", id, strerror(errno));
	run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
	if (run == MAP_FAILED)
		return errf(e, -errno, "vcpu%u: mmap kvm_run: %s", id, strerror(errno));
	v->run = run;
	return 0;
}

/* Arm a one-shot timer that sends SIG_KICK to this thread after @ms. */
static int kick_arm(timer_t *t, u64 ms, struct errbuf *e)
{
	struct sigaction sa = { .sa_handler = kick_handler };	/* no SA_RESTART */
	struct sigevent sev = {
		.sigev_notify = SIGEV_THREAD_ID,
		.sigev_signo = SIG_KICK,
	};
	struct itimerspec its = {
		.it_value = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000 },
	};

	sev.sigev_notify_thread_id = gettid();
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIG_KICK, &sa, NULL) < 0)
		return errf(e, -errno, "sigaction: %s", strerror(errno));
	if (timer_create(CLOCK_MONOTONIC, &sev, t) < 0)
		return errf(e, -errno, "timer_create: %s", strerror(errno));
	if (timer_settime(*t, 0, &its, NULL) < 0) {
		timer_delete(*t);
		return errf(e, -errno, "timer_settime: %s", strerror(errno));
	}
	return 0;
}

static void count_exit(struct vm *vm, u32 reason)
{
	vm->exits[MIN(reason, (u32)VMM_EXIT_REASONS - 1)]++;
	vm->exits_total++;
}

static void handle_io(struct vcpu *v)
{
	struct kvm_run *run = v->run;
	u8 *data = (u8 *)run + run->io.data_offset;
	u32 i;

	/* count > 1 is a string instruction (rep outs/ins): one access per element. */
	for (i = 0; i < run->io.count && !v->vm->exit_requested; i++)
		io_pio(v->vm, run->io.port, data + i * run->io.size, run->io.size,
		       run->io.direction == KVM_EXIT_IO_OUT);
}

static const char *internal_error_name(u32 sub)
{
	switch (sub) {
	case KVM_INTERNAL_ERROR_EMULATION:
		return "instruction emulation failed";
	case KVM_INTERNAL_ERROR_SIMUL_EX:
		return "exception while delivering an exception";
	case KVM_INTERNAL_ERROR_DELIVERY_EV:
		return "event delivery failed (e.g. MMIO page tables or IDT)";
	default:
		return "unknown suberror";
	}
}

/*
 * Handle the exit KVM_RUN just returned. Returns true to keep running, false with @r
 * filled to stop.
 */
static bool handle_exit(struct vcpu *v, struct run_result *r)
{
	struct kvm_run *run = v->run;

	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		handle_io(v);
		if (v->vm->exit_requested) {
			r->why = RUN_EXIT_PORT;
			r->value = v->vm->exit_value;
			return false;
		}
		return true;
	case KVM_EXIT_MMIO:
		io_mmio(v->vm, run->mmio.phys_addr, run->mmio.data,
			MIN(run->mmio.len, (u32)sizeof(run->mmio.data)), run->mmio.is_write);
		return true;
	case KVM_EXIT_HLT:	/* only without an in-kernel LAPIC; resume after the HLT */
	case KVM_EXIT_INTR:
		return true;
	case KVM_EXIT_SHUTDOWN:
		r->why = RUN_SHUTDOWN;
		errf(&r->err, 0, "guest triple fault (shutdown)");
		return false;
	case KVM_EXIT_FAIL_ENTRY:
		r->why = RUN_ERROR;
		errf(&r->err, 0, "vcpu%u: KVM_RUN: VM entry failed, hardware reason 0x%llx", v->id,
		     (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		return false;
	case KVM_EXIT_INTERNAL_ERROR:
		r->why = RUN_ERROR;
		errf(&r->err, 0, "vcpu%u: KVM internal error %u: %s", v->id,
		     run->internal.suberror, internal_error_name(run->internal.suberror));
		return false;
	case KVM_EXIT_SYSTEM_EVENT:
		r->why = RUN_ERROR;
		errf(&r->err, 0, "vcpu%u: guest system event %u (%s)", v->id,
		     run->system_event.type,
		     run->system_event.type == KVM_SYSTEM_EVENT_RESET ? "reset" :
		     run->system_event.type == KVM_SYSTEM_EVENT_SHUTDOWN ? "shutdown" : "other");
		return false;
	default:
		r->why = RUN_ERROR;
		errf(&r->err, 0, "vcpu%u: unhandled KVM exit reason %u", v->id, run->exit_reason);
		return false;
	}
}

void vcpu_run(struct vcpu *v, u64 timeout_ms, struct run_result *r)
{
	timer_t timer;
	bool armed = false;

	memset(r, 0, sizeof(*r));
	r->first_run_us = now_us();	/* so that a failure before the loop reads 0 us */
	kick_run = v->run;
	kick_timed_out = 0;
	if (timeout_ms) {
		if (kick_arm(&timer, timeout_ms, &r->err)) {
			r->why = RUN_ERROR;
			goto out;
		}
		armed = true;
	}
	r->entry_rss_kib = peak_rss_kib();
	r->first_run_us = now_us();
	for (;;) {
		if (ioctl(v->fd, KVM_RUN, 0) < 0) {
			if (errno != EINTR && errno != EAGAIN) {
				r->why = RUN_ERROR;
				errf(&r->err, 0, "vcpu%u: KVM_RUN: %s", v->id, strerror(errno));
				break;
			}
			count_exit(v->vm, KVM_EXIT_INTR);
			v->run->immediate_exit = 0;	/* the flag is read after this */
		} else {
			count_exit(v->vm, v->run->exit_reason);
			if (!handle_exit(v, r))
				break;
		}
		if (kick_timed_out) {
			r->why = RUN_TIMEOUT;
			errf(&r->err, 0, "guest timed out after %llu s",
			     (unsigned long long)(timeout_ms / 1000));
			break;
		}
	}
out:
	r->end_us = now_us();
	if (armed)
		timer_delete(timer);
	kick_run = NULL;
}

void vcpu_dump_regs(struct vcpu *v)
{
	struct kvm_regs g;
	struct kvm_sregs s;

	if (ioctl(v->fd, KVM_GET_REGS, &g) < 0 || ioctl(v->fd, KVM_GET_SREGS, &s) < 0) {
		vmm_err("vcpu%u: cannot read registers: %s", v->id, strerror(errno));
		return;
	}
#define X(r) (unsigned long long)(r)
	vmm_err("vcpu%u: RIP %016llx RSP %016llx RFLAGS %08llx", v->id, X(g.rip), X(g.rsp),
		X(g.rflags));
	vmm_err("vcpu%u: RAX %016llx RBX %016llx RCX %016llx RDX %016llx", v->id, X(g.rax),
		X(g.rbx), X(g.rcx), X(g.rdx));
	vmm_err("vcpu%u: RSI %016llx RDI %016llx RBP %016llx R8  %016llx", v->id, X(g.rsi),
		X(g.rdi), X(g.rbp), X(g.r8));
	vmm_err("vcpu%u: R9  %016llx R10 %016llx R11 %016llx R12 %016llx", v->id, X(g.r9),
		X(g.r10), X(g.r11), X(g.r12));
	vmm_err("vcpu%u: R13 %016llx R14 %016llx R15 %016llx", v->id, X(g.r13), X(g.r14),
		X(g.r15));
	vmm_err("vcpu%u: CR0 %016llx CR2 %016llx CR3 %016llx CR4 %016llx EFER %llx", v->id,
		X(s.cr0), X(s.cr2), X(s.cr3), X(s.cr4), X(s.efer));
	vmm_err("vcpu%u: CS %04x SS %04x DS %04x ES %04x FS %04x GS %04x TR %04x", v->id,
		s.cs.selector, s.ss.selector, s.ds.selector, s.es.selector, s.fs.selector,
		s.gs.selector, s.tr.selector);
#undef X
}

static const char *const exit_names[] = {
	[KVM_EXIT_UNKNOWN] = "unknown",
	[KVM_EXIT_EXCEPTION] = "exception",
	[KVM_EXIT_IO] = "io",
	[KVM_EXIT_HYPERCALL] = "hypercall",
	[KVM_EXIT_DEBUG] = "debug",
	[KVM_EXIT_HLT] = "hlt",
	[KVM_EXIT_MMIO] = "mmio",
	[KVM_EXIT_IRQ_WINDOW_OPEN] = "irq_window_open",
	[KVM_EXIT_SHUTDOWN] = "shutdown",
	[KVM_EXIT_FAIL_ENTRY] = "fail_entry",
	[KVM_EXIT_INTR] = "intr",
	[KVM_EXIT_NMI] = "nmi",
	[KVM_EXIT_INTERNAL_ERROR] = "internal_error",
	[KVM_EXIT_SYSTEM_EVENT] = "system_event",
	[KVM_EXIT_IOAPIC_EOI] = "ioapic_eoi",
	[KVM_EXIT_X86_RDMSR] = "rdmsr",
	[KVM_EXIT_X86_WRMSR] = "wrmsr",
	[KVM_EXIT_X86_BUS_LOCK] = "bus_lock",
};

void vm_print_exit_stats(const struct vm *vm)
{
	char line[1024];
	size_t n;
	u32 i;

	n = snprintf(line, sizeof(line), "stat exits_io=%llu exits_mmio=%llu exits_total=%llu",
		     (unsigned long long)vm->exits[KVM_EXIT_IO],
		     (unsigned long long)vm->exits[KVM_EXIT_MMIO],
		     (unsigned long long)vm->exits_total);
	for (i = 0; i < VMM_EXIT_REASONS && n < sizeof(line); i++) {
		if (!vm->exits[i] || i == KVM_EXIT_IO || i == KVM_EXIT_MMIO)
			continue;
		if (i == VMM_EXIT_REASONS - 1)
			n += snprintf(line + n, sizeof(line) - n, " exits_other=%llu",
				      (unsigned long long)vm->exits[i]);
		else if (i < ARRAY_SIZE(exit_names) && exit_names[i])
			n += snprintf(line + n, sizeof(line) - n, " exits_%s=%llu",
				      exit_names[i], (unsigned long long)vm->exits[i]);
		else
			n += snprintf(line + n, sizeof(line) - n, " exits_reason%u=%llu", i,
				      (unsigned long long)vm->exits[i]);
	}
	vmm_err("%s", line);
}
