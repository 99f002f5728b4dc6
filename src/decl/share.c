/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "share.h"
#include "shared/util.h"
#include "shared/vec.h"

#include <stdarg.h>
#include <stdlib.h>

static const char *const security_names[] = {
	[SHARE_SECURITY_NONE] = "none",
	[SHARE_SECURITY_MAPPED_XATTR] = "mapped-xattr",
	[SHARE_SECURITY_MAPPED_FILE] = "mapped-file",
	[SHARE_SECURITY_PASSTHROUGH] = "passthrough",
};

const char *share_security_name(enum share_security m)
{
	return security_names[m];
}

static void share_free(struct share *s)
{
	free(s->tag);
	free(s->path);
	free(s->mount);
}

void shares_free(struct share_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		share_free(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static const char *tag_problem(const char *tag, size_t len)
{
	if (!len)
		return "the tag before '=' is empty; write TAG=HOST_PATH";
	if ((len == 1 && tag[0] == '.') || (len == 2 && tag[0] == '.' && tag[1] == '.'))
		return "the tag cannot be '.' or '..' (it names /mnt/TAG); choose a name";
	if (len > SHARE_TAG_MAX)
		return "the tag is longer than 31 characters (9p's mount tag limit); choose a shorter one";
	for (size_t i = 0; i < len; i++) {
		char c = tag[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '.' || c == '-'))
			return "the tag uses letters, digits, '_', '.' and '-' only";
	}
	return NULL;
}

/* Why @p is not an absolute, normalised path without ',' or blanks, or NULL. */
static const char *path_problem(const char *p)
{
	const char *name;
	size_t len;

	if (!p[0])
		return "is empty";
	if (p[0] != '/')
		return "is not absolute (start it with '/')";
	if (streq(p, "/"))
		return "is the whole root directory; name a directory below it";
	for (const char *c = p; *c; c++) {
		if (*c == ',')
			return "contains ',', which separates the options; rename the directory";
		if ((unsigned char)*c <= ' ' || *c == 0x7f)
			return "contains a blank or control character";
	}
	if (strstr(p, "//") || endswith(p, "/"))
		return "is not normalised (no '//', no trailing '/')";
	for (const char *c = p; (c = strchr(c, '/')); c++)
		if (startswith(c, "/./") || streq(c, "/.") || startswith(c, "/../") || streq(c, "/.."))
			return "contains '.' or '..'; write the directory itself";
	switch (path_check_limits(p, &name, &len)) {
	case PATH_TOO_LONG: return "is longer than Linux's 4095 bytes";
	case PATH_NAME_TOO_LONG: return "has a name longer than 255 bytes";
	default: return NULL;
	}
}

/* Mount points rcS covers with a kernel filesystem before `mount -a`: a
 * directory made for a share there would be hidden. */
static const char *mount_problem(const char *dir)
{
	static const char *const hidden[] = { "/proc", "/sys", "/dev", "/run", "/tmp" };
	const char *why = path_problem(dir);

	if (why)
		return why;
	for (size_t i = 0; i < ARRAY_SIZE(hidden); i++) {
		size_t n = strlen(hidden[i]);

		if (startswith(dir, hidden[i]) && (dir[n] == '\0' || dir[n] == '/'))
			return "is under /proc, /sys, /dev, /run or /tmp, which the guest's init mounts "
			       "over before it mounts the shares; choose another directory (/mnt/TAG "
			       "is the default)";
	}
	return NULL;
}

_printf_format_(2, 3) static char *item_error(const char *item, const char *fmt, ...)
{
	va_list ap;
	char *why, *msg;

	va_start(ap, fmt);
	why = xvasprintf(fmt, ap);
	va_end(ap);
	msg = xasprintf("share '%s': %s", item, why);
	free(why);
	return msg;
}

static bool security_from(const char *name, enum share_security *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(security_names); i++)
		if (streq(name, security_names[i])) {
			*out = (enum share_security)i;
			return true;
		}
	return false;
}

enum { SEEN_RW = 1, SEEN_MOUNT = 2, SEEN_SECURITY = 4 };

/* One option of an item (the words after the path). */
static char *apply_option(const char *item, const char *opt, enum share_syntax syntax,
			  struct share *s, unsigned *seen)
{
	const char *v;
	unsigned bit;

	if (streq(opt, "ro") || streq(opt, "rw"))
		bit = SEEN_RW;
	else if (syntax == SHARE_DECLARATION && startswith(opt, "mount="))
		bit = SEEN_MOUNT;
	else if (startswith(opt, "security="))
		bit = SEEN_SECURITY;
	else
		return item_error(item, "unknown option '%s' (known: ro, rw,%s security=none|"
				  "mapped-xattr|mapped-file|passthrough)%s", opt,
				  syntax == SHARE_DECLARATION ? " mount=GUEST_DIR|none," : "",
				  strchr(opt, '/') ? "; a path cannot contain ',': rename the directory" : "");
	if (*seen & bit)
		return item_error(item, "option '%s' given twice (or both ro and rw); keep one", opt);
	*seen |= bit;
	if (bit == SEEN_RW) {
		s->readonly = streq(opt, "ro");
	} else if (bit == SEEN_MOUNT) {
		v = opt + strlen("mount=");
		free(s->mount);
		s->mount = NULL;
		if (!streq(v, "none")) {
			const char *why = mount_problem(v);

			if (why)
				return item_error(item, "mount point '%s' %s", v, why);
			s->mount = xstrdup(v);
		}
	} else {
		v = opt + strlen("security=");
		if (!security_from(v, &s->security))
			return item_error(item, "unknown security model '%s' (QEMU's: none, "
					  "mapped-xattr, mapped-file, passthrough)", v);
	}
	return NULL;
}

static char *parse_item(const char *item, enum share_syntax syntax, struct share *s)
{
	const char *eq = strchr(item, '='), *comma;
	unsigned seen = 0;
	char *path, *opts, *save = NULL, *why = NULL;
	const char *problem;

	memset(s, 0, sizeof(*s));
	if (!eq)
		return item_error(item, "no '='; write TAG=HOST_PATH[,ro][,mount=GUEST_DIR]"
				  "[,security=MODEL]");
	if ((problem = tag_problem(item, (size_t)(eq - item))))
		return item_error(item, "%s", problem);
	s->tag = xstrndup(item, (size_t)(eq - item));
	comma = strchr(eq + 1, ',');
	path = comma ? xstrndup(eq + 1, (size_t)(comma - eq - 1)) : xstrdup(eq + 1);
	if ((problem = path_problem(path))) {
		why = item_error(item, "host path '%s' %s", path, problem);
		free(path);
		return why;
	}
	s->path = path;
	if (syntax == SHARE_DECLARATION)
		s->mount = xasprintf("/mnt/%s", s->tag);
	opts = xstrdup(comma ? comma + 1 : "");
	/* strtok_r would fold them away: a ',' too many is an empty option. */
	if (comma && (!opts[0] || strstr(comma, ",,") || endswith(comma, ",")))
		why = item_error(item, "an empty option (a ',' too many); remove it");
	for (char *o = strtok_r(opts, ",", &save); o && !why; o = strtok_r(NULL, ",", &save))
		why = apply_option(item, o, syntax, s, &seen);
	if (!why && syntax == SHARE_LAUNCH && !(seen & SEEN_SECURITY))
		why = item_error(item, "no security= (the stager always writes it; restage the guest)");
	free(opts);
	return why;
}

char *shares_parse(const char *value, enum share_syntax syntax, struct share_list *out)
{
	char *copy = xstrdup(value), *save = NULL, *why = NULL;

	shares_free(out);
	/* "none": no shares, even those of the guest this one extends; in a
	 * launch configuration, what a user writes to switch them off. */
	if (streq(value + strspn(value, " \t"), "none")) {
		free(copy);
		return NULL;
	}
	for (char *w = strtok_r(copy, " \t", &save); w && !why; w = strtok_r(NULL, " \t", &save)) {
		struct share s;

		why = parse_item(w, syntax, &s);
		for (size_t i = 0; i < out->n && !why; i++) {
			if (streq(out->v[i].tag, s.tag))
				why = item_error(w, "tag '%s' is used twice in this guest; tags name "
						 "the shares, give each its own", s.tag);
			else if (s.mount && out->v[i].mount && streq(out->v[i].mount, s.mount))
				why = item_error(w, "mount point '%s' is taken by share '%s' already; "
						 "give it mount=ANOTHER_DIR", s.mount, out->v[i].tag);
		}
		if (why) {
			share_free(&s);
			break;
		}
		*VEC_APPEND(out->v, out->n) = s;
	}
	free(copy);
	if (!why && !out->n)
		why = xstrdup("shares is empty; give TAG=HOST_PATH items, or 'none' for no shares");
	if (why)
		shares_free(out);
	return why;
}

char *share_launch_item(const struct share *s)
{
	return xasprintf("%s=%s%s,security=%s", s->tag, s->path, s->readonly ? ",ro" : "",
			 share_security_name(s->security));
}
