/* SPDX-License-Identifier: MIT */
/*
 * check_pattern DUMP GPA: verify a guest-memory dump written by `./vmm --dump GPA,LEN,DUMP`
 * after the guest ran with `poke=GPA,LEN`. Each little-endian 8-byte word at guest-physical
 * address A must hold A ^ 0x5a5a5a5a5a5a5a5a. Exit 0 when every word matches; otherwise print
 * the first mismatch and exit 1.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define POKE_XOR 0x5a5a5a5a5a5a5a5aULL

int main(int argc, char **argv)
{
	uint64_t gpa, word, n = 0;
	FILE *f;

	if (argc != 3) {
		fprintf(stderr, "usage: check_pattern DUMP GPA\n");
		return 2;
	}
	gpa = strtoull(argv[2], NULL, 0);
	f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 2;
	}
	while (fread(&word, sizeof(word), 1, f) == 1) {
		uint64_t a = gpa + n * 8;

		if (word != (a ^ POKE_XOR)) {
			printf("mismatch at gpa 0x%llx: got 0x%016llx want 0x%016llx\n",
			       (unsigned long long)a, (unsigned long long)word,
			       (unsigned long long)(a ^ POKE_XOR));
			fclose(f);
			return 1;
		}
		n++;
	}
	fclose(f);
	if (n == 0) {
		printf("%s: empty dump\n", argv[1]);
		return 1;
	}
	printf("%llu words match\n", (unsigned long long)n);
	return 0;
}
