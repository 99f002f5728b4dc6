/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "scc/queue.h"
#include "shared/textfile.h"
#include "shared/vec.h"
#include "shared/util.h"

#include <stdlib.h>

char *queue_format(const struct scc_result *r, char **err)
{
	size_t len = 128;
	char *s, *p;

	for (size_t i = 0; i < r->nfrags; i++) {
		if (strchr(r->frags[i].path, '\n')) {
			*err = xasprintf("cannot write the fragment queue: the path '%s' contains a "
					 "newline; rename it",
					 r->frags[i].path);
			return NULL;
		}
		len += strlen(r->frags[i].path) + 16;
	}
	s = p = xmalloc(len);
	p = stpcpy(p, "# vmbundle fragment queue: <type> <absolute path>, merged in this order\n");
	for (size_t i = 0; i < r->nfrags; i++)
		p += sprintf(p, "%s %s\n", scc_ftype_name(r->frags[i].type), r->frags[i].path);
	return s;
}

int queue_parse(const char *name, const char *buf, size_t len, struct queue *q, char **err)
{
	struct text_lines lines;

	memset(q, 0, sizeof(*q));
	if (text_split(name, buf, len, false, &lines, err) < 0)
		return -1;
	for (size_t i = 0; i < lines.n; i++) {
		char *t = lines.v[i].text, *sp;
		enum scc_ftype type;
		struct queue_entry *e;

		if (!*t || *t == '#')
			continue;
		sp = strchr(t, ' ');
		if (sp)
			*sp = '\0';
		if (!sp || scc_ftype_parse(t, &type) < 0 || sp[1] != '/') {
			if (sp)
				*sp = ' ';
			*err = xasprintf("%s:%u: expected '<type> <absolute path>' with type hardware, "
					 "non-hardware, required or optional, got '%s'; regenerate the "
					 "queue with 'vmbundle scc --queue'",
					 name, lines.v[i].lineno, t);
			text_lines_free(&lines);
			queue_free(q);
			return -1;
		}
		e = VEC_PUSH(q->v, q->n, q->cap);
		e->type = type;
		e->path = xstrdup(sp + 1);
		e->line = lines.v[i].lineno;
	}
	text_lines_free(&lines);
	return 0;
}

int queue_read(const char *path, struct queue *q, char **err)
{
	char *buf;
	size_t len;
	int r;

	memset(q, 0, sizeof(*q));
	if (text_read(path, &buf, &len, err) < 0)
		return -1;
	r = queue_parse(path, buf, len, q, err);
	free(buf);
	return r;
}

void queue_free(struct queue *q)
{
	for (size_t i = 0; i < q->n; i++)
		free(q->v[i].path);
	free(q->v);
	memset(q, 0, sizeof(*q));
}
