/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "image/image.h"
#include "image/tree.h"
#include "shared/fsutil.h"
#include "shared/util.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

/* A name longer than an ext directory entry holds (a grafted one: the
 * host's own filesystem cannot make it) fails before anything is written,
 * naming the entry; the earlier output stays. */
static void test_long_name(void)
{
	char dir[] = "/tmp/test-image-XXXXXX", name[301], *tree_dir, *out, *path, *err = NULL;
	struct image_opts o = { .epoch = 1577836800 };
	struct tree t;
	FILE *f;
	char old[8] = { 0 };

	if (!mkdtemp(dir))
		return;
	tree_dir = xasprintf("%s/tree", dir);
	out = xasprintf("%s/out.ext4", dir);
	mkdir(tree_dir, 0755);
	f = fopen(out, "w");
	fputs("old", f);
	fclose(f);
	memset(name, 'n', 300);
	name[300] = '\0';
	path = xasprintf("/etc/%s", name);
	o.output = out;
	ok(tree_load(tree_dir, &t, &err) == 0 && tree_graft(&t, path, NULL, "x", 0777, &err) == 0,
	   "a tree with a 300-byte name");
	tree_finish(&t);
	ok(image_build(&image_ext4, &t, &o, &err) < 0, "ext4 refuses a 300-byte name");
	is_str(err, "entry '/etc/nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn...': its name is 300 bytes "
		    "long; ext4 names hold at most 255 bytes: shorten it", "the message names the entry");
	f = fopen(out, "r");
	ok(f && fread(old, 1, sizeof(old) - 1, f) == 3 && streq(old, "old"), "the old output stays");
	if (f)
		fclose(f);
	free(err);
	tree_free(&t);
	free(path);
	free(out);
	free(tree_dir);
	if (remove_tree(dir) < 0)
		printf("# cannot remove %s\n", dir);
}

/* Every handler's capabilities hang together, so that a caller asking
 * them (mkimage's options, image_verify, the SBOM's reader, the stager)
 * always gets an answer it can act on. */
static void test_caps(void)
{
	char *list;

	for (size_t i = 0; i < image_nhandlers; i++) {
		const struct image_handler *h = image_handlers[i];
		bool ext = h->caps & IMAGE_CAP_EXT, raw = h->caps & IMAGE_CAP_EXT_RAW;

		ok(!raw || ext, "%s: a raw ext image holds an ext filesystem", h->type);
		ok(!ext || raw || h->unwrap != IMAGE_UNWRAP_NONE,
		   "%s: an ext filesystem is either raw or says how to unwrap it", h->type);
		ok(h->check_tool || (h->caps & (IMAGE_CAP_CPIO | IMAGE_CAP_UIMAGE)),
		   "%s: has a checker, or is checked in process", h->type);
		ok(!ext || (h->caps & IMAGE_CAP_NAMED), "%s: an ext filesystem's UUID is seeded by --name",
		   h->type);
		ok(h->caps & (IMAGE_CAP_EXT | IMAGE_CAP_CPIO | IMAGE_CAP_UIMAGE | IMAGE_CAP_TAR_BZ2),
		   "%s: the SBOM's reader knows what it holds", h->type);
	}
	ok(image_format_has("qcow2", IMAGE_CAP_EXT) && !image_format_has("qcow2", IMAGE_CAP_EXT_RAW),
	   "qcow2 holds ext but must be unwrapped");
	ok(!image_format_has("cpio", IMAGE_CAP_NAMED) && !image_format_has("nonsense", 0),
	   "cpio takes no --name; an unknown format has nothing");
	list = image_formats_with(IMAGE_CAP_ARCH);
	is_str(list, "uImage", "only uImage uses --arch");
	free(list);
}

int main(void)
{
	uint64_t v = 0;
	char a[37], b[37], c[37];
	char *list;

	test_caps();
	ok(image_parse_size("4096", &v) && v == 4096, "plain bytes");
	ok(image_parse_size("64K", &v) && v == 65536, "K is KiB");
	ok(image_parse_size("512M", &v) && v == 512ULL << 20, "M is MiB");
	ok(image_parse_size("2GiB", &v) && v == 2ULL << 30, "GiB spelled out");
	ok(image_parse_size("1GB", &v) && v == 1ULL << 30, "GB is binary too");
	ok(image_parse_size("1t", &v) && v == 1ULL << 40, "lower-case units");
	ok(!image_parse_size("", &v), "empty is not a size");
	ok(!image_parse_size("-1M", &v), "negative is not a size");
	ok(!image_parse_size("10Q", &v), "unknown unit");
	ok(!image_parse_size("1.5G", &v), "fractions are not sizes");
	ok(!image_parse_size("99999999999999999999", &v), "overflow");
	ok(!image_parse_size("20000000T", &v), "overflow through the unit");

	image_derive_uuid("ext uuid", "root.ext4", 1577836800, a);
	image_derive_uuid("ext uuid", "root.ext4", 1577836800, b);
	image_derive_uuid("ext uuid", "root.ext4", 1577836801, c);
	is_str(a, b, "the same name and epoch give the same UUID");
	ok(strcmp(a, c) != 0, "another epoch gives another UUID");
	image_derive_uuid("ext hash seed", "root.ext4", 1577836800, c);
	ok(strcmp(a, c) != 0, "the hash seed differs from the UUID");
	ok(strlen(a) == 36 && a[8] == '-' && a[14] == '8' && strchr("89ab", a[19]),
	   "an RFC 9562 version 8 UUID: %s", a);

	ok(image_handler_find("ext4") == &image_ext4, "ext4 is found");
	ok(image_handler_find("uImage") == &image_uimage, "uImage is found");
	ok(image_handler_find("EXT4") == NULL, "format names are exact");
	test_long_name();
	list = image_format_list();
	is_str(list, "ext4, ext3, ext2, ext2.gz, cpio, cpio.gz, tar.bz2, qcow2, uImage", "the format list");
	free(list);
	for (size_t i = 0; i < image_nhandlers; i++)
		ok(image_handlers[i]->generate && image_handlers[i]->summary,
		   "%s has a generate step and a summary", image_handlers[i]->type);
	return done_testing();
}
