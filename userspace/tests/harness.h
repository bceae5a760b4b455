/* SPDX-License-Identifier: GPL-2.0 */
/* Minimal TAP output for the host unit tests: a line per check. */
#ifndef NFG_TEST_HARNESS_H
#define NFG_TEST_HARNESS_H

#include <stdbool.h>
#include <stddef.h>

void t_begin(const char *suite);
/* Prints "ok N - desc" or "not ok N - desc"; returns ok. */
bool t_check(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints "# <why>" under a failed check. */
void t_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints the plan and totals; the exit status: 0 all passed, 1 otherwise. */
int t_end(void);

#define CHECK(cond, ...) t_check(!!(cond), __VA_ARGS__)

/*
 * Reads the file at path into buf (len bytes with the final '\0'; empty if
 * it cannot be read), then removes it.
 */
void t_slurp(const char *path, char *buf, size_t len);
/*
 * Runs fn(argc, argv), argv NULL-terminated, with stdout and stderr
 * captured, through the files <base>.out and <base>.err, into out and err
 * (t_slurp()). Returns what fn returned.
 */
int t_capture(int (*fn)(int, char **), char **argv, const char *base,
	      char *out, size_t outlen, char *err, size_t errlen);

#endif
