/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading an image back, whatever its format: ext2/3/4 and cpio(.gz) are
 * read directly, a uImage ramdisk past its 64-byte header, tar.bz2 through
 * bzip2; qcow2 (qemu-img) and ext2.gz (zlib) are first converted to a raw
 * ext image in a temporary file (sparse), which is removed in every case.
 */
#include "sbom/sbom.h"
#include "image/image.h"
#include "shared/input.h"
#include "shared/run.h"
#include "shared/strbuf.h"
#include "shared/tool.h"
#include "shared/util.h"
#include "shared/vec.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define UIMAGE_HEADER 64

struct img_file *img_add(struct img_listing *l, const char *path, uint64_t size, uint64_t allocated,
			 uint64_t inode, const struct digests *d)
{
	struct img_file *f;

	f = VEC_APPEND(l->files, l->n);
	*f = (struct img_file){ .path = xstrdup(path), .size = size, .allocated = allocated,
				.inode = inode, .d = *d, .comp = -1, .copy_of = -1 };
	return f;
}

char *img_entry_path(const char *archive, const char *name, char **err)
{
	struct strbuf b = { 0 };

	for (const char *p = name; *p;) {
		size_t n = strcspn(p, "/");

		if (n == 2 && p[0] == '.' && p[1] == '.') {
			*err = xasprintf("%s: the entry '%s' leaves the archive's root ('..'); the archive is "
					 "unsafe to unpack, not an image vmbundle wrote", archive, name);
			strbuf_free(&b);
			return NULL;
		}
		if (n && !(n == 1 && p[0] == '.')) {
			strbuf_add(&b, "/", 1);
			strbuf_add(&b, p, n);
		}
		p += n;
		while (*p == '/')
			p++;
	}
	return b.s ? strbuf_take(&b) : xstrdup("/");
}

void img_listing_free(struct img_listing *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->files[i].path);
		free(l->files[i].comment);
	}
	free(l->files);
	free(l->format);
	*l = (struct img_listing){ 0 };
}

/* Which formats to prefer when an image has several: the cheapest to read. */
static const char *const ranked[] = { "ext4", "ext3", "ext2", "cpio", "cpio.gz", "uImage",
				      "ext2.gz", "qcow2", "tar.bz2" };

int img_format_rank(const char *format)
{
	for (size_t i = 0; i < ARRAY_SIZE(ranked); i++)
		if (streq(format, ranked[i]))
			return (int)i;
	return -1;
}

static char *temp_raw(char **err)
{
	const char *dir = getenv("TMPDIR");
	char *tmp = xasprintf("%s/vmbundle-sbom-XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(tmp);

	if (fd < 0) {
		*err = xasprintf("cannot create a temporary file in %s: %s", dir && *dir ? dir : "/tmp",
				 strerror(errno));
		free(tmp);
		return NULL;
	}
	close(fd);
	return tmp;
}

/* gunzip @path into @to, keeping runs of zeros as holes. */
static int gunzip_to(const char *path, const char *to, char **err)
{
	static char buf[1 << 16];
	gzFile z = gzopen(path, "rb");
	int fd = open(to, O_WRONLY | O_TRUNC | O_CLOEXEC);
	off_t off = 0;
	int n, rc = 0;

	if (!z || fd < 0) {
		*err = xasprintf("cannot read '%s': %s", path, strerror(errno));
		rc = -1;
	}
	while (rc == 0 && (n = gzread(z, buf, sizeof(buf))) > 0) {
		bool zero = true;

		for (int i = 0; i < n && zero; i++)
			zero = buf[i] == 0;
		if (!zero && pwrite(fd, buf, (size_t)n, off) != n) {
			*err = xasprintf("cannot write '%s': %s", to, strerror(errno));
			rc = -1;
		}
		off += n;
	}
	if (rc == 0 && (n < 0 || !gzeof(z))) {
		*err = xasprintf("%s: not a complete gzip file", path);
		rc = -1;
	}
	if (rc == 0 && ftruncate(fd, off) < 0) {
		*err = xasprintf("cannot write '%s': %s", to, strerror(errno));
		rc = -1;
	}
	if (z)
		gzclose(z);
	if (fd >= 0)
		close(fd);
	return rc;
}

static int qcow2_to_raw(const char *path, const char *to, char **err)
{
	const char *argv[] = { tool_path("qemu-img"), "convert", "-f", "qcow2", "-O", "raw", path, to, NULL };
	char *e = NULL;

	if (run(argv, NULL, &e) == 0)
		return 0;
	*err = xasprintf("%s: %s (Debian: qemu-utils)", path, e);
	free(e);
	return -1;
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct img_file *)a)->path, ((const struct img_file *)b)->path);
}

int img_read(const char *path, const char *format, struct img_listing *l, char **err)
{
	const struct image_handler *h;
	struct stat st;
	char *raw = NULL;
	int rc;

	*l = (struct img_listing){ 0 };
	if (stat(path, &st) < 0) {
		char *why = input_problem(path, errno);

		*err = errno == ENOENT ? xasprintf("image %s; build it first (make)", why)
				       : xasprintf("image %s", why);
		free(why);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		*err = xasprintf("image '%s' is not a regular file", path);
		return -1;
	}
	/* What the format holds, as its image handler says. */
	h = image_handler_find(format);
	if (h && (h->caps & IMAGE_CAP_EXT_RAW)) {
		rc = img_read_ext(path, l, err);
	} else if (h && (h->caps & IMAGE_CAP_CPIO)) {
		rc = img_read_cpio(path, 0, l, err);
	} else if (h && (h->caps & IMAGE_CAP_UIMAGE)) {
		rc = img_read_cpio(path, UIMAGE_HEADER, l, err);
	} else if (h && h->unwrap != IMAGE_UNWRAP_NONE) {
		raw = temp_raw(err);
		rc = !raw ? -1
		     : h->unwrap == IMAGE_UNWRAP_QCOW2 ? qcow2_to_raw(path, raw, err)
						      : gunzip_to(path, raw, err);
		if (rc == 0)
			rc = img_read_ext(raw, l, err);
	} else if (h && (h->caps & IMAGE_CAP_TAR_BZ2)) {
		rc = img_read_tar_bz2(path, l, err);
	} else {
		*err = xasprintf("%s: cannot read images of format '%s'", path, format);
		rc = -1;
	}
	if (raw) {
		unlink(raw);
		free(raw);
	}
	if (rc < 0) {
		img_listing_free(l);
		return -1;
	}
	l->format = xstrdup(format);
	if (l->n)
		qsort(l->files, l->n, sizeof(*l->files), by_path);
	return 0;
}
