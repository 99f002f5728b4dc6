/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The regular files of a cpio archive in the kernel's "newc" format, gzip'd
 * or not (zlib reads both), starting at @offset (64 for a U-Boot ramdisk
 * after its header). Hard links in newc carry the data with the last name
 * of the inode; the earlier names get the same digests (and, as archive
 * bytes, none: "allocated" is what the archive holds for each name).
 */
#include "sbom/sbom.h"
#include "shared/input.h"
#include "shared/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define NEWC_HEADER 110
#define NAME_MAX_CPIO 4096

struct newc {
	unsigned long ino, mode, nlink, filesize, devmajor, devminor, namesize;
};

static int read_exact(gzFile z, void *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		int r = gzread(z, (char *)buf + got, (unsigned)(n - got));

		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

static int skip(gzFile z, size_t n)
{
	char buf[4096];

	while (n > 0) {
		size_t k = n < sizeof(buf) ? n : sizeof(buf);

		if (read_exact(z, buf, k) < 0)
			return -1;
		n -= k;
	}
	return 0;
}

static bool hex_field(const char *p, unsigned long *out)
{
	char f[9];
	char *end;

	memcpy(f, p, 8);
	f[8] = '\0';
	*out = strtoul(f, &end, 16);
	return end == f + 8;
}

static bool parse_header(const char *h, struct newc *c)
{
	unsigned long ignore;

	if (memcmp(h, "070701", 6) && memcmp(h, "070702", 6))
		return false;
	return hex_field(h + 6, &c->ino) && hex_field(h + 14, &c->mode) && hex_field(h + 22, &ignore) &&
	       hex_field(h + 30, &ignore) && hex_field(h + 38, &c->nlink) && hex_field(h + 46, &ignore) &&
	       hex_field(h + 54, &c->filesize) && hex_field(h + 62, &c->devmajor) &&
	       hex_field(h + 70, &c->devminor) && hex_field(h + 78, &ignore) &&
	       hex_field(h + 86, &ignore) && hex_field(h + 94, &c->namesize);
}

/* "./usr/bin/x", "usr/bin/x" and "/usr/bin/x" all name /usr/bin/x. */
int img_read_cpio(const char *path, long offset, struct img_listing *l, char **err)
{
	struct stat st;
	int fd = input_open(path, &st, err);
	gzFile z;
	int rc = -1;
	size_t first_new = l->n;

	if (fd < 0)
		return -1;
	if (offset && lseek(fd, offset, SEEK_SET) != offset) {
		*err = xasprintf("%s: shorter than its %ld-byte header", path, offset);
		close(fd);
		return -1;
	}
	z = gzdopen(fd, "rb");
	if (!z) {
		close(fd);
		*err = xasprintf("cannot read '%s': out of memory", path);
		return -1;
	}
	for (;;) {
		char h[NEWC_HEADER + 1], *name = NULL;
		struct newc c;

		if (read_exact(z, h, NEWC_HEADER) < 0) {
			*err = xasprintf("%s: the archive ends without its TRAILER!!! entry; is it a "
					 "complete cpio (newc) archive?", path);
			break;
		}
		if (!parse_header(h, &c)) {
			*err = xasprintf("%s: not a cpio archive in the newc format (a header does not "
					 "start with 070701)", path);
			break;
		}
		if (c.namesize < 2 || c.namesize > NAME_MAX_CPIO) {
			*err = xasprintf("%s: an entry's name is %lu bytes long; the archive is damaged",
					 path, c.namesize);
			break;
		}
		name = xmalloc(c.namesize);
		/* The name is padded so that header + name is a multiple of 4. */
		size_t pad = (4 - (NEWC_HEADER + c.namesize) % 4) % 4;

		if (read_exact(z, name, c.namesize) < 0 || skip(z, pad) < 0 || name[c.namesize - 1]) {
			*err = xasprintf("%s: truncated in an entry's name", path);
			free(name);
			break;
		}
		if (streq(name, "TRAILER!!!")) {
			free(name);
			rc = 0;
			break;
		}
		size_t dpad = (4 - c.filesize % 4) % 4;

		if (S_ISREG(c.mode)) {
			static char buf[1 << 16];
			struct digest *d = digest_new();
			struct digests dg;
			unsigned long left = c.filesize;
			bool ok = true;

			while (left > 0 && ok) {
				size_t k = left < sizeof(buf) ? left : sizeof(buf);

				ok = read_exact(z, buf, k) == 0;
				digest_update(d, buf, k);
				left -= k;
			}
			digest_finish(d, &dg);
			if (!ok || skip(z, dpad) < 0) {
				*err = xasprintf("%s: truncated in the data of '%s'", path, name);
				free(name);
				break;
			}
			char *p = img_entry_path(path, name, err);

			if (!p) {
				free(name);
				break;
			}
			/* The inode number keeps hard links together (kept only when linked). */
			img_add(l, p, c.filesize, c.filesize, c.nlink > 1 ? c.ino + 1 : 0, &dg);
			free(p);
		} else if (skip(z, c.filesize + dpad) < 0) {
			*err = xasprintf("%s: truncated in '%s'", path, name);
			free(name);
			break;
		}
		free(name);
	}
	gzclose(z);
	if (rc < 0)
		return -1;
	/* Hard links: the names without data take the digests of the one with. */
	for (size_t i = first_new; i < l->n; i++) {
		struct img_file *f = &l->files[i];

		if (!f->inode || f->size)
			continue;
		for (size_t j = first_new; j < l->n; j++)
			if (l->files[j].inode == f->inode && l->files[j].size) {
				f->size = l->files[j].size; /* its bytes are counted with the other name */
				f->d = l->files[j].d;
				break;
			}
	}
	/* Each name now counts what the archive holds for it. */
	for (size_t i = first_new; i < l->n; i++)
		l->files[i].inode = 0;
	return 0;
}
