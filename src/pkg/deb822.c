/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The deb822 stanza format (Debian Policy 5.1): "Field: value" lines, a
 * continuation starts with a blank, stanzas are separated by empty lines.
 * Only the fields a resolver and an SBOM need are kept; field names are
 * case-insensitive. Continuation lines of the kept fields (multi-line
 * Depends in `dpkg-deb -f` output) are joined with a space.
 */
#include "pkg/pkg.h"
#include "shared/util.h"

#include <errno.h>
#include <stdlib.h>
#include <strings.h>

void deb_pkg_free(struct deb_pkg *p)
{
	if (!p)
		return;
	free(p->name);
	free(p->arch);
	free(p->version);
	free(p->pre_depends);
	free(p->depends);
	free(p->provides);
	free(p->filename);
	free(p->sha256);
	free(p->source);
	free(p->multi_arch);
	free(p);
}

/* Where field @name of a record is kept, or NULL for a field we skip. */
static char **field_slot(struct deb_pkg *p, const char *name, size_t len)
{
	static const struct {
		const char *name;
		size_t off;
	} fields[] = {
		{ "Package", offsetof(struct deb_pkg, name) },
		{ "Architecture", offsetof(struct deb_pkg, arch) },
		{ "Version", offsetof(struct deb_pkg, version) },
		{ "Pre-Depends", offsetof(struct deb_pkg, pre_depends) },
		{ "Depends", offsetof(struct deb_pkg, depends) },
		{ "Provides", offsetof(struct deb_pkg, provides) },
		{ "Filename", offsetof(struct deb_pkg, filename) },
		{ "SHA256", offsetof(struct deb_pkg, sha256) },
		{ "Source", offsetof(struct deb_pkg, source) },
		{ "Multi-Arch", offsetof(struct deb_pkg, multi_arch) },
	};

	for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
		if (strlen(fields[i].name) == len && strncasecmp(fields[i].name, name, len) == 0)
			return (char **)((char *)p + fields[i].off);
	return NULL;
}

static char *trimmed(const char *s, size_t len)
{
	while (len && (*s == ' ' || *s == '\t'))
		s++, len--;
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
		len--;
	return xstrndup(s, len);
}

/* Hand a finished stanza over, or drop it when it names no package. */
static void finish(struct deb_pkg **cur, char **size, void (*fn)(struct deb_pkg *, void *),
		   void *ctx)
{
	struct deb_pkg *p = *cur;

	*cur = NULL;
	if (p && p->name && p->version && p->arch) {
		p->size = *size ? strtoull(*size, NULL, 10) : 0;
		fn(p, ctx);
	} else {
		deb_pkg_free(p);
	}
	free(*size);
	*size = NULL;
}

int deb822_parse(const char *name, const char *text, size_t len,
		 void (*fn)(struct deb_pkg *p, void *ctx), void *ctx, char **err)
{
	const char *p = text, *end = text + len;
	struct deb_pkg *cur = NULL;
	char **last = NULL, *size = NULL;
	unsigned line = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *colon;

		line++;
		if (n == 0 || (n == 1 && p[0] == '\r')) {
			finish(&cur, &size, fn, ctx);
			last = NULL;
		} else if (p[0] == ' ' || p[0] == '\t') {
			if (!cur) {
				*err = xasprintf("%s:%u: a continuation line outside a stanza", name, line);
				goto fail;
			}
			if (last && *last) {
				char *more = trimmed(p, n);

				if (*more && !(more[0] == '.' && more[1] == '\0')) {
					char *joined = xasprintf("%s %s", *last, more);

					free(*last);
					*last = joined;
				}
				free(more);
			}
		} else if (p[0] == '#') {
			/* comments are allowed in control files, not in indexes: harmless */
		} else if ((colon = memchr(p, ':', n)) == NULL || colon == p) {
			*err = xasprintf("%s:%u: expected 'Field: value', got '%.*s'", name, line,
					 (int)(n > 60 ? 60 : n), p);
			goto fail;
		} else {
			size_t flen = (size_t)(colon - p);
			char **slot;

			if (!cur)
				cur = xcalloc(1, sizeof(*cur));
			slot = field_slot(cur, p, flen);
			last = slot;
			if (slot) {
				free(*slot);
				*slot = trimmed(colon + 1, n - flen - 1);
			} else if (flen == 4 && strncasecmp(p, "Size", 4) == 0) {
				free(size);
				size = trimmed(colon + 1, n - flen - 1);
			}
		}
		p += n + (nl != NULL);
	}
	finish(&cur, &size, fn, ctx);
	return 0;
fail:
	deb_pkg_free(cur);
	free(size);
	return -EINVAL;
}

void deb_source_of(const struct deb_pkg *p, char **name, char **version)
{
	const char *s = p->source, *paren;

	if (!s || !*s) {
		*name = xstrdup(p->name);
		*version = xstrdup(p->version);
		return;
	}
	paren = strchr(s, '(');
	if (!paren) {
		*name = trimmed(s, strlen(s));
		*version = xstrdup(p->version);
		return;
	}
	*name = trimmed(s, (size_t)(paren - s));
	*version = trimmed(paren + 1, strcspn(paren + 1, ")"));
}
