/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* Minimal TAP output for the host unit tests of common/. */
#ifndef _NFGATE_TAP_H
#define _NFGATE_TAP_H

#include <stdio.h>
#include <stdlib.h>

static int tap_n, tap_failed;

#define tap_check(cond, ...) do {					\
	int ok_ = !!(cond);						\
	tap_n++;							\
	if (!ok_)							\
		tap_failed++;						\
	printf("%sok %d - ", ok_ ? "" : "not ", tap_n);			\
	printf(__VA_ARGS__);						\
	printf("\n");							\
	if (!ok_)							\
		printf("#   failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
} while (0)

static inline int tap_done(void)
{
	printf("1..%d\n# %d passed, %d failed\n", tap_n, tap_n - tap_failed,
	       tap_failed);
	return tap_failed ? 1 : 0;
}

#endif
