/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "json.h"

/* The length of the valid UTF-8 sequence at @p (1-4), or 0 when it is not one. */
static size_t utf8_len(const unsigned char *p)
{
	size_t n;
	unsigned cp;

	if (p[0] < 0x80)
		return 1;
	if ((p[0] & 0xe0) == 0xc0)
		n = 2, cp = p[0] & 0x1f;
	else if ((p[0] & 0xf0) == 0xe0)
		n = 3, cp = p[0] & 0x0f;
	else if ((p[0] & 0xf8) == 0xf0)
		n = 4, cp = p[0] & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	/* Overlong forms, surrogates and values past U+10FFFF are not UTF-8. */
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

void json_string(struct strbuf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	strbuf_add(b, "\"", 1);
	while (*p) {
		size_t n = utf8_len(p);

		if (*p == '"' || *p == '\\') {
			strbuf_printf(b, "\\%c", *p);
			p++;
		} else if (*p < 0x20 || n == 0) {
			strbuf_printf(b, "\\u%04x", *p);
			p++;
		} else {
			strbuf_add(b, (const char *)p, n);
			p += n;
		}
	}
	strbuf_add(b, "\"", 1);
}

void json_key_string(struct strbuf *b, const char *indent, const char *key, const char *v, bool comma)
{
	strbuf_printf(b, "%s\"%s\": ", indent, key);
	if (v)
		json_string(b, v);
	else
		strbuf_puts(b, "null");
	strbuf_puts(b, comma ? ",\n" : "\n");
}
