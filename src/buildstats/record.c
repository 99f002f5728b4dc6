/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Build statistics records: writing, reading, finding (see buildstats.h). */
#include "buildstats/buildstats.h"
#include "shared/outfile.h"
#include "shared/fsutil.h"
#include "shared/strbuf.h"
#include "shared/util.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

void step_record_free(struct step_record *r)
{
	free(r->label);
	free(r->name);
	free(r->status);
	free(r->unit);
	*r = (struct step_record){ .units = -1 };
}

bool step_record_passed(const struct step_record *r)
{
	return r->status && streq(r->status, "PASSED");
}

char *buildstats_file_name(const char *label, const char *name)
{
	char *s = xasprintf("%s.%s", label, name);

	for (char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '.' || *p == '_' || *p == '+' || *p == '-'))
			*p = '_';
	return s;
}

/* BUILD_DIR/../latest -> BUILD, replaced atomically (a link of our own:
 * anything else of that name is left alone). */
static void point_latest(const char *build_dir)
{
	const char *slash = strrchr(build_dir, '/');
	char *root = slash ? xstrndup(build_dir, (size_t)(slash - build_dir)) : xstrdup(".");
	const char *build = slash ? slash + 1 : build_dir;
	char *latest = xasprintf("%s/latest", root), *tmp = xasprintf("%s/.latest.%ld", root, (long)getpid());
	char have[PATH_MAX];
	ssize_t n = readlink(latest, have, sizeof(have) - 1);
	struct stat st;

	if (n >= 0)
		have[n] = '\0';
	if ((n >= 0 && streq(have, build)) || (n < 0 && lstat(latest, &st) == 0))
		goto out;
	unlink(tmp);
	if (symlink(build, tmp) == 0 && rename(tmp, latest) < 0)
		unlink(tmp);
out:
	free(root);
	free(latest);
	free(tmp);
}

int buildstats_write(const char *build_dir, const struct step_record *r, char **err)
{
	struct strbuf b = { 0 };
	char *file = buildstats_file_name(r->label, r->name), *path;
	int e = mkdir_p(build_dir, 0755), rc;

	if (e < 0) {
		*err = xasprintf("cannot create '%s': %s", build_dir, strerror(-e));
		free(file);
		return -1;
	}
	strbuf_printf(&b, "Step: %s\nName: %s\n", r->label, r->name);
	strbuf_printf(&b, "Started: %.6f\nEnded: %.6f\n", r->start, r->end);
	strbuf_printf(&b, "Elapsed time: %.2f seconds\n", r->end - r->start);
	strbuf_printf(&b, "utime: %.2f\nstime: %.2f\n", r->utime, r->stime);
	strbuf_printf(&b, "Max RSS: %ld KiB\n", r->maxrss_kib);
	if (r->jobs)
		strbuf_printf(&b, "Jobs: %u\n", r->jobs);
	if (r->units >= 0)
		strbuf_printf(&b, "Units: %ld %s\n", r->units, r->unit ? r->unit : "lines");
	strbuf_printf(&b, "Fresh: %s\n", r->fresh ? "yes" : "no");
	strbuf_printf(&b, "Status: %s\n", r->status ? r->status : "PASSED");
	path = xasprintf("%s/%s", build_dir, file);
	rc = outfile_write(path, b.s, b.len, err);
	if (rc == 0)
		point_latest(build_dir);
	strbuf_free(&b);
	free(path);
	free(file);
	return rc;
}

static int parse_number(const char *path, unsigned line, const char *key, const char *v, double *out,
			char **err)
{
	char *end;

	errno = 0;
	*out = strtod(v, &end);
	/* inf and nan parse, but no time or count is either: the graphs would
	 * turn them into pixel positions. */
	if (end == v || errno || !isfinite(*out)) {
		*err = xasprintf("%s:%u: %s: '%s' is not a number", path, line, key, v);
		return -1;
	}
	return 0;
}

/* A count (kilobytes, units): a number that fits a long, or an error. */
static int parse_count(const char *path, unsigned line, const char *key, const char *v, long *out,
		       char **err)
{
	double d;

	if (parse_number(path, line, key, v, &d, err) < 0)
		return -1;
	if (d < 0 || d > 1e15) {
		*err = xasprintf("%s:%u: %s: '%s' is not a count between 0 and 10^15", path, line,
				 key, v);
		return -1;
	}
	*out = (long)d;
	return 0;
}

int buildstats_parse(const char *path, const char *text, struct step_record *r, char **err)
{
	bool have_start = false, have_end = false;
	unsigned line = 0;
	double d;

	*r = (struct step_record){ .units = -1 };
	for (const char *p = text; *p;) {
		size_t len = strcspn(p, "\n");
		char *l = xstrndup(p, len), *colon = strchr(l, ':'), *v;
		int rc = 0;

		line++;
		p += len + (p[len] == '\n');
		if (!colon) {
			free(l);
			continue;
		}
		*colon = '\0';
		for (v = colon + 1; *v == ' '; v++)
			;
		if (streq(l, "Step")) {
			free(r->label);
			r->label = xstrdup(v);
		} else if (streq(l, "Name")) {
			free(r->name);
			r->name = xstrdup(v);
		} else if (streq(l, "Status")) {
			free(r->status);
			r->status = xstrdup(v);
		} else if (streq(l, "Started")) {
			rc = parse_number(path, line, l, v, &r->start, err);
			have_start = true;
		} else if (streq(l, "Ended")) {
			rc = parse_number(path, line, l, v, &r->end, err);
			have_end = true;
		} else if (streq(l, "utime")) {
			rc = parse_number(path, line, l, v, &r->utime, err);
		} else if (streq(l, "stime")) {
			rc = parse_number(path, line, l, v, &r->stime, err);
		} else if (streq(l, "Max RSS")) {
			rc = parse_count(path, line, l, v, &r->maxrss_kib, err);
		} else if (streq(l, "Jobs")) {
			if ((rc = parse_number(path, line, l, v, &d, err)) == 0 && d >= 0 && d < 1e6)
				r->jobs = (unsigned)d;
		} else if (streq(l, "Units")) {
			char *unit = strchr(v, ' ');

			/* "Units: -1" is what a step that counted nothing may write. */
			if (strtod(v, NULL) < 0) {
				rc = parse_number(path, line, l, v, &d, err);
			} else if ((rc = parse_count(path, line, l, v, &r->units, err)) == 0) {
				free(r->unit);
				r->unit = xstrdup(unit ? unit + 1 : "lines");
			}
		} else if (streq(l, "Fresh")) {
			r->fresh = streq(v, "yes");
		}
		free(l);
		if (rc < 0) {
			step_record_free(r);
			return -1;
		}
	}
	if (!r->label || !r->name || !have_start || !have_end) {
		*err = xasprintf("%s: not a build statistics record (it needs Step, Name, Started and "
				 "Ended lines)", path);
		step_record_free(r);
		return -1;
	}
	if (r->end < r->start) {
		*err = xasprintf("%s: it ends (%.6f) before it starts (%.6f)", path, r->end, r->start);
		step_record_free(r);
		return -1;
	}
	if (!r->status)
		r->status = xstrdup("PASSED");
	return 0;
}

static int by_start(const void *a, const void *b)
{
	const struct step_record *x = a, *y = b;
	int c;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	c = strcmp(x->label, y->label);
	return c ? c : strcmp(x->name, y->name);
}

/* Records are small; anything large in a build directory is not one. */
#define RECORD_MAX 65536

int buildstats_load(const char *build_dir, struct step_records *out, char **err)
{
	DIR *d = opendir(build_dir);
	struct dirent *e;
	int rc = 0;

	*out = (struct step_records){ 0 };
	if (!d) {
		*err = xasprintf("cannot read build statistics '%s': %s", build_dir, strerror(errno));
		return -1;
	}
	while (rc == 0 && (e = readdir(d))) {
		char *path, *text = NULL;
		struct stat st;
		size_t len;

		if (e->d_name[0] == '.')
			continue;
		path = xasprintf("%s/%s", build_dir, e->d_name);
		/* Only regular files: a FIFO or a device named like a record must
		 * not hang or feed the graph. */
		if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
			free(path);
			continue;
		}
		if (st.st_size > RECORD_MAX) {
			*err = xasprintf("%s: %lld bytes is too large for a build statistics record; "
					 "remove it", path, (long long)st.st_size);
			rc = -1;
		} else if ((rc = read_file(path, &text, &len)) < 0) {
			*err = xasprintf("cannot read '%s': %s", path, strerror(-rc));
		} else if (memchr(text, '\0', len)) {
			*err = xasprintf("%s: not a build statistics record (it holds a NUL byte)", path);
			rc = -1;
		} else {
			out->v = xrealloc(out->v, (out->n + 1) * sizeof(*out->v));
			rc = buildstats_parse(path, text, &out->v[out->n], err);
			if (rc == 0)
				out->n++;
		}
		free(text);
		free(path);
	}
	closedir(d);
	if (rc < 0) {
		step_records_free(out);
		return -1;
	}
	if (out->n)
		qsort(out->v, out->n, sizeof(*out->v), by_start);
	return 0;
}

void step_records_free(struct step_records *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		step_record_free(&rs->v[i]);
	free(rs->v);
	*rs = (struct step_records){ 0 };
}

/* A build directory's name: 14 digits (YYYYMMDDHHMMSS). */
static bool is_build_name(const char *s)
{
	size_t n = strspn(s, "0123456789");

	return n == 14 && s[n] == '\0';
}

char *buildstats_latest(const char *root, char **err)
{
	char *latest = xasprintf("%s/latest", root), target[PATH_MAX], *best = NULL;
	ssize_t n = readlink(latest, target, sizeof(target) - 1);
	struct stat st;
	DIR *d;
	struct dirent *e;

	free(latest);
	if (n > 0) {
		target[n] = '\0';
		if (is_build_name(target)) {
			char *dir = xasprintf("%s/%s", root, target);

			if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
				return dir;
			free(dir);
		}
	}
	d = opendir(root);
	while (d && (e = readdir(d)))
		if (is_build_name(e->d_name) && (!best || strcmp(e->d_name, best) > 0)) {
			free(best);
			best = xstrdup(e->d_name);
		}
	if (d)
		closedir(d);
	if (!best) {
		*err = xasprintf("no build statistics in '%s'; run make first (every step "
				 "records itself there)", root);
		return NULL;
	}
	char *dir = xasprintf("%s/%s", root, best);

	free(best);
	return dir;
}

long buildstats_previous_units(const char *root, const char *label, const char *name)
{
	char *file = buildstats_file_name(label, name), *best_build = NULL;
	long best = -1;
	DIR *d = opendir(root);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		char *path, *text = NULL;
		struct step_record r;
		struct stat st;
		char *perr = NULL;
		size_t len;

		if (!is_build_name(e->d_name) || (best_build && strcmp(e->d_name, best_build) < 0))
			continue;
		path = xasprintf("%s/%s/%s", root, e->d_name, file);
		if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size <= RECORD_MAX &&
		    read_file(path, &text, &len) == 0 && buildstats_parse(path, text, &r, &perr) == 0) {
			if (step_record_passed(&r) && r.fresh && r.units > 0) {
				best = r.units;
				free(best_build);
				best_build = xstrdup(e->d_name);
			}
			step_record_free(&r);
		}
		free(perr);
		free(text);
		free(path);
	}
	if (d)
		closedir(d);
	free(best_build);
	free(file);
	return best;
}
