/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SBOM's image readers (src/sbom/read-*.c), which list and hash every
 * file of an image, prebuilt guest images included (ext through libext2fs,
 * cpio and ext2.gz through zlib, tar.bz2 through bzip2 -dc): the first byte
 * picks the format, the rest is the image. qcow2 is left out: its reader
 * hands the file to qemu-img, not to code of ours.
 */
#include "fuzz.h"
#include "sbom/sbom.h"

#include <stdlib.h>

static const char *const formats[] = { "ext4", "ext2", "cpio", "cpio.gz", "ext2.gz",
				       "tar.bz2", "uImage" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct img_listing l = { 0 };
	char *path, *err = NULL;

	if (size < 1)
		return 0;
	fuzz_scratch();
	path = fuzz_write("image", data + 1, size - 1);
	img_read(path, formats[data[0] % (sizeof(formats) / sizeof(formats[0]))], &l, &err);
	img_listing_free(&l);
	free(err);
	free(path);
	return 0;
}
