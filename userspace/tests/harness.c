// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>

#include "harness.h"

static const char *suite_name;
static int n_checks, n_failed;

void t_begin(const char *suite)
{
	suite_name = suite;
	printf("# %s\n", suite);
}

bool t_check(bool ok, const char *fmt, ...)
{
	va_list ap;

	n_checks++;
	if (!ok)
		n_failed++;
	printf("%sok %d - %s: ", ok ? "" : "not ", n_checks, suite_name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	return ok;
}

void t_diag(const char *fmt, ...)
{
	va_list ap;

	printf("#   ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

int t_end(void)
{
	printf("1..%d\n# %s: %d passed, %d failed\n", n_checks, suite_name,
	       n_checks - n_failed, n_failed);
	return n_failed ? 1 : 0;
}
