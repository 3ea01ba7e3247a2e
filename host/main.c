/* SPDX-License-Identifier: MIT */
/*
 * ./vmm: the subcommands (boot, probe, help, version) and, for boot, the explicit ordered
 * set-up of a VM from the options, the run of vCPU 0, and the exit status it ends with.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/kvm.h>

#include <abi/layout.h>
#include "host/exitdev.h"
#include "host/fdt.h"
#include "host/initrd.h"
#include "host/ioloop.h"
#include "host/kvm.h"
#include "host/kvm_stats.h"
#include "host/layout.h"
#include "host/loader.h"
#include "host/options.h"
#include "host/serial.h"
#include "host/trace.h"
#include "host/vcpu.h"
#include "host/virtio_blk.h"
#include "host/x86.h"

#define PROBE_TIMEOUT_MS	5000
#define PROBE_VALUE		0x4b564d50u	/* "PMVK": what the probe guest reports */

/* Big, and one of each per process. */
static struct vmm_opts opts;
static struct vm vm;
static struct ioloop ioloop;

/* The command line as typed, for the "run it nested" hint. */
static void join_args(char *buf, size_t size, int argc, char **argv)
{
	size_t n = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < argc && n < size; i++)
		n += snprintf(buf + n, size - n, "%s%s", i ? " " : "", argv[i]);
}

/* Open /dev/kvm, check it, create the VM with @mem bytes of RAM and its CPUID table. */
static void setup_kvm(const char *cmd, u64 mem)
{
	struct errbuf e;

	vm_init(&vm);
	if (kvm_open(&vm, cmd, &e) || kvm_check(&vm, &e) || kvm_create_vm(&vm, &e) ||
	    ram_alloc(&vm, mem, &e) || kvm_map_ram(&vm, &e) ||
	    x86_get_supported_cpuid(&vm, &e) || x86_write_boot_tables(&vm, &e) ||
	    exitdev_attach(&vm, &e))
		die("%s", e.msg);
}

/* Create vCPUs 0..n-1; vCPU 0 gets the entry state, the rest wait for a SIPI. */
static void setup_vcpus(unsigned int n, u64 entry)
{
	struct errbuf e;
	unsigned int i;

	vm.vcpus = calloc(n, sizeof(*vm.vcpus));
	if (!vm.vcpus)
		die("out of memory");
	vm.nr_vcpus = n;
	for (i = 0; i < n; i++) {
		if (vcpu_create(&vm, i, &e) || x86_init_vcpu(&vm.vcpus[i], i == 0, entry, &e))
			die("%s", e.msg);
	}
}

static void print_stats(const struct run_result *r)
{
	struct rusage ru;
	u64 startup = r->first_run_us - vmm_start_us, run = r->end_us - r->first_run_us;

	getrusage(RUSAGE_SELF, &ru);
	vmm_err("time to first instruction: %llu us (VMM start to just before the first KVM_RUN)",
		(unsigned long long)startup);
	vmm_err("time to guest exit: %llu us (first KVM_RUN to the guest's exit)",
		(unsigned long long)run);
	vmm_err("stat startup_us=%llu", (unsigned long long)startup);
	vmm_err("stat run_us=%llu", (unsigned long long)run);
	vmm_err("stat total_us=%llu", (unsigned long long)(now_us() - vmm_start_us));
	vmm_err("stat maxrss_kib=%ld", ru.ru_maxrss);
	vmm_err("stat entry_rss_kib=%ld", r->entry_rss_kib);
	vm_print_exit_stats(&vm);
}

/* Write each --dump range to its (already open) file. Returns 0 or -1 after a message. */
static int write_dumps(const int *fds)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; i < opts.nr_dumps; i++) {
		const struct dump_req *d = &opts.dumps[i];
		const u8 *p = gpa_to_host(&vm, d->gpa, d->len);	/* checked against --mem */
		const char *why = p ? NULL : "range not in guest RAM";
		u64 done = 0;

		while (!why && done < d->len) {
			ssize_t n = write(fds[i], p + done, d->len - done);

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				why = n < 0 ? strerror(errno) : "short write";
			else
				done += n;
		}
		if (close(fds[i]) < 0 && !why)
			why = strerror(errno);
		if (why) {
			vmm_err("%s: writing the --dump: %s", d->path, why);
			ret = -1;
		}
	}
	return ret;
}

/* What `./vmm boot` has checked and opened before it touches /dev/kvm. */
struct boot_inputs {
	void *elf;
	size_t elf_len;
	struct elf_image img;
	int initrd_fd;			/* -1: no --initrd */
	u64 initrd_size;
	u32 trace_entries;		/* records per CPU ring; 0: no fault trace */
	struct ram_plan plan;
	int dump_fds[VMM_MAX_DUMPS];
	struct vmm_blk *blk[VIRTIO_MMIO_MAX_DEVS];	/* by slot; NULL: empty */
};

/* Open --disk and --swap (their images are inputs too: a bad one is a usage error). */
static void open_disks(struct boot_inputs *in)
{
	struct vmm_blk *disk = NULL;
	struct errbuf e;
	struct stat st;

	if (opts.disk.path[0]) {
		if (vmm_blk_open(&disk, "disk", VIRTIO_SLOT_DISK, opts.disk.path, opts.disk.ro,
				 &e))
			die_usage("--disk %s", e.msg);
		in->blk[VIRTIO_SLOT_DISK] = disk;
	}
	if (!opts.swap.path[0])
		return;
	/* Before opening (and locking) it, so that the message says what is wrong. */
	if (disk && !stat(opts.swap.path, &st) && st.st_dev == disk->file.dev &&
	    st.st_ino == disk->file.ino)
		die_usage("--swap %s: the same file as --disk %s", opts.swap.path,
			  opts.disk.path);
	if (vmm_blk_open(&in->blk[VIRTIO_SLOT_SWAP], "swap", VIRTIO_SLOT_SWAP, opts.swap.path,
			 false, &e))
		die_usage("--swap %s", e.msg);
}

/* Step 1: every user input is checked here, before /dev/kvm is touched (exit 2). */
static void check_inputs(struct boot_inputs *in)
{
	struct errbuf e;
	unsigned int i;

	in->initrd_fd = -1;
	if (read_file(opts.image, RAM_MAX_SIZE, &in->elf, &in->elf_len, &e))
		die_usage("%s", e.msg);
	if (elf_check(in->elf, in->elf_len, opts.mem, &in->img, &e))
		die_usage("%s: %s", opts.image, e.msg);
	if (opts.initrd[0] && initrd_open(opts.initrd, &in->initrd_fd, &in->initrd_size, &e))
		die_usage("--initrd %s", e.msg);
	if (opts.trace_size) {
		in->trace_entries = trace_ring_entries(opts.trace_size, opts.cpus);
		if (!in->trace_entries)
			die_usage("--trace-size %llu: too small for %u vCPU rings (a %zu-byte "
				  "header, then %zu bytes a record)",
				  (unsigned long long)opts.trace_size, opts.cpus,
				  sizeof(struct fault_trace_hdr), sizeof(struct fault_trace_entry));
	}
	if (ram_plan_make(&in->plan, opts.mem, in->img.end, opts.initrd, in->initrd_size,
			  opts.trace_size, &e))
		die_usage("%s", e.msg);
	open_disks(in);
	for (i = 0; i < opts.nr_dumps; i++) {
		in->dump_fds[i] = open(opts.dumps[i].path,
				       O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (in->dump_fds[i] < 0)
			die_usage("--dump: %s: %s", opts.dumps[i].path, strerror(errno));
	}
}

/* Step 3: guest memory: the kernel above 1 MiB, the initrd and the trace header on top. */
static void load_guest(struct boot_inputs *in)
{
	const struct ram_plan *plan = &in->plan;
	struct errbuf e;

	if (elf_load(&vm, in->elf, &in->img, &e))
		die("%s: %s", opts.image, e.msg);
	free(in->elf);
	in->elf = NULL;
	if (in->initrd_fd >= 0 && initrd_load(&vm, in->initrd_fd, opts.initrd, plan->initrd_gpa,
					      plan->initrd_size, &e))
		die("--initrd %s", e.msg);
	if (plan->trace_size)
		trace_init(gpa_to_host(&vm, plan->trace_gpa, plan->trace_size), opts.cpus,
			   in->trace_entries);
}

/* Step 4: the virtio-blk devices on the MMIO bus, their ioeventfds, irqfds and I/O thread. */
static void setup_virtio(struct boot_inputs *in)
{
	struct errbuf e;
	unsigned int i;

	ioloop_init(&ioloop);
	for (i = 0; i < VIRTIO_MMIO_MAX_DEVS; i++) {
		struct vmm_blk *b = in->blk[i];

		if (!b)
			continue;
		if (vmm_blk_setup(b, &vm, &ioloop, &e) || vmm_blk_connect(b, &vm, &e))
			die("%s", e.msg);
		vmm_log("%s: virtio-blk at 0x%llx, GSI %u: %llu sectors%s", b->role,
			(unsigned long long)b->base, b->gsi,
			(unsigned long long)(b->file.size / VIRTIO_BLK_SECTOR_SIZE),
			b->file.ro ? ", read-only" : "");
	}
}

/* Step 5: the device tree, last: it describes everything set up before. */
static void write_dt(const struct boot_inputs *in, u32 tsc_khz)
{
	const struct ram_plan *plan = &in->plan;
	struct dt_params dt = {
		.ram_size = vm.ram_size,
		.cmdline = opts.cmdline,
		.nr_cpus = opts.cpus,
		.tsc_khz = tsc_khz,
		.trace_gpa = plan->trace_gpa,
		.trace_size = plan->trace_size,
	};
	struct errbuf e;
	unsigned int i;
	void *fdt;

	for (i = 0; i < VIRTIO_MMIO_MAX_DEVS; i++) {
		const struct vmm_blk *b = in->blk[i];

		if (b)
			dt.virtio[dt.nr_virtio++] = (struct dt_virtio){
				.base = b->base, .gsi = b->gsi, .role = b->role };
	}
	if (plan->initrd_size) {
		dt.initrd_start = plan->initrd_gpa;
		dt.initrd_end = plan->initrd_gpa + plan->initrd_size;
	}
	fdt = gpa_to_host(&vm, BOOT_FDT_GPA, BOOT_FDT_MAX);
	if (!fdt || dt_build(fdt, BOOT_FDT_MAX, &dt, &e))
		die("%s", fdt ? e.msg : "device tree: no room in guest RAM");
}

static void print_trace_line(void *ctx, const char *text)
{
	vmm_err("%s", text);
}

/* The fault table, from the rings the guest left in RAM (any exit: RAM is still there). */
static void print_fault_stats(const struct boot_inputs *in, u32 tsc_khz)
{
	const struct ram_plan *plan = &in->plan;
	struct trace_stats st;
	int err;

	if (!plan->trace_size) {
		vmm_err("faults: no fault trace (--trace-size 0)");
		return;
	}
	err = trace_parse(gpa_to_host(&vm, plan->trace_gpa, plan->trace_size), plan->trace_size,
			  opts.cpus, in->trace_entries, &st);
	if (err == -EBADMSG)
		vmm_err("faults: the guest overwrote the trace header at 0x%llx; no statistics",
			(unsigned long long)plan->trace_gpa);
	else if (err)
		vmm_err("faults: cannot read the trace: %s", strerror(-err));
	else
		trace_report(&st, tsc_khz, print_trace_line, NULL);
}

/* -v: what each device did. */
static void print_device_stats(const struct boot_inputs *in)
{
	char line[512];
	unsigned int i;

	for (i = 0; i < VIRTIO_MMIO_MAX_DEVS; i++) {
		if (!in->blk[i])
			continue;
		vmm_blk_stats_line(in->blk[i], line, sizeof(line));
		vmm_err("%s", line);
	}
}

static int cmd_boot(int argc, char **argv, const char *cmd)
{
	struct boot_inputs in = { 0 };
	struct run_result r;
	struct errbuf e;
	unsigned int i;
	int status, khz;
	u32 tsc_khz;

	if (opts_parse_boot(&opts, argc, argv, &e))
		die_usage("%s", e.msg);
	if (opts.help) {
		opts_print_help(stdout);
		return 0;
	}
	vmm_verbose = opts.verbose;
	check_inputs(&in);

	/* 2. The VM and its RAM. */
	setup_kvm(cmd, opts.mem);
	if (opts.cpus > kvm_max_vcpus(&vm))
		die("--cpus %u: KVM allows at most %u", opts.cpus, kvm_max_vcpus(&vm));
	load_guest(&in);

	/* 4. Devices, then vCPUs (SMP bring-up is later work: APs exist, nothing runs them). */
	if (serial_attach(&vm, STDOUT_FILENO, &e))
		die("%s", e.msg);
	setup_virtio(&in);
	setup_vcpus(opts.cpus, in.img.entry);
	khz = ioctl(vm.vcpus[0].fd, KVM_GET_TSC_KHZ, 0);
	tsc_khz = khz > 0 ? khz : 0;
	write_dt(&in, tsc_khz);
	vmm_log("%s: entry 0x%llx, %u segments, mem %llu MiB, %u vCPU(s), tsc %d kHz",
		opts.image, (unsigned long long)in.img.entry, in.img.nr_segs,
		(unsigned long long)(opts.mem >> 20), opts.cpus, khz);

	/* 6. Run vCPU 0 until the guest exits; from here on errors are reported, not died. */
	if (ioloop_start(&ioloop, &e))
		die("%s", e.msg);
	vcpu_run(&vm.vcpus[0], opts.timeout_s * 1000ULL, &r);
	ioloop_stop(&ioloop);
	serial_flush(&vm.serial);
	if (r.why == RUN_EXIT_PORT) {
		status = r.value & 0xff;
		vmm_log("guest exit: wrote 0x%x to port 0x%x, status %d", r.value, EXIT_PORT,
			status);
	} else {
		vmm_err("%s", r.err.msg);
		vcpu_dump_regs(&vm.vcpus[0]);
		status = VMM_EXIT_RUNTIME;
	}
	if (write_dumps(in.dump_fds))
		status = VMM_EXIT_RUNTIME;
	if (vmm_verbose) {
		print_stats(&r);
		kvm_print_stats(&vm);
		print_device_stats(&in);
	}
	if (vmm_verbose || opts.fault_stats)
		print_fault_stats(&in, tsc_khz);
	for (i = 0; i < VIRTIO_MMIO_MAX_DEVS; i++)
		vmm_blk_close(in.blk[i]);
	return status;
}

/*
 * The probe guest, 64-bit code run at KERNEL_VIRT_BASE + KERNEL_LOAD_MIN through the boot
 * page tables, using the boot stack: mov eax, PROBE_VALUE; push rax; pop rdx;
 * mov eax, edx; out EXIT_PORT, eax; 1: hlt; jmp 1b.
 */
static const u8 probe_code[] = {
	0xb8, PROBE_VALUE & 0xff, (PROBE_VALUE >> 8) & 0xff, (PROBE_VALUE >> 16) & 0xff,
	PROBE_VALUE >> 24,
	0x50, 0x5a, 0x89, 0xd0,
	0xe7, EXIT_PORT,
	0xf4, 0xeb, 0xfd,
};

static int cmd_probe(int argc, char **argv, const char *cmd)
{
	struct run_result r;
	const char *ext;
	u8 *code;
	int i;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose"))
			vmm_verbose = true;
		else
			die_usage("probe: %s: unknown argument; see ./vmm --help", argv[i]);
	}
	setup_kvm(cmd, RAM_MIN_SIZE);
	code = gpa_to_host(&vm, KERNEL_LOAD_MIN, sizeof(probe_code));
	if (!code)
		die("probe: no room for the probe guest");
	memcpy(code, probe_code, sizeof(probe_code));
	setup_vcpus(1, KERNEL_VIRT_BASE + KERNEL_LOAD_MIN);
	vcpu_run(&vm.vcpus[0], PROBE_TIMEOUT_MS, &r);
	if (r.why != RUN_EXIT_PORT)
		die("kvm: probe guest failed: %s", r.err.msg);
	if (r.value != PROBE_VALUE)
		die("kvm: probe guest wrote 0x%x, expected 0x%x", r.value, PROBE_VALUE);
	ext = kvm_hw_extension();
	if (!ext)
		die("kvm: /dev/kvm runs guests, but the CPU has no VMX or SVM (a software KVM such "
		    "as kvm_pvm: no EPT/NPT); for hardware-assisted KVM run nested: %s -- %s",
		    NESTED_CMD, cmd);
	printf("vmm: kvm: native /dev/kvm usable (%s)\n", ext);
	return 0;
}

/*
 * ./vmm test [IMAGE] [FLAGS]: boot IMAGE (default DEFAULT_GUEST) with TEST_CONFIG unless the
 * flags name a --config: the guest's init runs the fault test suite, and the exit status is
 * init's, 0 only when every test passed. Flags override the file as for boot.
 */
#define DEFAULT_GUEST	"guest/guest.elf"
#define TEST_CONFIG	"configs/test.conf"

static int cmd_test(int argc, char **argv, const char *cmd)
{
	char **args = calloc(argc + 4, sizeof(*args));
	bool has_config = false;
	int i, n = 0;

	if (!args)
		die("out of memory");
	for (i = 0; i < argc; i++)
		if (!strcmp(argv[i], "--config") || !strncmp(argv[i], "--config=", 9))
			has_config = true;
	if (argc == 0 || argv[0][0] == '-')
		args[n++] = DEFAULT_GUEST;
	if (!has_config) {
		args[n++] = "--config";
		args[n++] = TEST_CONFIG;
	}
	for (i = 0; i < argc; i++)
		args[n++] = argv[i];
	return cmd_boot(n, args, cmd);
}

int main(int argc, char **argv)
{
	char cmd[256];
	const char *sub = argc > 1 ? argv[1] : NULL;

	setvbuf(stdout, NULL, _IOLBF, 0);
	join_args(cmd, sizeof(cmd), argc, argv);
	if (!sub)
		die_usage("missing subcommand (boot, test, probe); see ./vmm --help");
	if (!strcmp(sub, "boot"))
		return cmd_boot(argc - 2, argv + 2, cmd);
	if (!strcmp(sub, "test"))
		return cmd_test(argc - 2, argv + 2, cmd);
	if (!strcmp(sub, "probe"))
		return cmd_probe(argc - 2, argv + 2, cmd);
	if (!strcmp(sub, "--help") || !strcmp(sub, "-h") || !strcmp(sub, "help")) {
		opts_print_help(stdout);
		return 0;
	}
	if (!strcmp(sub, "--version") || !strcmp(sub, "version")) {
		printf("vmm %s\n", VMM_VERSION);
		return 0;
	}
	die_usage("%s: unknown subcommand; see ./vmm --help", sub);
}
