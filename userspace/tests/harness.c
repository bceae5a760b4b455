// SPDX-License-Identifier: GPL-2.0
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

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

void t_slurp(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, len - 1) : -1;

	buf[n > 0 ? n : 0] = '\0';
	if (fd >= 0)
		close(fd);
	unlink(path);
}

int t_capture(int (*fn)(int, char **), char **argv, const char *base,
	      char *out, size_t outlen, char *err, size_t errlen)
{
	char po[300], pe[300];
	int argc = 0, ret, so, se, fo, fe;

	while (argv[argc])
		argc++;
	snprintf(po, sizeof(po), "%s.out", base);
	snprintf(pe, sizeof(pe), "%s.err", base);
	fflush(stdout);
	fflush(stderr);
	so = dup(1);
	se = dup(2);
	fo = open(po, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	fe = open(pe, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fo, 1);
	dup2(fe, 2);
	ret = fn(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(so, 1);
	dup2(se, 2);
	close(so);
	close(se);
	close(fo);
	close(fe);
	t_slurp(po, out, outlen);
	t_slurp(pe, err, errlen);
	return ret;
}
