/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "permtab.h"
#include "shared/input.h"
#include "shared/util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#define NFIELDS 10
#define MAX_MAJOR 4095U      /* Linux dev_t: 12 bits of major */
#define MAX_MINOR 0xFFFFFU   /* and 20 bits of minor */
/* A table larger than this is something else (PERM_MAX_NODES lines of 64 bytes). */
#define PERM_MAX_FILE (4 << 20)

struct cursor {
	const char *file;
	unsigned line;
	char **err;
};

_printf_format_(2, 3) static int fail(const struct cursor *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	*c->err = where_vmsg(c->file, c->line, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* Split @line at blanks into at most @max words; returns how many it saw
 * (which may be more than @max: the caller reports the count). */
static size_t split(char *line, char **words, size_t max)
{
	size_t n = 0;
	char *p = line;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r')
			p++;
		if (!*p)
			return n;
		if (n < max)
			words[n] = p;
		n++;
		while (*p && *p != ' ' && *p != '\t' && *p != '\r')
			p++;
		if (*p)
			*p++ = '\0';
	}
}

/* An unsigned number in @base no larger than @max; false if it is not one. */
static bool parse_number(const char *s, int base, unsigned long long max, unsigned long long *out)
{
	char *end;
	unsigned long long v;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return false;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno || *end || v > max)
		return false;
	*out = v;
	return true;
}

static bool is_dash(const char *s) { return streq(s, "-"); }

static int check_path(const struct cursor *c, const char *path)
{
	const char *p;
	size_t n;

	if (path[0] != '/')
		return fail(c, "path '%s' is not absolute (paths in the table start with '/', "
			       "meaning the root of the image)", path);
	if (path[1] && path[strlen(path) - 1] == '/')
		return fail(c, "path '%s' ends in '/'; write it without the slash", path);
	switch (path_check_limits(path, &p, &n)) {
	case PATH_TOO_LONG:
		return fail(c, "path '%.40s...' is %zu bytes long; paths hold at most %d bytes",
			    path, strlen(path), VMB_PATH_MAX);
	case PATH_NAME_TOO_LONG:
		return fail(c, "path '%.*s%.40s...' has a name of %zu bytes; names in an image "
			       "hold at most %d bytes (ext2/3/4): shorten it",
			    (int)(p - path), path, p, n, VMB_NAME_MAX);
	case PATH_FITS:
		break;
	}
	for (p = path; *p; ) {
		const char *comp = p + 1;
		size_t len = strcspn(comp, "/");

		if (comp[0] != '\0' && len == 0)
			return fail(c, "path '%s' has an empty component ('//')", path);
		if ((len == 1 && comp[0] == '.') || (len == 2 && comp[0] == '.' && comp[1] == '.'))
			return fail(c, "path '%s' contains '%.*s'; '.' and '..' are not allowed, "
				       "so no entry can point outside the image", path, (int)len, comp);
		p = comp + len;
	}
	return 0;
}

/* Mode, uid or gid column: a number, or '-' where @keep_ok. */
static int parse_attr(const struct cursor *c, const char *what, const char *s, int base,
		      unsigned long long max, bool keep_ok, char type, long long *out)
{
	unsigned long long v;

	if (is_dash(s)) {
		if (!keep_ok)
			return fail(c, "a '%c' entry needs a %s, not '-'", type, what);
		*out = PERM_KEEP;
		return 0;
	}
	if (!parse_number(s, base, max, &v)) {
		if (base == 8)
			return fail(c, "%s '%s' is not an octal mode between 0 and 7777", what, s);
		return fail(c, "%s '%s' is not a number between 0 and %llu (the table takes "
			       "numeric ids, not names)", what, s, max);
	}
	*out = (long long)v;
	return 0;
}

/* One of the device columns: a number for devices, '-' (or 0) elsewhere. */
static int parse_dev_field(const struct cursor *c, const char *what, const char *s,
			   bool wanted, bool optional, unsigned long long max, uint32_t *out)
{
	unsigned long long v = 0;

	*out = 0;
	if (is_dash(s)) {
		if (wanted && !optional)
			return fail(c, "a device entry needs a %s number, not '-'", what);
		return 0;
	}
	if (!parse_number(s, 10, max, &v))
		return fail(c, "%s '%s' is not a number between 0 and %llu", what, s, max);
	if (!wanted && v != 0)
		return fail(c, "%s '%s' is only meaningful for 'c' and 'b' entries; write '-'", what,
			    s);
	*out = (uint32_t)v;
	return 0;
}

static int parse_line(const struct cursor *c, char *line, struct perm_entry *e)
{
	char *w[NFIELDS];
	size_t n = split(line, w, NFIELDS);
	bool dev, keep_ok;
	int r;

	if (n != NFIELDS)
		return fail(c, "expected %d fields '<path> <type> <mode> <uid> <gid> <major> "
			       "<minor> <start> <inc> <count>', got %zu", NFIELDS, n);
	r = check_path(c, w[0]);
	if (r < 0)
		return r;
	if (strlen(w[1]) != 1 || !strchr("fdcbpr", w[1][0]))
		return fail(c, "unknown type '%s' (valid: f file, d directory, c character device, "
			       "b block device, p fifo, r recursive)", w[1]);
	e->type = w[1][0];
	dev = e->type == 'c' || e->type == 'b';
	keep_ok = e->type == 'f' || e->type == 'd' || e->type == 'r';
	if ((r = parse_attr(c, "mode", w[2], 8, 07777, keep_ok, e->type, &e->mode)) < 0 ||
	    (r = parse_attr(c, "uid", w[3], 10, 0xFFFFFFFEULL, keep_ok, e->type, &e->uid)) < 0 ||
	    (r = parse_attr(c, "gid", w[4], 10, 0xFFFFFFFEULL, keep_ok, e->type, &e->gid)) < 0 ||
	    (r = parse_dev_field(c, "major", w[5], dev, false, MAX_MAJOR, &e->major)) < 0 ||
	    (r = parse_dev_field(c, "minor", w[6], dev, false, MAX_MINOR, &e->minor)) < 0 ||
	    (r = parse_dev_field(c, "start", w[7], dev, true, 0xFFFFFFFFULL, &e->start)) < 0 ||
	    (r = parse_dev_field(c, "inc", w[8], dev, true, MAX_MINOR, &e->inc)) < 0 ||
	    (r = parse_dev_field(c, "count", w[9], dev, true, MAX_MINOR, &e->count)) < 0)
		return r;
	if (e->count && (unsigned long long)e->minor + (unsigned long long)(e->count - 1) * e->inc >
			MAX_MINOR)
		return fail(c, "minor %u + (count %u - 1) * inc %u exceeds the largest minor %u",
			    e->minor, e->count, e->inc, MAX_MINOR);
	if (e->count) {
		/* The names made are <path><start + i>: the last one must fit too. */
		const char *base = strrchr(w[0], '/') + 1;
		int digits = snprintf(NULL, 0, "%llu",
				      (unsigned long long)e->start + (e->count - 1));

		if (strlen(base) + (size_t)digits > VMB_NAME_MAX)
			return fail(c, "the names '%.40s...N' made for count %u are longer than %d "
				       "bytes; shorten the path's last name", base, e->count,
				    VMB_NAME_MAX);
	}
	if (e->type == 'f' && streq(w[0], "/"))
		return fail(c, "'/' is a directory; use type 'd' or 'r' for it");
	if ((dev || e->type == 'p') && streq(w[0], "/"))
		return fail(c, "'/' cannot be a device or fifo");
	e->path = xstrdup(w[0]);
	e->line = c->line;
	return 0;
}

int permtab_parse_buffer(const char *name, const char *buf, size_t len, struct permtab *t,
			 char **err)
{
	struct cursor c = { .file = NULL, .line = 0, .err = err };
	const char *p = buf, *end = buf + len;
	size_t cap = t->n;

	t->files = xrealloc(t->files, (t->nfiles + 1) * sizeof(*t->files));
	t->files[t->nfiles] = xstrdup(name);
	c.file = t->files[t->nfiles++];

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *line = xstrndup(p, l);
		const char *s = line;
		struct perm_entry e = { 0 };
		int r;

		c.line++;
		if (memchr(p, '\0', l)) {
			free(line);
			return fail(&c, "contains a NUL byte; a permissions table is text");
		}
		p += l + (nl ? 1 : 0);
		while (*s == ' ' || *s == '\t' || *s == '\r')
			s++;
		if (!*s || *s == '#') {
			free(line);
			continue;
		}
		r = parse_line(&c, line, &e);
		free(line);
		if (r < 0)
			return r;
		/* A line with a count makes that many nodes: bound their total. */
		t->nodes += e.count ? e.count : 1;
		if (t->nodes > PERM_MAX_NODES) {
			free(e.path);
			return fail(&c, "the tables make more than %d entries (counts included); "
				       "lower the counts", PERM_MAX_NODES);
		}
		e.file = c.file;
		if (t->n == cap) {
			cap = cap ? cap * 2 : 16;
			t->v = xrealloc(t->v, cap * sizeof(*t->v));
		}
		t->v[t->n++] = e;
	}
	return 0;
}

int permtab_parse_file(const char *path, struct permtab *t, char **err)
{
	char *buf = NULL, *why = NULL;
	size_t len = 0;
	int r;

	if (input_read(path, PERM_MAX_FILE, &buf, &len, &why) < 0) {
		r = errno ? -errno : -EIO;
		if (r == -EFBIG)
			*err = xasprintf("%s: larger than %d MiB: this is not a permissions table", path,
					 PERM_MAX_FILE >> 20);
		else
			*err = xasprintf("cannot read permissions table: %s", why);
		free(why);
		return r;
	}
	r = permtab_parse_buffer(path, buf, len, t, err);
	free(buf);
	return r;
}

void permtab_free(struct permtab *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].path);
	for (size_t i = 0; i < t->nfiles; i++)
		free(t->files[i]);
	free(t->v);
	free(t->files);
	memset(t, 0, sizeof(*t));
}
