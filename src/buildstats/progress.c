/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Progress of long steps on a terminal. make runs several steps at once,
 * each its own process, so no one of them owns the screen: each keeps a
 * tiny state file (STATE_DIR/PID: label, name, count, expected) and, a few
 * times a second, redraws one status line at the bottom of the terminal
 * from all of them, under a lock, like ninja's status line:
 *
 *   [BZIMAGE host 812/1360 objects 59%]  [BZIMAGE x86-kvm-guest1 40 objects]
 *
 * The steps' own lines ("  BZIMAGE host") stay one line each: a step
 * clears the status line before printing, and the next redraw puts it back
 * below. A state file whose process is gone (killed) is dropped by the next
 * redraw. Nothing of this happens when stdout is not a terminal (CI logs
 * keep exactly the quiet lines) or with V=1.
 */
#include "buildstats/buildstats.h"
#include "shared/fsutil.h"
#include "shared/strbuf.h"
#include "shared/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define REDRAW_NS 250000000L
#define LINE_PREFIX_MAX 64 /* kbuild's object lines are matched on their start */

struct progress {
	char *state_dir, *state_file;
	char *label, *name;
	bool kbuild, show;
	long units, expected, shown_units;
	char line[LINE_PREFIX_MAX + 1]; /* the start of the line being read */
	size_t line_len;
	bool line_long;
	struct timespec last;
};

static long ns_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t->tv_sec) * 1000000000L + (now.tv_nsec - t->tv_nsec);
}

static int lock_state(const char *state_dir)
{
	char *lock = xasprintf("%s/.lock", state_dir);
	int fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);

	free(lock);
	if (fd >= 0 && flock(fd, LOCK_EX) < 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static void unlock_state(int fd)
{
	if (fd >= 0)
		close(fd); /* releases the flock */
}

static unsigned terminal_width(void)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 8)
		return ws.ws_col;
	return 80;
}

/* "[BZIMAGE host 812/1360 objects 59%]" from one state file's text. */
static void append_state(struct strbuf *b, const char *text)
{
	char label[32], name[96], unit[16];
	long units, expected;

	if (sscanf(text, "%31s %95s %ld %ld %15s", label, name, &units, &expected, unit) != 5)
		return;
	if (b->len)
		strbuf_puts(b, "  ");
	if (expected > 0) {
		long pct = units >= expected ? 99 : units * 100 / expected;

		strbuf_printf(b, "[%s %s %ld/%ld %s %ld%%]", label, name, units, expected, unit, pct);
	} else {
		strbuf_printf(b, "[%s %s %ld %s]", label, name, units, unit);
	}
}

static void redraw(const char *state_dir)
{
	struct strbuf b = { 0 };
	DIR *d;
	struct dirent *e;
	int lock = lock_state(state_dir);

	if (lock < 0)
		return;
	d = opendir(state_dir);
	while (d && (e = readdir(d))) {
		char *path, *text = NULL, *end;
		long pid = strtol(e->d_name, &end, 10);
		size_t len;

		if (e->d_name[0] == '.' || *end || pid <= 0)
			continue;
		path = xasprintf("%s/%s", state_dir, e->d_name);
		if (kill((pid_t)pid, 0) < 0 && errno == ESRCH)
			unlink(path); /* a step that was killed */
		else if (read_file(path, &text, &len) == 0)
			append_state(&b, text);
		free(text);
		free(path);
	}
	if (d)
		closedir(d);
	unsigned width = terminal_width() - 1;

	if (b.len > width)
		b.len = width, b.s[width] = '\0';
	printf("\r\033[K%s", b.s ? b.s : "");
	fflush(stdout);
	strbuf_free(&b);
	unlock_state(lock);
}

static void publish(struct progress *p)
{
	char *tmp = xasprintf("%s.tmp", p->state_file);
	FILE *f = fopen(tmp, "we");

	if (!f) {
		free(tmp);
		return;
	}
	/* Names with blanks ('host (1 guest)') would break the fields. */
	char *name = xstrdup(p->name);

	for (char *c = name; *c; c++)
		if (*c == ' ')
			*c = '_';
	fprintf(f, "%s %s %ld %ld %s\n", p->label, name, p->units, p->expected, progress_unit_name(p));
	free(name);
	if (fclose(f) == 0)
		rename(tmp, p->state_file);
	else
		unlink(tmp);
	free(tmp);
	p->shown_units = p->units;
	redraw(p->state_dir);
}

struct progress *progress_start(const char *state_dir, const char *label, const char *name,
				const char *kind, long expected, bool show)
{
	struct progress *p = xcalloc(1, sizeof(*p));

	p->label = xstrdup(label);
	p->name = xstrdup(name);
	p->kbuild = kind && streq(kind, "kbuild");
	p->expected = expected;
	p->shown_units = -1;
	p->show = show && state_dir && mkdir_p(state_dir, 0755) == 0;
	if (p->show) {
		p->state_dir = xstrdup(state_dir);
		p->state_file = xasprintf("%s/%ld", state_dir, (long)getpid());
		clock_gettime(CLOCK_MONOTONIC, &p->last);
		publish(p);
	}
	return p;
}

/* kbuild's quiet line for a compiled object: "  CC      fs/open.o",
 * "  CC [M]  arch/x86/kvm/x86.o", "  AS      arch/x86/entry/entry_64.o".
 * Host programs (HOSTCC), links and archives are not objects of the kernel. */
static bool kbuild_object_line(const char *l, size_t n)
{
	const char *end = l + n, *t;

	if (n < 6 || strncmp(l, "  ", 2) != 0)
		return false;
	if (strncmp(l + 2, "CC ", 3) != 0 && strncmp(l + 2, "AS ", 3) != 0)
		return false;
	for (t = l + 5; t < end && *t == ' '; t++)
		;
	if (end - t >= 4 && strncmp(t, "[M]", 3) == 0)
		for (t += 3; t < end && *t == ' '; t++)
			;
	/* The target: one word ending in ".o". */
	const char *w = t;

	while (t < end && *t != ' ')
		t++;
	return t == end && t - w > 2 && t[-2] == '.' && t[-1] == 'o';
}

static void end_of_line(struct progress *p)
{
	if (!p->kbuild || (!p->line_long && kbuild_object_line(p->line, p->line_len)))
		p->units++;
	p->line_len = 0;
	p->line_long = false;
}

void progress_feed(struct progress *p, const char *data, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (data[i] == '\n') {
			end_of_line(p);
		} else if (p->line_len < LINE_PREFIX_MAX) {
			p->line[p->line_len++] = data[i];
		} else {
			p->line_long = true;
		}
	}
	if (p->show && p->units != p->shown_units && ns_since(&p->last) >= REDRAW_NS) {
		clock_gettime(CLOCK_MONOTONIC, &p->last);
		publish(p);
	}
}

long progress_units(const struct progress *p)
{
	return p->units;
}

const char *progress_unit_name(const struct progress *p)
{
	return p->kbuild ? "objects" : "lines";
}

void progress_clear_line(const char *state_dir)
{
	int lock = state_dir ? lock_state(state_dir) : -1;

	if (lock < 0)
		return;
	printf("\r\033[K");
	fflush(stdout);
	unlock_state(lock);
}

void progress_end(struct progress *p)
{
	if (!p)
		return;
	if (p->show) {
		unlink(p->state_file);
		progress_clear_line(p->state_dir);
	}
	free(p->state_dir);
	free(p->state_file);
	free(p->label);
	free(p->name);
	free(p);
}

/*
 * Objects per enabled option (=y or =m in .config), measured with Linux 6.1
 * on this project's quick start kernels (their first BZIMAGE records): the
 * KVM host compiled 1378 objects from 765 options, x86-kvm-guest1 1318 from
 * 732, 1.80 both. The estimate is shown only until a build of the kernel
 * from scratch has counted for itself.
 */
#define OBJECTS_PER_OPTION_X100 180

long progress_estimate_kbuild(const char *dot_config)
{
	char *text = NULL;
	size_t len;
	long options = 0;

	if (read_file(dot_config, &text, &len) < 0)
		return -1;
	for (const char *l = text; *l;) {
		size_t n = strcspn(l, "\n");

		if (n > 9 && strncmp(l, "CONFIG_", 7) == 0 && l[n - 2] == '=' && (l[n - 1] == 'y' || l[n - 1] == 'm'))
			options++;
		l += n + (l[n] == '\n');
	}
	free(text);
	return options ? options * OBJECTS_PER_OPTION_X100 / 100 : -1;
}
