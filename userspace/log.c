// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>

#include "log.h"

static bool use_stderr = true;
static const char *log_ident = "nfgated";

void log_init(const char *ident, bool to_stderr)
{
	log_ident = ident;
	use_stderr = to_stderr;
	if (!to_stderr)
		openlog(ident, LOG_PID, LOG_DAEMON);
}

void log_msg(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (use_stderr) {
		fprintf(stderr, "%s: %s", log_ident,
			prio <= LOG_ERR ? "error: " : prio == LOG_WARNING ? "warning: " : "");
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	} else {
		vsyslog(prio, fmt, ap);
	}
	va_end(ap);
}
