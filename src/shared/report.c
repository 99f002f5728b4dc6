/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "report.h"
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

const char *vmb_progname = "vmbundle";
const char *vmb_command;

static void vmessage(const char *kind, const char *fmt, va_list ap)
{
	/* One write per message, so messages of parallel make jobs do not
	 * interleave inside a line. */
	char *msg = xvasprintf(fmt, ap);

	if (vmb_command)
		fprintf(stderr, "%s: %s: %s%s\n", vmb_progname, vmb_command, kind, msg);
	else
		fprintf(stderr, "%s: %s%s\n", vmb_progname, kind, msg);
	free(msg);
}

void vmb_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage("", fmt, ap);
	va_end(ap);
}

void vmb_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage("warning: ", fmt, ap);
	va_end(ap);
}

void vmb_report(const char *err)
{
	vmb_error("%s", err ? err : "failed for an unknown reason (a bug: please report it)");
}

void err_while(char **err, const char *fmt, ...)
{
	va_list ap;
	char *ctx;

	va_start(ap, fmt);
	ctx = xvasprintf(fmt, ap);
	va_end(ap);
	if (*err) {
		strappendf(err, "\n  while %s", ctx);
		free(ctx);
	} else {
		*err = xasprintf("failed while %s", ctx);
		free(ctx);
	}
}
