/* SPDX-License-Identifier: GPL-2.0 */
/* Minimal TAP output for the host unit tests: a line per check. */
#ifndef NFG_TEST_HARNESS_H
#define NFG_TEST_HARNESS_H

#include <stdbool.h>

void t_begin(const char *suite);
/* Prints "ok N - desc" or "not ok N - desc"; returns ok. */
bool t_check(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints "# <why>" under a failed check. */
void t_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints the plan and totals; the exit status: 0 all passed, 1 otherwise. */
int t_end(void);

#define CHECK(cond, ...) t_check(!!(cond), __VA_ARGS__)

#endif
