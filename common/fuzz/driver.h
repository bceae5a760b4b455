/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * What the fuzz targets of common/ share: CHECK() for their invariants,
 * and the entry point's prototype. For make replay a target is linked
 * with driver.c instead of libFuzzer: a plain program replaying the files
 * or directories given as arguments.
 */
#ifndef _NFGATE_FUZZ_DRIVER_H
#define _NFGATE_FUZZ_DRIVER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define CHECK(c) do {							\
	if (!(c)) {							\
		fprintf(stderr, "invariant failed: %s (line %d)\n", #c,	\
			__LINE__);					\
		abort();						\
	}								\
} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
