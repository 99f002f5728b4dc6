/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmb-expect: the boot tests' console driver. Runs a command (QEMU with its
 * serial console on stdio) with its stdin and output on pipes, then runs the
 * steps given on the command line, in order:
 *
 *   --expect=SECONDS:REGEX   wait until the output since the last match
 *                            matches REGEX (POSIX extended, ^ and $ at lines)
 *   --send=TEXT              type TEXT and a newline
 *   --type=TEXT              type TEXT alone, no newline: a key that a
 *                            program acts on only when it reads it by itself
 *                            (xl console's Ctrl-]); let output follow before
 *                            the next step types more, or both arrive in one
 *                            read
 *   --exit=SECONDS[:STATUS]  wait for the command to end with STATUS (default 0)
 *
 * --stamps=FILE writes every console line to FILE too, after the seconds
 * since the command started ("%9.3f LINE"): one clock for every milestone
 * of a boot (bench/boot reads it).
 *
 * --fail=REGEX (repeatable) ends any expect step at once, as a failure,
 * when the output matches REGEX: a panic or an error need not wait for the
 * timeout. Every timeout is multiplied by $VMB_TIMEOUT_MULT (default 1) for slow
 * machines. The whole output goes to --log; each step prints one TAP comment
 * with its time. A step that fails prints why and the log's last lines, and
 * the command's process group is killed: on failure, timeout, a signal, or
 * when the steps are done, nothing is left running. Exit status 0 when every
 * step passed, 1 when one failed, 2 on bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <regex.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum step_kind { STEP_EXPECT, STEP_SEND, STEP_EXIT };

struct step {
	enum step_kind kind;
	double seconds;
	const char *text; /* regex, line to send, or NULL */
	bool newline;     /* STEP_SEND: --send types a newline after the text, --type not */
	int status;       /* STEP_EXIT */
};

struct session {
	pid_t pid;        /* the command, leader of its own process group */
	int in_fd, out_fd;
	FILE *log;
	char *buf;        /* output not yet consumed by a match (NUL-terminated) */
	size_t len;
	bool ended;
	int wait_status;
	const char *label;
	double t0;
	regex_t *fails;   /* --fail patterns */
	const char **fail_text;
	size_t nfails;
	FILE *stamps;     /* --stamps, or NULL */
	char *line;       /* the console line being stamped */
	size_t linelen;
	double line_t;    /* when its first byte came */
};

static volatile pid_t child_group;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void kill_group(void)
{
	if (child_group > 0)
		kill(-child_group, SIGKILL);
}

/* The harness's SIGTERM (a test timeout) or a Ctrl-C must not leave QEMU. */
static void on_signal(int sig)
{
	kill_group();
	signal(sig, SIG_DFL);
	raise(sig);
}

static int parse_seconds(const char *s, double *out, const char **rest)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	if (errno || end == s || *out <= 0)
		return -1;
	*rest = end;
	return 0;
}

static int parse_step(int opt, const char *arg, struct step *st)
{
	const char *rest;

	memset(st, 0, sizeof(*st));
	if (opt == 's' || opt == 'T') {
		st->kind = STEP_SEND;
		st->text = arg;
		st->newline = opt == 's';
		return 0;
	}
	if (parse_seconds(arg, &st->seconds, &rest) < 0)
		return -1;
	if (opt == 'e') {
		st->kind = STEP_EXPECT;
		st->text = rest + 1;
		return *rest == ':' && rest[1] ? 0 : -1;
	}
	st->kind = STEP_EXIT;
	if (*rest == ':')
		st->status = atoi(rest + 1);
	else if (*rest)
		return -1;
	return 0;
}

static pid_t start(char **argv, int *in_fd, int *out_fd)
{
	int in[2], out[2];
	pid_t pid;

	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		setpgid(0, 0);
		dup2(in[0], STDIN_FILENO);
		dup2(out[1], STDOUT_FILENO);
		dup2(out[1], STDERR_FILENO);
		execvp(argv[0], argv);
		fprintf(stderr, "vmb-expect: cannot run '%s': %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);
	child_group = pid;
	close(in[0]);
	close(out[1]);
	*in_fd = in[1];
	*out_fd = out[0];
	return pid;
}

/* Take what the command printed: into the log whole, into the match buffer
 * without carriage returns and NULs (serial consoles send both). */
static void stamp_output(struct session *s, const char *data, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (data[i] == '\r' || data[i] == '\0')
			continue;
		if (s->linelen == 0)
			s->line_t = now() - s->t0;
		if (data[i] != '\n') {
			char *l = realloc(s->line, s->linelen + 2);

			if (!l)
				continue;
			s->line = l;
			s->line[s->linelen++] = data[i];
			continue;
		}
		fprintf(s->stamps, "%9.3f %.*s\n", s->line_t, (int)s->linelen, s->line ? s->line : "");
		s->linelen = 0;
	}
	fflush(s->stamps);
}

static void take_output(struct session *s, const char *data, size_t n)
{
	fwrite(data, 1, n, s->log);
	fflush(s->log);
	if (s->stamps)
		stamp_output(s, data, n);
	s->buf = realloc(s->buf, s->len + n + 1);
	if (!s->buf) {
		kill_group();
		fputs("vmb-expect: out of memory\n", stderr);
		exit(1);
	}
	for (size_t i = 0; i < n; i++)
		if (data[i] != '\r')
			s->buf[s->len++] = data[i] ? data[i] : ' ';
	s->buf[s->len] = '\0';
}

/* Wait up to @deadline for output (or the command's end). false at the
 * deadline. */
static bool pump(struct session *s, double deadline)
{
	char data[4096];
	double left = deadline - now();
	struct pollfd p = { s->out_fd, POLLIN, 0 };
	ssize_t n;

	if (left <= 0)
		return false;
	if (s->out_fd < 0) {
		/* Output closed: only the end is left to wait for. */
		if (!s->ended && waitpid(s->pid, &s->wait_status, WNOHANG) == s->pid)
			s->ended = true;
		if (!s->ended)
			usleep(20000);
		return true;
	}
	if (poll(&p, 1, (int)(left * 1000) + 1) <= 0)
		return true;
	n = read(s->out_fd, data, sizeof(data));
	if (n > 0) {
		take_output(s, data, (size_t)n);
	} else {
		close(s->out_fd);
		s->out_fd = -1;
	}
	return true;
}

static void show_tail(const char *log_path, int lines)
{
	FILE *f = fopen(log_path, "r");
	long size, pos;
	int seen = 0;
	int c;

	if (!f)
		return;
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	for (pos = size - 1; pos >= 0; pos--) {
		fseek(f, pos, SEEK_SET);
		if (fgetc(f) == '\n' && pos != size - 1 && ++seen >= lines)
			break;
	}
	fseek(f, pos + 1, SEEK_SET);
	printf("# ---- last %d lines of %s ----\n#   ", lines, log_path);
	while ((c = fgetc(f)) != EOF) {
		if (c == '\r')
			continue;
		putchar(c);
		if (c == '\n')
			fputs("#   ", stdout);
	}
	putchar('\n');
	fclose(f);
}

static bool do_expect(struct session *s, const struct step *st, double mult)
{
	regex_t re;
	regmatch_t m;
	double deadline = now() + st->seconds * mult;

	if (regcomp(&re, st->text, REG_EXTENDED | REG_NEWLINE)) {
		printf("# %s: bad regular expression '%s'\n", s->label, st->text);
		return false;
	}
	for (;;) {
		for (size_t i = 0; s->buf && i < s->nfails; i++) {
			if (regexec(&s->fails[i], s->buf, 0, NULL, 0) == 0) {
				regfree(&re);
				printf("# %s: saw the failure /%s/ while waiting for /%s/\n", s->label,
				       s->fail_text[i], st->text);
				return false;
			}
		}
		if (s->buf && regexec(&re, s->buf, 1, &m, 0) == 0) {
			/* Later steps look only after this match. */
			memmove(s->buf, s->buf + m.rm_eo, s->len - (size_t)m.rm_eo + 1);
			s->len -= (size_t)m.rm_eo;
			regfree(&re);
			return true;
		}
		if (s->out_fd < 0 || !pump(s, deadline)) {
			regfree(&re);
			printf("# %s: %s waiting for /%s/ (%.0f s%s)\n", s->label,
			       s->out_fd < 0 ? "the command ended" : "timed out", st->text, st->seconds * mult,
			       mult != 1 ? ", VMB_TIMEOUT_MULT applied" : "");
			return false;
		}
	}
}

static bool do_exit(struct session *s, const struct step *st, double mult)
{
	double deadline = now() + st->seconds * mult;

	while (!s->ended) {
		if (!pump(s, deadline)) {
			printf("# %s: the command did not end within %.0f s\n", s->label, st->seconds * mult);
			return false;
		}
	}
	child_group = 0;
	if (WIFEXITED(s->wait_status) && WEXITSTATUS(s->wait_status) == st->status)
		return true;
	if (WIFEXITED(s->wait_status))
		printf("# %s: the command ended with status %d, not %d\n", s->label,
		       WEXITSTATUS(s->wait_status), st->status);
	else
		printf("# %s: the command was killed by signal %d\n", s->label, WTERMSIG(s->wait_status));
	return false;
}

static bool do_send(struct session *s, const struct step *st)
{
	size_t n = strlen(st->text);

	if (write(s->in_fd, st->text, n) != (ssize_t)n ||
	    (st->newline && write(s->in_fd, "\n", 1) != 1)) {
		printf("# %s: cannot type '%s': %s\n", s->label, st->text, strerror(errno));
		return false;
	}
	return true;
}

static void usage(FILE *f)
{
	fputs("usage: vmb-expect [--log=FILE] [--stamps=FILE] [--label=NAME] [--tail=LINES] [--fail=REGEX]... STEP... -- COMMAND [ARG...]\n"
	      "steps: --expect=SECONDS:REGEX  --send=TEXT  --type=TEXT  --exit=SECONDS[:STATUS]\n"
	      "timeouts are multiplied by $VMB_TIMEOUT_MULT (default 1)\n",
	      f);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "log", required_argument, NULL, 'l' },    { "label", required_argument, NULL, 'n' },
		{ "tail", required_argument, NULL, 't' },   { "expect", required_argument, NULL, 'e' },
		{ "send", required_argument, NULL, 's' },   { "exit", required_argument, NULL, 'x' },
		{ "fail", required_argument, NULL, 'f' },   { "help", no_argument, NULL, 'h' },
		{ "stamps", required_argument, NULL, 'S' }, { "type", required_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	struct session s = { .label = "boot", .in_fd = -1, .out_fd = -1 };
	struct step *steps = calloc((size_t)argc, sizeof(*steps));
	const char *log_path = "console.log", *mult_env = getenv("VMB_TIMEOUT_MULT");
	double mult = mult_env && atof(mult_env) > 0 ? atof(mult_env) : 1;
	int nsteps = 0, tail = 40, c, rc = 0;

	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'l': log_path = optarg; break;
		case 'S':
			s.stamps = fopen(optarg, "w");
			if (!s.stamps) {
				fprintf(stderr, "vmb-expect: %s: cannot create: %s\n", optarg, strerror(errno));
				return 2;
			}
			break;
		case 'n': s.label = optarg; break;
		case 't': tail = atoi(optarg); break;
		case 'e': case 's': case 'T': case 'x':
			if (parse_step(c, optarg, &steps[nsteps++]) < 0) {
				fprintf(stderr, "vmb-expect: bad step '%s' (--expect=SECONDS:REGEX, --exit=SECONDS[:STATUS])\n",
					optarg);
				return 2;
			}
			break;
		case 'f':
			s.fails = realloc(s.fails, (s.nfails + 1) * sizeof(*s.fails));
			s.fail_text = realloc(s.fail_text, (s.nfails + 1) * sizeof(*s.fail_text));
			if (!s.fails || !s.fail_text || regcomp(&s.fails[s.nfails], optarg, REG_EXTENDED | REG_NEWLINE)) {
				fprintf(stderr, "vmb-expect: --fail: bad regular expression '%s'\n", optarg);
				return 2;
			}
			s.fail_text[s.nfails++] = optarg;
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	s.log = fopen(log_path, "w");
	if (!s.log) {
		fprintf(stderr, "vmb-expect: %s: cannot create: %s\n", log_path, strerror(errno));
		return 2;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGHUP, on_signal);
	signal(SIGPIPE, SIG_IGN);
	s.t0 = now();
	s.pid = start(argv + optind, &s.in_fd, &s.out_fd);
	if (s.pid < 0) {
		fprintf(stderr, "vmb-expect: cannot start %s: %s\n", argv[optind], strerror(errno));
		return 2;
	}
	for (int i = 0; i < nsteps && rc == 0; i++) {
		const struct step *st = &steps[i];
		bool ok = st->kind == STEP_EXPECT ? do_expect(&s, st, mult)
			: st->kind == STEP_SEND   ? do_send(&s, st)
						  : do_exit(&s, st, mult);

		if (!ok) {
			rc = 1;
			break;
		}
		if (st->kind != STEP_SEND)
			printf("# %s: %s %s at %.1f s\n", s.label, st->kind == STEP_EXPECT ? "saw" : "ended",
			       st->kind == STEP_EXPECT ? st->text : "cleanly", now() - s.t0);
	}
	kill_group();
	if (!s.ended)
		waitpid(s.pid, NULL, 0);
	fclose(s.log);
	if (s.stamps) {
		if (s.linelen)
			fprintf(s.stamps, "%9.3f %.*s\n", s.line_t, (int)s.linelen, s.line);
		fclose(s.stamps);
	}
	free(s.line);
	if (rc)
		show_tail(log_path, tail);
	fflush(stdout);
	for (size_t i = 0; i < s.nfails; i++)
		regfree(&s.fails[i]);
	free(s.fails);
	free(s.fail_text);
	free(s.buf);
	free(steps);
	return rc;
}
