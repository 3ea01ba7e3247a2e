/* SPDX-License-Identifier: MIT */
/*
 * The disk pattern of the block integration tests, shared by the guest (blktest=write
 * writes it, blktest=read checks it: guest/block/blktest.c) and the host helper
 * tests/integration/blkpattern.c (writes and checks image files). Each 512-byte sector s
 * holds 64 little-endian 64-bit words; word w is (s << 16) ^ w ^ BLK_PATTERN_XOR, unique
 * for every (sector, word) of a disk below 2^48 sectors, and never zero.
 * The random offsets of the block benchmark (blktest=bench and tests/integration/blkread.c)
 * come from the same generator on both sides, blk_bench_next().
 */
#ifndef ABI_BLK_PATTERN_H
#define ABI_BLK_PATTERN_H

#define BLK_PATTERN_XOR		0xb10cb10cb10cb10cULL
#define BLK_PATTERN_WORDS	64		/* per 512-byte sector */

static inline unsigned long long blk_pattern_word(unsigned long long sector, unsigned int word)
{
	return (sector << 16) ^ word ^ BLK_PATTERN_XOR;
}

/* The benchmark's random sequence: a 64-bit LCG (Knuth's MMIX constants); the high bits of
 * each state pick a slot. Seed the state with BLK_BENCH_SEED. */
#define BLK_BENCH_SEED		0x2545f4914f6cdd1dULL

static inline unsigned long long blk_bench_next(unsigned long long *state,
						unsigned long long slots)
{
	*state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (*state >> 33) % slots;
}

#endif
