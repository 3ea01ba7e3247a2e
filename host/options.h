/* SPDX-License-Identifier: MIT */
/*
 * ./vmm's subcommand options: one table (options.c) gives each option its command-line
 * flag, its config-file key, its value parser and its --help line. Parsing is a pure
 * function over argv (plus the config file it names), so host unit tests drive it.
 */
#ifndef HOST_OPTIONS_H
#define HOST_OPTIONS_H

#include <limits.h>
#include <stdio.h>
#include "host/util.h"

#define VMM_DEFAULT_MEM		(256ULL << 20)
#define VMM_MEM_ALIGN		(2ULL << 20)	/* boot page tables map RAM with 2 MiB pages */
#define VMM_MAX_CPUS		64
#define VMM_MAX_DUMPS		4
#define VMM_CMDLINE_MAX		2048		/* bytes including the NUL, as Linux */
#define VMM_TRACE_ALIGN		4096ULL		/* the fault trace is whole pages */

/* --dump GPA,LEN,FILE: after the guest exits, write guest-physical [gpa, gpa + len) to path. */
struct dump_req {
	u64 gpa;
	u64 len;
	char path[PATH_MAX];
};

/* --disk FILE[,ro] / --swap FILE: a virtio-blk device backed by an image file. */
struct disk_opt {
	char path[PATH_MAX];		/* "" if none */
	bool ro;
};

/* Everything `./vmm boot` was asked to do, after defaults, config file and flags. */
struct vmm_opts {
	char image[PATH_MAX];		/* the guest kernel ELF (positional) */
	char config[PATH_MAX];		/* --config, "" if none */
	u64 mem;			/* guest RAM: RAM_MIN_SIZE..RAM_MAX_SIZE, 2 MiB units */
	unsigned int cpus;		/* 1..VMM_MAX_CPUS */
	char cmdline[VMM_CMDLINE_MAX];	/* /chosen/bootargs */
	char initrd[PATH_MAX];		/* --initrd: loaded at the top of RAM; "" if none */
	u64 trace_size;			/* fault-trace bytes at the top of RAM, 4K units; 0: none */
	bool fault_stats;		/* print the fault-trace table (also with -v) */
	struct disk_opt disk;		/* virtio-blk in slot VIRTIO_SLOT_DISK */
	struct disk_opt swap;		/* virtio-blk in slot VIRTIO_SLOT_SWAP (never ro) */
	unsigned int timeout_s;		/* 0: none */
	struct dump_req dumps[VMM_MAX_DUMPS];
	unsigned int nr_dumps;
	bool verbose;
	bool help;			/* --help given: print help, do nothing else */
};

/*
 * opts_parse_boot - fill @o from `./vmm boot` arguments @argv[0..argc) (the words after
 * "boot"). Order of precedence: built-in defaults, then the --config file, then the
 * command line, whatever the position of --config among the flags; a repeatable option
 * given on the command line replaces all of the file's values for it.
 * Returns 0, or -E* with @e naming the flag or file:line at fault (a usage error).
 */
int opts_parse_boot(struct vmm_opts *o, int argc, char **argv, struct errbuf *e);

/* opts_set_defaults - the built-in defaults (what no config and no flag gives). */
void opts_set_defaults(struct vmm_opts *o);

/* opts_print_help - the whole of `./vmm --help`: subcommands, every flag, config syntax. */
void opts_print_help(FILE *f);

#endif
