/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The reporter (src/shared/report.h) and the option parser built on it
 * (src/shared/options.h): what a user reads when something fails. */
#include "shared/options.h"
#include "shared/report.h"
#include "shared/util.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* What @fn printed on stderr, captured through a temporary file. */
static char *captured(void (*fn)(void *), void *arg)
{
	char path[] = "/tmp/test-report-XXXXXX";
	int fd = mkstemp(path), saved = dup(2);
	char buf[4096];
	ssize_t n;

	if (fd < 0 || saved < 0)
		return xstrdup("(cannot capture)");
	fflush(stderr);
	dup2(fd, 2);
	fn(arg);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	unlink(path);
	buf[n > 0 ? n : 0] = '\0';
	return xstrdup(buf);
}

static void report_it(void *err) { vmb_report(err); }
static void warn_it(void *what) { vmb_warn("%s", (const char *)what); }

struct parse {
	int argc;
	char **argv;
	int codes[8];
	int n;
};

static void parse_it(void *arg)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "add", required_argument, NULL, 'a' },
		{ "quiet", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	struct parse *p = arg;
	struct opt_parser op = OPT_PARSER(p->argc, p->argv, "", opts, "a");
	int c;

	optind = 0; /* a fresh getopt scan for each parse */
	opterr = 0;
	while ((c = opt_next(&op)) != -1 && p->n < 8)
		p->codes[p->n++] = c;
}

int main(void)
{
	char *err = NULL, *got;

	/* A chain: the innermost message first, each caller's context below. */
	err = xstrdup("cannot read '/x/web.ext4': Permission denied");
	err_while(&err, "checking guest '%s''s image", "web");
	err_while(&err, "planning what %s carries", "host");
	is_str(err,
	       "cannot read '/x/web.ext4': Permission denied\n"
	       "  while checking guest 'web''s image\n"
	       "  while planning what host carries",
	       "err_while adds each layer's context under the message, innermost first");
	vmb_command = "stage";
	got = captured(report_it, err);
	is_str(got,
	       "vmbundle: stage: cannot read '/x/web.ext4': Permission denied\n"
	       "  while checking guest 'web''s image\n"
	       "  while planning what host carries\n",
	       "the reporter names the program and the command once, before the chain");
	free(got);
	free(err);

	err = NULL;
	err_while(&err, "writing '%s'", "out.ext4");
	is_str(err, "failed while writing 'out.ext4'", "context without a message still says what failed");
	free(err);

	got = captured(report_it, NULL);
	ok(strstr(got, "vmbundle: stage: failed for an unknown reason") != NULL,
	   "a missing message is reported as a bug, not as an empty line");
	free(got);

	got = captured(warn_it, "entry x ignored");
	is_str(got, "vmbundle: stage: warning: entry x ignored\n", "a warning carries the same prefix");
	free(got);

	vmb_command = NULL;
	got = captured(warn_it, "entry x ignored");
	is_str(got, "vmbundle: warning: entry x ignored\n", "no command: the program alone");
	free(got);

	/* Options through opt_next: a value given twice is refused, the
	 * same value twice is said once, lists repeat. */
	{
		char *argv[] = { "cmd", "--out=a", "--out=b", NULL };
		struct parse p = { 3, argv, { 0 }, 0 };

		vmb_command = "mkimage";
		got = captured(parse_it, &p);
		is_str(got, "vmbundle: mkimage: --out is given twice, 'a' and then 'b'; give it once\n",
		       "another value for a single-valued option is a usage error");
		ok(p.n == 2 && p.codes[0] == 'o' && p.codes[1] == '?', "and opt_next returns '?' for it");
		free(got);
	}
	{
		char *argv[] = { "cmd", "--out=a", "--out=a", "--out=a", NULL };
		struct parse p = { 4, argv, { 0 }, 0 };

		got = captured(parse_it, &p);
		is_str(got, "vmbundle: mkimage: warning: --out 'a' is given more than once; it is used once\n",
		       "the same value again is a warning, said once");
		ok(p.n == 3 && p.codes[2] == 'o', "and the option is still returned");
		free(got);
	}
	{
		char *argv[] = { "cmd", "--add=x", "--add=y", "--quiet", "--quiet", NULL };
		struct parse p = { 5, argv, { 0 }, 0 };

		got = captured(parse_it, &p);
		is_str(got, "", "a list option repeats, and so does a flag, silently");
		ok(p.n == 4 && p.codes[1] == 'a' && p.codes[3] == 'q', "every one is returned");
		free(got);
	}
	return done_testing();
}
