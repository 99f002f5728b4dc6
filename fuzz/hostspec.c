/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a guest is given of its host (src/shared/devspec.c: host disks, PCI
 * functions, USB devices, the display) and its shared folders (src/decl/share.c,
 * both syntaxes). Every line of the input goes through every parser; what
 * one accepts must round-trip: a PCI function's canonical form parses to
 * itself, a share's launch item (what the stager writes for vmguest) parses
 * in the launch syntax to the same share, and the list of them together too.
 */
#include "fuzz.h"
#include "decl/share.h"
#include "shared/devspec.h"
#include "shared/util.h"

#include <stdlib.h>
#include <string.h>

static void check_devspec(const char *line)
{
	char *path = NULL, pci[13], again[13];
	bool ro;
	unsigned vendor, product;
	enum guest_display d, d2;

	if (devspec_is_host_disk(line) && !devspec_host_disk(line, &path, &ro)) {
		char *p2 = NULL;
		bool ro2;

		/* The device path alone is a host disk too, read-write. */
		if (devspec_host_disk(path, &p2, &ro2) || !streq(p2, path) || ro2)
			abort();
		free(p2);
		free(path);
	}
	if (!devspec_pci(line, pci) &&
	    (strlen(pci) != 12 || devspec_pci(pci, again) || !streq(pci, again)))
		abort();
	if (!devspec_usb(line, &vendor, &product) && (vendor == 0 || vendor > 0xffff ||
						      product > 0xffff))
		abort();
	if (devspec_display(line, &d) == 0 &&
	    (devspec_display(devspec_display_name(d), &d2) != 0 || d2 != d))
		abort();
}

static bool same_share(const struct share *a, const struct share *b)
{
	return streq(a->tag, b->tag) && streq(a->path, b->path) && a->readonly == b->readonly &&
	       a->security == b->security;
}

static void check_shares(const char *line)
{
	struct share_list decl = { 0 }, launch = { 0 };
	char *why = shares_parse(line, SHARE_DECLARATION, &decl);

	if (why) {
		if (decl.n)
			abort(); /* a refused value leaves the list empty */
		free(why);
	} else {
		char *all = xstrdup("");

		for (size_t i = 0; i < decl.n; i++) {
			char *item = share_launch_item(&decl.v[i]), *joined;
			struct share_list one = { 0 };

			if ((why = shares_parse(item, SHARE_LAUNCH, &one)) || one.n != 1 ||
			    !same_share(&one.v[0], &decl.v[i]))
				abort();
			joined = xasprintf("%s%s%s", all, i ? " " : "", item);
			free(all);
			all = joined;
			shares_free(&one);
			free(item);
		}
		/* "none" declares no shares: nothing to launch. */
		if (decl.n) {
			if ((why = shares_parse(all, SHARE_LAUNCH, &launch)) || launch.n != decl.n)
				abort();
			for (size_t i = 0; i < decl.n; i++)
				if (!same_share(&launch.v[i], &decl.v[i]))
					abort();
		}
		free(all);
		shares_free(&launch);
		shares_free(&decl);
	}
	why = shares_parse(line, SHARE_LAUNCH, &launch);
	if (why && launch.n)
		abort();
	free(why);
	shares_free(&launch);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size), *save = NULL;

	/* An empty line is a value too (the empty shares value). */
	if (!text[0])
		check_shares(text);
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		check_devspec(line);
		check_shares(line);
	}
	free(text);
	return 0;
}
