/* SPDX-License-Identifier: MIT */
/*
 * asuser UID COMMAND [ARGS...]: drop to UID (and the same GID, no supplementary groups) and
 * exec COMMAND. The integration tests use it to run ./vmm without permission on /dev/kvm.
 */
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	uid_t uid;

	if (argc < 3) {
		fprintf(stderr, "usage: asuser UID COMMAND [ARGS...]\n");
		return 2;
	}
	uid = (uid_t)strtoul(argv[1], NULL, 10);
	if (setgroups(0, NULL) || setgid(uid) || setuid(uid)) {
		perror("asuser: dropping privileges");
		return 125;
	}
	execv(argv[2], argv + 2);
	perror(argv[2]);
	return 127;
}
