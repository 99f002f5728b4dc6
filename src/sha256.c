/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "sha256.h"
#include "shared/input.h"
#include "shared/util.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct sha256_ctx {
	EVP_MD_CTX *md;
};

struct sha256_ctx *sha256_new(void)
{
	struct sha256_ctx *c = xmalloc(sizeof(*c));

	c->md = EVP_MD_CTX_new();
	if (!c->md || EVP_DigestInit_ex(c->md, EVP_sha256(), NULL) != 1) {
		/* Only possible when libcrypto itself is out of memory. */
		fprintf(stderr, "%s: cannot start a SHA-256 digest\n", vmb_progname);
		exit(EXIT_FAILURE);
	}
	return c;
}

void sha256_update(struct sha256_ctx *c, const void *data, size_t len)
{
	EVP_DigestUpdate(c->md, data, len);
}

void sha256_update_str(struct sha256_ctx *c, const char *s)
{
	EVP_DigestUpdate(c->md, s, strlen(s) + 1);
}

void sha256_finish(struct sha256_ctx *c, char hex[SHA256_HEX_LEN + 1])
{
	unsigned char d[32];
	unsigned len = 0;

	EVP_DigestFinal_ex(c->md, d, &len);
	for (unsigned i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	EVP_MD_CTX_free(c->md);
	free(c);
}

int sha256_file(const char *path, char hex[SHA256_HEX_LEN + 1])
{
	struct sha256_ctx *c;
	char buf[1 << 16];
	ssize_t n;
	struct stat st;
	char *why = NULL;
	int fd = input_open(path, &st, &why);

	if (fd < 0) {
		int e = errno;

		free(why);
		return -e;
	}
	c = sha256_new();
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			int e = errno;

			if (e == EINTR)
				continue;
			close(fd);
			sha256_finish(c, hex);
			return -e;
		}
		sha256_update(c, buf, (size_t)n);
	}
	close(fd);
	sha256_finish(c, hex);
	return 0;
}
