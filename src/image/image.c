/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "image.h"
#include "shared/output.h"
#include "shared/util.h"

#include <errno.h>
#include <ext2fs/ext2fs.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

const struct image_handler *const image_handlers[] = {
	&image_ext4, &image_ext3, &image_ext2, &image_ext2_gz, &image_cpio, &image_cpio_gz,
	&image_tar_bz2, &image_qcow2, &image_uimage,
};
const size_t image_nhandlers = ARRAY_SIZE(image_handlers);

const struct image_handler *image_handler_find(const char *type)
{
	for (size_t i = 0; i < image_nhandlers; i++)
		if (streq(image_handlers[i]->type, type))
			return image_handlers[i];
	return NULL;
}

bool image_format_has(const char *type, unsigned caps)
{
	const struct image_handler *h = image_handler_find(type);

	return h && (h->caps & caps) == caps;
}

char *image_formats_with(unsigned caps)
{
	char *list = xstrdup("");

	for (size_t i = 0; i < image_nhandlers; i++) {
		char *next;

		if ((image_handlers[i]->caps & caps) != caps)
			continue;
		next = xasprintf("%s%s%s", list, *list ? ", " : "", image_handlers[i]->type);

		free(list);
		list = next;
	}
	return list;
}

char *image_format_list(void)
{
	return image_formats_with(0);
}

bool image_parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	if (!*s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return false;
	if (*end) {
		switch (*end) {
		case 'k': case 'K': shift = 10; break;
		case 'm': case 'M': shift = 20; break;
		case 'g': case 'G': shift = 30; break;
		case 't': case 'T': shift = 40; break;
		default: return false;
		}
		/* Accept "64K", "64KiB" and "64KB" alike: all binary. */
		end++;
		if (*end == 'i')
			end++;
		if (*end == 'B')
			end++;
		if (*end)
			return false;
	}
	if (shift && v > (~0ULL >> shift))
		return false;
	*out = (uint64_t)v << shift;
	return true;
}

int image_size_arg(const char *opt, const char *s, uint64_t *out, char **err)
{
	if (image_parse_size(s, out))
		return 0;
	*err = xasprintf("%s '%s' is not a size (bytes, or a number with K, M, G or T)", opt, s);
	return -1;
}

int image_epoch_arg(const char *arg, uint64_t *out, char **err)
{
	const char *from = arg ? "--epoch" : "SOURCE_DATE_EPOCH";
	const char *s = arg ? arg : getenv("SOURCE_DATE_EPOCH");
	unsigned long long v;
	char *end;

	if (!s || (!arg && !*s)) {
		*err = xstrdup("no epoch for the image's timestamps: set SOURCE_DATE_EPOCH or give "
			       "--epoch SECONDS (e.g. the last commit's time: git log -1 --format=%ct)");
		return -1;
	}
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*s < '0' || *s > '9' || *end || errno || v > IMAGE_EPOCH_MAX) {
		*err = xasprintf("%s '%s' is not a time in seconds since 1970 between 0 and %llu", from,
				 s, IMAGE_EPOCH_MAX);
		return -1;
	}
	*out = v;
	return 0;
}

void image_derive_uuid(const char *purpose, const char *name, uint64_t epoch, char out[37])
{
	unsigned char digest[EXT2FS_SHA512_LENGTH];
	char *seed = xasprintf("vmbundle %s|%s|%llu", purpose, name, (unsigned long long)epoch);
	unsigned char *u = digest;

	ext2fs_sha512((const unsigned char *)seed, (unsigned long)strlen(seed), digest);
	free(seed);
	u[6] = (u[6] & 0x0f) | 0x80; /* version 8: vendor-defined */
	u[8] = (u[8] & 0x3f) | 0x80; /* RFC variant */
	snprintf(out, 37,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12],
		 u[13], u[14], u[15]);
}

char *image_sibling_tmp(const struct image_job *j, const char *what, char **err)
{
	return output_tmp(j->opts->output, what, err);
}

int image_generate_into(const struct image_handler *h, const struct image_job *outer,
			const char *path, uint64_t *size_out, char **err)
{
	struct image_job inner = *outer;
	int r = 0;

	inner.handler = h;
	inner.tmp = (char *)path;
	inner.size = 0;
	if (h->setup)
		r = h->setup(&inner, err);
	if (r == 0)
		r = h->generate(&inner, err);
	if (size_out)
		*size_out = inner.size;
	return r;
}

int image_build(const struct image_handler *h, struct tree *t, const struct image_opts *o,
		char **err)
{
	const char *slash = strrchr(o->output, '/');
	struct image_job j = {
		.handler = h,
		.opts = o,
		.tree = t,
		.name = o->name ? o->name : slash ? slash + 1 : o->output,
	};
	struct output_target out;
	int r = 0;

	/* The output rules (shared/output.h): an image needs seeks and a size,
	 * so a FIFO or device is refused, never replaced; a symlink's target
	 * is what gets replaced. */
	if (output_resolve(o->output, false, &out, err) < 0)
		return -EEXIST;
	output_remove_stale_tmps(out.path);
	if (h->setup)
		r = h->setup(&j, err);
	if (r == 0 && !(j.tmp = output_tmp(out.path, "tmp", err)))
		r = -EIO;
	if (r == 0)
		r = h->generate(&j, err);
	if (r == 0)
		r = image_verify(h, j.tmp, err) < 0 ? -EIO : 0;
	if (r == 0)
		r = output_publish(j.tmp, out.path, err) < 0 ? -EIO : 0;
	else if (j.tmp)
		unlink(j.tmp);
	free(j.tmp);
	free(out.path);
	return r;
}
