/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "scc/textfile.h"
#include "scc/vec.h"
#include "shared/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int text_read(const char *path, char **buf, size_t *len, char **err)
{
	struct stat st;
	char *data;
	size_t got = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*err = xasprintf("cannot read '%s': %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		*err = xasprintf("cannot read '%s': not a regular file", path);
		close(fd);
		return -1;
	}
	if ((unsigned long long)st.st_size > TEXT_MAX_FILE) {
		*err = xasprintf("cannot read '%s': %lld bytes is too big for a kernel description "
				 "or fragment (the limit is %u MiB)",
				 path, (long long)st.st_size, TEXT_MAX_FILE >> 20);
		close(fd);
		return -1;
	}
	data = xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, data + got, (size_t)st.st_size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			*err = xasprintf("cannot read '%s': %s", path, strerror(errno));
			free(data);
			close(fd);
			return -1;
		}
		if (r == 0)
			break; /* the file shrank while we read it: take what is there */
		got += (size_t)r;
	}
	close(fd);
	data[got] = '\0';
	*buf = data;
	*len = got;
	return 0;
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
