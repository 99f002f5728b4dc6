/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "shared/textfile.h"
#include "shared/vec.h"
#include "shared/input.h"
#include "shared/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int text_read(const char *path, char **buf, size_t *len, char **err)
{
	return input_read(path, TEXT_MAX_FILE, buf, len, err) < 0 ? -1 : 0;
}

void text_lines_free(struct text_lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].text);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

int text_split(const char *name, const char *buf, size_t len, bool join_continuations,
	       struct text_lines *out, char **err)
{
	size_t pos = 0;
	unsigned lineno = 0;
	char *acc = NULL;   /* logical line being assembled across continuations */
	size_t acc_len = 0;
	unsigned first = 0; /* its first physical line */

	out->v = NULL;
	out->n = out->cap = 0;
	while (pos < len) {
		const char *start = buf + pos;
		const char *nl = memchr(start, '\n', len - pos);
		size_t l = nl ? (size_t)(nl - start) : len - pos;
		bool cont;

		lineno++;
		pos += l + (nl ? 1 : 0);
		if (memchr(start, '\0', l)) {
			*err = xasprintf("%s:%u: binary data (a NUL byte): this is not a text file", name,
					 lineno);
			goto fail;
		}
		if (l > 0 && start[l - 1] == '\r')
			l--;
		if (acc_len + l > TEXT_MAX_LINE) {
			*err = xasprintf("%s:%u: line longer than %u bytes: this is not a kernel "
					 "description or fragment",
					 name, acc ? first : lineno, TEXT_MAX_LINE);
			goto fail;
		}
		cont = join_continuations && l > 0 && start[l - 1] == '\\';
		if (cont)
			l--;
		if (!acc)
			first = lineno;
		acc = xrealloc(acc, acc_len + l + 1);
		memcpy(acc + acc_len, start, l);
		acc_len += l;
		acc[acc_len] = '\0';
		if (cont && pos < len)
			continue;
		*VEC_PUSH(out->v, out->n, out->cap) = (struct text_line){ acc, first };
		acc = NULL;
		acc_len = 0;
	}
	free(acc);
	return 0;
fail:
	free(acc);
	text_lines_free(out);
	return -1;
}
