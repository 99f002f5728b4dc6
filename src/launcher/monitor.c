/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "monitor.h"
#include "shared/fsutil.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define PROMPT "(qemu) "
#define REPLY_MAX (4u << 20) /* info commands print pages, not megabytes */

/* Read into *buf until it ends with the prompt. */
static int read_to_prompt(int fd, char **buf, size_t *len, int timeout_ms, const char *sock, char **err)
{
	size_t cap = *len + 4096;

	*buf = xrealloc(*buf, cap + 1);
	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		int r;
		ssize_t got;

		if (*len >= strlen(PROMPT) && !memcmp(*buf + *len - strlen(PROMPT), PROMPT, strlen(PROMPT)))
			return 0;
		r = poll(&p, 1, timeout_ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			*err = xasprintf("%s: the monitor did not answer within %d s", sock, timeout_ms / 1000);
			return -1;
		}
		if (*len == cap) {
			if (cap >= REPLY_MAX) {
				*err = xasprintf("%s: the monitor's reply is longer than %u bytes", sock, REPLY_MAX);
				return -1;
			}
			cap *= 2;
			*buf = xrealloc(*buf, cap + 1);
		}
		got = read(fd, *buf + *len, cap - *len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			*err = xasprintf("%s: the monitor closed the connection%s%s", sock, got ? ": " : "",
					 got ? strerror(errno) : "");
			return -1;
		}
		*len += (size_t)got;
		(*buf)[*len] = '\0';
	}
}

/* Drop ESC [ ... final-byte sequences and carriage returns (QEMU's
 * readline redraws the line it echoes). */
static void strip_terminal(char *s)
{
	char *w = s;

	for (char *r = s; *r; r++) {
		if (*r == '\033' && r[1] == '[') {
			r += 2;
			while (*r && !(*r >= '@' && *r <= '~'))
				r++;
			if (!*r)
				break;
			continue;
		}
		if (*r != '\r')
			*w++ = *r;
	}
	*w = '\0';
}

int monitor_command(const char *sock, const char *cmd, int timeout_ms, char **out, char **err)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char *buf = NULL, *line = xasprintf("%s\n", cmd), *body, *nl;
	size_t len = 0;
	int fd, r = -1, w;

	*out = NULL;
	if (strlen(sock) >= sizeof(addr.sun_path)) {
		*err = xasprintf("%s: the socket path is too long", sock);
		free(line);
		return -1;
	}
	memcpy(addr.sun_path, sock, strlen(sock) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		*err = xasprintf("%s: cannot connect to the guest's monitor: %s (is the guest running?)", sock,
				 strerror(errno));
		goto out;
	}
	if (read_to_prompt(fd, &buf, &len, timeout_ms, sock, err) < 0)
		goto out;
	len = 0;
	if ((w = write_all(fd, line, strlen(line))) < 0) {
		*err = xasprintf("%s: cannot send to the monitor: %s", sock, strerror(-w));
		goto out;
	}
	if (read_to_prompt(fd, &buf, &len, timeout_ms, sock, err) < 0)
		goto out;
	buf[len - strlen(PROMPT)] = '\0';
	strip_terminal(buf);
	/* The first line is the command echoed. */
	nl = strchr(buf, '\n');
	body = nl ? nl + 1 : buf + strlen(buf);
	*out = xstrdup(body);
	r = 0;
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	free(line);
	return r;
}
