/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SVG and XML text helpers for the build's pictures (graph.h). */
#include "graph/graph.h"
#include "shared/util.h"

#include <inttypes.h>
#include <stdlib.h>

void xml_text(struct strbuf *b, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '&': strbuf_puts(b, "&amp;"); break;
		case '<': strbuf_puts(b, "&lt;"); break;
		case '>': strbuf_puts(b, "&gt;"); break;
		case '"': strbuf_puts(b, "&quot;"); break;
		case '\'': strbuf_puts(b, "&apos;"); break;
		default:
			/* XML 1.0 allows no control characters but tab and newlines. */
			if (*p < 0x20 && *p != '\t' && *p != '\n')
				strbuf_puts(b, " ");
			else if (*p >= 0x80 && ((*p & 0xe0) == 0xc0 || (*p & 0xf0) == 0xe0 || (*p & 0xf8) == 0xf0)) {
				size_t n = (*p & 0xe0) == 0xc0 ? 2 : (*p & 0xf0) == 0xe0 ? 3 : 4, i;

				for (i = 1; i < n && (p[i] & 0xc0) == 0x80; i++)
					;
				if (i == n) {
					strbuf_add(b, (const char *)p, n);
					p += n - 1;
				} else {
					strbuf_puts(b, "\xef\xbf\xbd");
				}
			} else if (*p >= 0x80) {
				strbuf_puts(b, "\xef\xbf\xbd");
			} else {
				strbuf_add(b, (const char *)p, 1);
			}
		}
	}
}

void svg_begin(struct strbuf *b, unsigned width, unsigned height, const char *title)
{
	strbuf_printf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			 "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%u\" height=\"%u\" "
			 "viewBox=\"0 0 %u %u\" font-family=\"sans-serif\">\n<title>",
		      width, height, width, height);
	xml_text(b, title);
	strbuf_printf(b, "</title>\n<rect x=\"0\" y=\"0\" width=\"%u\" height=\"%u\" fill=\"#ffffff\"/>\n", width,
		      height);
}

void svg_end(struct strbuf *b)
{
	strbuf_puts(b, "</svg>\n");
}

void svg_label(struct strbuf *b, double x, double y, const char *anchor, unsigned size, const char *extra,
	       const char *text)
{
	strbuf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%u\"%s%s>", x, y, anchor,
		      size, extra ? " " : "", extra ? extra : "");
	xml_text(b, text);
	strbuf_puts(b, "</text>\n");
}

/* Colours of the Tableau 10 palette, then lighter ones: distinct on screen
 * and in print. */
static const char *const palette[] = {
	"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7",
	"#9c755f", "#bab0ac", "#a0cbe8", "#ffbe7d", "#8cd17d", "#ff9d9a", "#86bcb6", "#f1ce63",
};

const char *svg_colour(size_t i)
{
	return palette[i % ARRAY_SIZE(palette)];
}

char *human_bytes(uint64_t n)
{
	if (n >= (1ULL << 30))
		return xasprintf("%.2f GiB", (double)n / (double)(1ULL << 30));
	if (n >= (1ULL << 20))
		return xasprintf("%.1f MiB", (double)n / (double)(1ULL << 20));
	if (n >= 1024)
		return xasprintf("%.1f KiB", (double)n / 1024.0);
	return xasprintf("%" PRIu64 " B", n);
}
