/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SHA-1 and SHA-256 of one stream: SPDX 2.3 requires a file's SHA-1 (and
 * an external document's), and SHA-256 is what the rest of vmbundle (the
 * manifest, the kernel keys) speaks. Both through libcrypto.
 */
#include "sbom/sbom.h"
#include "shared/util.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

struct digest {
	EVP_MD_CTX *sha1, *sha256;
};

struct digest *digest_new(void)
{
	struct digest *d = xmalloc(sizeof(*d));

	d->sha1 = EVP_MD_CTX_new();
	d->sha256 = EVP_MD_CTX_new();
	if (!d->sha1 || !d->sha256 || EVP_DigestInit_ex(d->sha1, EVP_sha1(), NULL) != 1 ||
	    EVP_DigestInit_ex(d->sha256, EVP_sha256(), NULL) != 1) {
		/* Only possible when libcrypto itself is out of memory. */
		fprintf(stderr, "%s: cannot start a digest\n", vmb_progname);
		exit(EXIT_FAILURE);
	}
	return d;
}

void digest_update(struct digest *d, const void *p, size_t n)
{
	EVP_DigestUpdate(d->sha1, p, n);
	EVP_DigestUpdate(d->sha256, p, n);
}

static void hex(EVP_MD_CTX *c, char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned n = 0;

	EVP_DigestFinal_ex(c, md, &n);
	for (unsigned i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", md[i]);
	EVP_MD_CTX_free(c);
}

void digest_finish(struct digest *d, struct digests *out)
{
	hex(d->sha1, out->sha1);
	hex(d->sha256, out->sha256);
	free(d);
}

int digest_file(const char *path, struct digests *out, char **err)
{
	static char buf[1 << 16];
	/* O_NONBLOCK: a FIFO named like an input must not hang us. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct digest *d;
	struct stat st;
	ssize_t n;

	if (fd < 0) {
		*err = xasprintf("cannot read '%s': %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		*err = xasprintf("'%s' is not a regular file", path);
		close(fd);
		return -1;
	}
	fcntl(fd, F_SETFL, 0);
	d = digest_new();
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*err = xasprintf("cannot read '%s': %s", path, strerror(errno));
			close(fd);
			digest_finish(d, out);
			return -1;
		}
		digest_update(d, buf, (size_t)n);
	}
	close(fd);
	digest_finish(d, out);
	return 0;
}
