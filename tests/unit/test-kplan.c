/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A kernel's content key and build directory (src/kernel/kplan.h), without
 * the command line: the key must not depend on where the tree or the
 * source is, must change with the compiler, and must fail saying why. */
#include "kernel/kplan.h"
#include "shared/fsutil.h"
#include "shared/util.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char top[] = "/tmp/test-kplan-XXXXXX";

static char *path(const char *rel) { return xasprintf("%s/%s", top, rel); }

static void write_text(const char *rel, const char *text, mode_t mode)
{
	char *p = path(rel);
	FILE *f = fopen(p, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
	chmod(p, mode);
	free(p);
}

static int key_of(const char *dir, const char *source, const char *cc, const char *merged,
		  char key[SHA256_HEX_LEN + 1], char **err)
{
	char *d = path(dir), *s = path(source), *c = path(cc);
	struct kplan_key_in in = { .dir = d, .arch = "x86", .image = "bzImage", .mode = "alldefconfig",
				   .patchset = "", .merged = merged, .source = s, .cc = c };
	int r = kplan_key(&in, key, err);

	free(d);
	free(s);
	free(c);
	return r;
}

int main(void)
{
	char k1[SHA256_HEX_LEN + 1], k2[SHA256_HEX_LEN + 1], k3[SHA256_HEX_LEN + 1];
	char *err = NULL, *p, *q;

	if (!mkdtemp(top))
		return 1;
	p = path("a");
	mkdir(p, 0755);
	free(p);
	p = path("b");
	mkdir(p, 0755);
	free(p);
	write_text("a/linux.tar.xz", "not really a tarball, but bytes to digest\n", 0644);
	write_text("b/linux-copy.tar.xz", "not really a tarball, but bytes to digest\n", 0644);
	write_text("gcc-12", "#!/bin/sh\necho 'gcc (Debian 12.2.0-14) 12.2.0'\n", 0755);
	write_text("gcc-13", "#!/bin/sh\necho 'gcc (Debian 13.1.0-1) 13.1.0'\n", 0755);
	write_text("gcc-broken", "#!/bin/sh\nexit 3\n", 0755);

	ok(key_of("a/kernels", "a/linux.tar.xz", "gcc-12", "CONFIG_A=y\n", k1, &err) == 0,
	   "a key for a tarball source");
	is_int((int)strlen(k1), KPLAN_KEY_LEN, "it has 80 bits");
	ok(key_of("b/elsewhere/kernels", "b/linux-copy.tar.xz", "gcc-12", "CONFIG_A=y\n", k2, &err) == 0 &&
		   streq(k1, k2),
	   "the same tarball at another path, planned in another tree: the same key");
	ok(key_of("a/kernels", "a/linux.tar.xz", "gcc-12", "CONFIG_A=y\n", k2, &err) == 0 && streq(k1, k2),
	   "planned again from the cached source digest: the same key");
	p = path("a/kernels/source-digest");
	ok(access(p, F_OK) == 0, "the source digest is cached in the kernels directory");
	free(p);
	ok(key_of("a/kernels", "a/linux.tar.xz", "gcc-13", "CONFIG_A=y\n", k3, &err) == 0 && !streq(k1, k3),
	   "another compiler version: another key");
	ok(key_of("a/kernels", "a/linux.tar.xz", "gcc-12", "CONFIG_A=m\n", k3, &err) == 0 && !streq(k1, k3),
	   "another configuration: another key");

	ok(key_of("a/kernels", "a/missing.tar.xz", "gcc-12", "", k3, &err) < 0 && err &&
		   strstr(err, "missing.tar.xz") && strstr(err, "re-run configure"),
	   "a missing source fails naming it");
	free(err);
	err = NULL;
	p = path("tree");
	mkdir(p, 0755);
	free(p);
	ok(key_of("a/kernels", "tree", "gcc-12", "", k3, &err) < 0 && err && strstr(err, "no Makefile"),
	   "a source tree without a Makefile is not a kernel tree");
	free(err);
	err = NULL;
	ok(key_of("a/kernels", "a/linux.tar.xz", "gcc-broken", "", k3, &err) < 0 && err && strstr(err, "gcc-broken"),
	   "a compiler that fails --version fails the key, naming it");
	free(err);
	err = NULL;

	/* Build directories: DIR/obj/KEY links to DIR/build/NAME. */
	p = path("k");
	ok(kplan_link_build_dir(p, "guest1", "1111", &err) == 0, "a first key gets the name's build directory");
	q = kplan_build_dir_of(p, "1111");
	is_str(q, "build/guest1", "the key's build directory is the name's");
	free(q);
	ok(kplan_link_build_dir(p, "guest1", "2222", &err) == 0, "a changed configuration: a new key");
	q = kplan_build_dir_of(p, "2222");
	is_str(q, "build/guest1", "it keeps the same directory, so kbuild rebuilds only what changed");
	free(q);
	q = xasprintf("%s/obj/1111", p);
	ok(access(q, F_OK) < 0, "and the old key's link is gone");
	free(q);
	q = kplan_build_dir_of(p, "3333");
	is_str(q, "obj/3333", "a key without a link is its own directory");
	free(q);

	write_text("k/guest1/key.mk", "", 0644);
	q = xasprintf("%s/guest1", p);
	mkdir(q, 0755);
	free(q);
	write_text("k/guest1/key.mk", "# Generated\nVMB_KEY_guest1 := 2222\nVMB_KMODE_2222 := x\n", 0644);
	q = kplan_previous_key(p, "guest1");
	is_str(q, "2222", "the previous key is read back from key.mk");
	free(q);
	is_str(kplan_previous_key(p, "nobody"), NULL, "a kernel never planned has none");
	free(p);

	ok(remove_tree(top) == 0, "the scratch directory goes");
	return done_testing();
}
