/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmbundle step: run one build step the way kbuild reports its own: a single
 * line ("  BZIMAGE host"), the whole output in the kernel's log, everything on
 * the terminal with V=1, and on failure the last lines of the log and where it
 * is. The command inherits make's jobserver descriptors, so a kbuild run
 * through a step still shares the top-level -j.
 *
 * With --stats the step records itself (start, end, CPU time, result: see
 * buildstats/buildstats.h) when the command ends, and with --progress it
 * counts what the command reports doing and, on a terminal, shows it.
 * --direct runs a command that prints its own line (the audit, PATCH) with
 * its output untouched, only to record it.
 */
#include "commands.h"
#include "buildstats/buildstats.h"
#include "shared/options.h"
#include "shared/fsutil.h"
#include "shared/run.h"
#include "shared/util.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Print the last @n lines of @path to @f. */
static void print_tail(const char *path, unsigned n, FILE *f)
{
	char buf[65536];
	ssize_t len;
	off_t size;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return;
	size = lseek(fd, 0, SEEK_END);
	if (size > (off_t)sizeof(buf))
		lseek(fd, size - (off_t)sizeof(buf), SEEK_SET);
	else
		lseek(fd, 0, SEEK_SET);
	len = read(fd, buf, sizeof(buf));
	close(fd);
	if (len <= 0)
		return;
	/* Walk back over n line ends (ignoring a final one). */
	ssize_t start = len;
	if (start > 0 && buf[start - 1] == '\n')
		start--;
	for (unsigned seen = 0; start > 0; start--)
		if (buf[start - 1] == '\n' && ++seen == n)
			break;
	fwrite(buf + start, 1, (size_t)(len - start), f);
	if (buf[len - 1] != '\n')
		fputc('\n', f);
}


static void usage(FILE *f)
{
	fputs("usage: vmbundle step --log=FILE [--verbose] [--tail=N] [--stats=DIR]\n"
	      "                     [--progress=kbuild|lines [--fresh-unless=PATH] [--estimate-from=CONFIG]]\n"
	      "                     LABEL NAME -- COMMAND [ARG]...\n"
	      "       vmbundle step --direct --stats=DIR LABEL NAME -- COMMAND [ARG]...\n"
	      "Run COMMAND as build step LABEL of NAME: print \"  LABEL NAME\", append all\n"
	      "output to FILE (and show it with --verbose, which make passes for V=1), and on\n"
	      "failure print the last N lines of FILE (default 30) and its path.\n"
	      "  --stats=DIR         write the step's record (start, end, CPU time, result)\n"
	      "                      into DIR (DEPLOY/buildstats/BUILD)\n"
	      "  --progress=KIND     count kbuild's compiled objects, or output lines; on a\n"
	      "                      terminal show the count against the expected total\n"
	      "  --fresh-unless=PATH the step builds from scratch when PATH does not exist;\n"
	      "                      only then is a total expected (an incremental build\n"
	      "                      does an unknown part of the work)\n"
	      "  --estimate-from=CONFIG  without an earlier count, expect a total from\n"
	      "                      this kernel .config\n"
	      "  --direct            COMMAND prints its own line and output: only record it\n",
	      f);
}

static double now_realtime(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double tv_seconds(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/* make's -jN from MAKEFLAGS ("-j2 --jobserver-auth=3,4"), or 0. */
static unsigned make_jobs(void)
{
	const char *f = getenv("MAKEFLAGS");

	for (const char *p = f; p && (p = strstr(p, "-j")); p += 2)
		if ((p == f || p[-1] == ' ') && p[2] >= '1' && p[2] <= '9')
			return (unsigned)strtoul(p + 2, NULL, 10);
	return 0;
}

/* The directory above @dir (DEPLOY/buildstats of DEPLOY/buildstats/BUILD). */
static char *parent_dir(const char *dir)
{
	const char *slash = strrchr(dir, '/');

	return slash ? xstrndup(dir, (size_t)(slash - dir)) : xstrdup(".");
}

struct step {
	const char *label, *name, *log_path, *stats, *progress_kind, *fresh_unless, *estimate_from;
	unsigned tail;
	bool verbose, direct;
	const char *const *cmd;
};

/* Copy the command's output (@in) to the log, to the terminal with
 * --verbose, and to the progress counter. */
static void copy_output(int in, int log, bool verbose, struct progress *pr)
{
	char buf[8192];
	ssize_t n;

	while ((n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		/* A failed write (full disk) must not stop the command: it shows in
		 * the step's own result, so the return values are not needed. */
		if (write(log, buf, (size_t)n) < 0) {
		}
		if (verbose && write(STDOUT_FILENO, buf, (size_t)n) < 0) {
		}
		if (pr)
			progress_feed(pr, buf, (size_t)n);
	}
}

/* Run the command with its stdout and stderr into a pipe we read. */
static int run_captured(const struct step *s, int logfd, struct progress *pr, char **err)
{
	struct run_child child;
	int p[2], saved_err, rc;

	if (pipe2(p, O_CLOEXEC) < 0) {
		*err = xasprintf("cannot create a pipe: %s", strerror(errno));
		return -1;
	}
	/* The command's stderr is our fd 2 for its lifetime: point it at the
	 * pipe, keeping our own for the messages after it. */
	saved_err = fcntl(2, F_DUPFD_CLOEXEC, 3);
	dup2(p[1], 2);
	struct run_opts ro = { .out = { RUN_FD, NULL, p[1] } };
	rc = run_start(s->cmd, &ro, &child, err);
	dup2(saved_err, 2);
	close(saved_err);
	close(p[1]);
	if (rc == 0) {
		copy_output(p[0], logfd, s->verbose, pr);
		rc = run_wait(&child, err);
	}
	close(p[0]);
	return rc;
}

/* Where running steps keep their progress: DEPLOY/buildstats/.running. */
static char *running_dir(const char *stats)
{
	char *root = parent_dir(stats), *dir = xasprintf("%s/.running", root);

	free(root);
	return dir;
}

static struct progress *start_progress(const struct step *s, const char *state_dir, bool *fresh)
{
	long expected = -1;
	char *root = s->stats ? parent_dir(s->stats) : NULL;

	*fresh = !s->fresh_unless || access(s->fresh_unless, F_OK) < 0;
	if (*fresh && root)
		expected = buildstats_previous_units(root, s->label, s->name);
	if (*fresh && expected < 0 && s->estimate_from)
		expected = progress_estimate_kbuild(s->estimate_from);
	free(root);
	return progress_start(state_dir, s->label, s->name, s->progress_kind, expected,
			      isatty(STDOUT_FILENO) && !s->verbose);
}

static void record(const struct step *s, double start, int rc, const char *why,
		   const struct progress *pr, bool fresh)
{
	struct rusage ru;
	char *err = NULL;
	struct step_record r = {
		.label = (char *)s->label,
		.name = (char *)s->name,
		.start = start,
		.end = now_realtime(),
		.jobs = make_jobs(),
		.units = pr ? progress_units(pr) : -1,
		.unit = pr ? (char *)progress_unit_name(pr) : NULL,
		.fresh = fresh,
	};

	/* Every process the step waited for: the command and, through its own
	 * waits, all of its descendants (kbuild's compilers). */
	if (getrusage(RUSAGE_CHILDREN, &ru) == 0) {
		r.utime = tv_seconds(ru.ru_utime);
		r.stime = tv_seconds(ru.ru_stime);
		r.maxrss_kib = ru.ru_maxrss;
	}
	r.status = rc == 0 ? xstrdup("PASSED") : xasprintf("FAILED: %s", why ? why : "command failed");
	if (buildstats_write(s->stats, &r, &err) < 0) {
		vmb_warn("%s %s: cannot record build statistics: %s", s->label, s->name, err);
		free(err);
	}
	free(r.status);
}

static int run_step(const struct step *s)
{
	double start = now_realtime();
	struct progress *pr = NULL;
	char *state_dir = NULL, *err = NULL;
	bool fresh = true;
	int logfd = -1, rc;

	if (s->direct) {
		rc = run(s->cmd, NULL, &err);
		if (s->stats)
			record(s, start, rc, err, NULL, fresh);
		if (rc < 0)
			vmb_error("%s %s failed: %s", s->label, s->name, err);
		free(err);
		return rc < 0 ? 1 : 0;
	}
	logfd = open(s->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (logfd < 0) {
		vmb_error("%s: cannot open the log: %s", s->log_path, strerror(errno));
		return 1;
	}
	dprintf(logfd, "==> %s %s:", s->label, s->name);
	for (const char *const *a = s->cmd; *a; a++)
		dprintf(logfd, " %s", *a);
	dprintf(logfd, "\n");

	/* Our line first (over any status line other steps keep), then ours. */
	state_dir = s->stats ? running_dir(s->stats) : NULL;
	if (isatty(STDOUT_FILENO) && !s->verbose)
		progress_clear_line(state_dir);
	printf("  %-7s %s\n", s->label, s->name);
	if (s->verbose) {
		for (const char *const *a = s->cmd; *a; a++)
			printf("%s%s", a == s->cmd ? "" : " ", *a);
		putchar('\n');
	}
	fflush(stdout);
	if (s->progress_kind)
		pr = start_progress(s, state_dir, &fresh);

	rc = run_captured(s, logfd, pr, &err);
	if (s->stats)
		record(s, start, rc, err, pr, fresh);
	progress_end(pr);
	free(state_dir);
	if (rc == 0) {
		close(logfd);
		return 0;
	}
	dprintf(logfd, "==> %s %s failed: %s\n", s->label, s->name, err ? err : "");
	close(logfd);
	fflush(stdout);
	vmb_error("%s %s failed: %s", s->label, s->name, err ? err : "command failed");
	if (!s->verbose && s->tail) {
		fprintf(stderr, "---- last %u lines of %s ----\n", s->tail, s->log_path);
		print_tail(s->log_path, s->tail, stderr);
		fprintf(stderr, "---- end of %s ----\n", s->log_path);
	}
	vmb_error("full log: %s", s->log_path);
	free(err);
	return 1;
}

int cmd_step(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "log", required_argument, NULL, 'l' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "tail", required_argument, NULL, 't' },
		{ "stats", required_argument, NULL, 's' },
		{ "progress", required_argument, NULL, 'p' },
		{ "fresh-unless", required_argument, NULL, 'f' },
		{ "estimate-from", required_argument, NULL, 'e' },
		{ "direct", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct step s = { .tail = 30 };
	int c;

	struct opt_parser op = OPT_PARSER(argc, argv, "+", opts, "");
	while ((c = opt_next(&op)) != -1) {
		switch (c) {
		case 'l': s.log_path = optarg; break;
		case 'v': s.verbose = true; break;
		case 't': s.tail = (unsigned)strtoul(optarg, NULL, 10); break;
		case 's': s.stats = optarg; break;
		case 'p': s.progress_kind = optarg; break;
		case 'f': s.fresh_unless = optarg; break;
		case 'e': s.estimate_from = optarg; break;
		case 'd': s.direct = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if ((!s.log_path && !s.direct) || argc - optind < 4 || !streq(argv[optind + 2], "--")) {
		usage(stderr);
		return 2;
	}
	if (s.progress_kind && !streq(s.progress_kind, "kbuild") && !streq(s.progress_kind, "lines")) {
		vmb_error("unknown --progress '%s' (kbuild or lines)", s.progress_kind);
		return 2;
	}
	if (s.direct && (s.log_path || s.progress_kind)) {
		vmb_error("--direct leaves the output to the command: no --log or --progress");
		return 2;
	}
	s.label = argv[optind];
	s.name = argv[optind + 1];
	s.cmd = (const char *const *)argv + optind + 3;
	/* From here the wrapper speaks for the build step it runs ("vmbundle:
	 * KCONFIG guest1 failed"), which its messages name; "step:" would only
	 * be noise in a build's output. */
	vmb_command = NULL;
	return run_step(&s);
}
