/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmbundle step: run one build step the way kbuild reports its own: a single
 * line ("  BZIMAGE host"), the whole output in the kernel's log, everything on
 * the terminal with V=1, and on failure the last lines of the log and where it
 * is. The command inherits make's jobserver descriptors, so a kbuild run
 * through a step still shares the top-level -j.
 */
#include "commands.h"
#include "shared/run.h"
#include "shared/util.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* Print the last @n lines of @path to @f. */
static void print_tail(const char *path, unsigned n, FILE *f)
{
	char buf[65536];
	ssize_t len;
	off_t size;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

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

/* Copy everything from @in to both @log and the terminal (V=1). */
static void tee_output(int in, int log, int term)
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
		if (write(term, buf, (size_t)n) < 0) {
		}
	}
}

static void usage(FILE *f)
{
	fputs("usage: vmbundle step --log=FILE [--verbose] [--tail=N] LABEL NAME -- COMMAND [ARG]...\n"
	      "Run COMMAND as build step LABEL of NAME: print \"  LABEL NAME\", append all\n"
	      "output to FILE (and show it with --verbose, which make passes for V=1), and on\n"
	      "failure print the last N lines of FILE (default 30) and its path.\n",
	      f);
}

int cmd_step(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "log", required_argument, NULL, 'l' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "tail", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *log_path = NULL, *label, *name;
	unsigned tail = 30;
	bool verbose = false;
	int c, logfd, saved_err, rc;
	char *err = NULL;

	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'l': log_path = optarg; break;
		case 'v': verbose = true; break;
		case 't': tail = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!log_path || argc - optind < 4 || !streq(argv[optind + 2], "--")) {
		usage(stderr);
		return 2;
	}
	label = argv[optind];
	name = argv[optind + 1];
	const char *const *cmd = (const char *const *)argv + optind + 3;

	logfd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (logfd < 0) {
		vmb_error("%s: cannot open the log: %s", log_path, strerror(errno));
		return 1;
	}
	dprintf(logfd, "==> %s %s:", label, name);
	for (const char *const *a = cmd; *a; a++)
		dprintf(logfd, " %s", *a);
	dprintf(logfd, "\n");

	printf("  %-7s %s\n", label, name);
	if (verbose) {
		for (const char *const *a = cmd; *a; a++)
			printf("%s%s", a == cmd ? "" : " ", *a);
		putchar('\n');
	}
	fflush(stdout);

	/* The command's stderr is our fd 2 for its lifetime: point it at the log
	 * (or at the tee pipe), keeping our own for the messages below. */
	saved_err = fcntl(2, F_DUPFD_CLOEXEC, 3);
	if (verbose) {
		struct run_child child;
		int p[2];

		if (pipe2(p, O_CLOEXEC) < 0) {
			vmb_error("cannot create a pipe: %s", strerror(errno));
			return 1;
		}
		dup2(p[1], 2);
		struct run_opts ro = { .out = { RUN_FD, NULL, p[1] } };
		rc = run_start(cmd, &ro, &child, &err);
		dup2(saved_err, 2);
		close(p[1]);
		if (rc == 0) {
			tee_output(p[0], logfd, STDOUT_FILENO);
			rc = run_wait(&child, &err);
		}
		close(p[0]);
	} else {
		struct run_opts ro = { .out = { RUN_FD, NULL, logfd } };

		dup2(logfd, 2);
		rc = run(cmd, &ro, &err);
		dup2(saved_err, 2);
	}
	close(saved_err);

	if (rc == 0) {
		close(logfd);
		return 0;
	}
	dprintf(logfd, "==> %s %s failed: %s\n", label, name, err ? err : "");
	close(logfd);
	fflush(stdout);
	vmb_error("%s %s failed: %s", label, name, err ? err : "command failed");
	if (!verbose && tail) {
		fprintf(stderr, "---- last %u lines of %s ----\n", tail, log_path);
		print_tail(log_path, tail, stderr);
		fprintf(stderr, "---- end of %s ----\n", log_path);
	}
	vmb_error("full log: %s", log_path);
	free(err);
	return 1;
}
