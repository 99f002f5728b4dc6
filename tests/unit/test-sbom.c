/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The small pieces under the SBOM, the build statistics and the deploy
 * names: JSON strings, the string map, SPDX ids, archive entry names, a
 * kernel's release, build records, and kbuild's object count. */
#include "buildstats/buildstats.h"
#include "deploy/deploy.h"
#include "sbom/sbom.h"
#include "shared/fsutil.h"
#include "shared/json.h"
#include "shared/strbuf.h"
#include "shared/strmap.h"
#include "shared/util.h"
#include "tap.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char *json_of(const char *s)
{
	struct strbuf b = { 0 };

	json_string(&b, s);
	return strbuf_take(&b);
}

static void test_json(void)
{
	char *j;

	is_str(j = json_of("plain"), "\"plain\"", "a plain string");
	free(j);
	is_str(j = json_of("a\"b\\c\n\x01"), "\"a\\\"b\\\\c\\u000a\\u0001\"", "quotes, backslashes, control characters");
	free(j);
	is_str(j = json_of("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xa7"), "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xa7\"",
	       "UTF-8 of two, three and four bytes is kept");
	free(j);
	is_str(j = json_of("bad\xff\xc3("), "\"bad\\u00ff\\u00c3(\"", "bytes that are not UTF-8 become \\u00XX");
	free(j);
	is_str(j = json_of("\xc0\xaf\xed\xa0\x80"), "\"\\u00c0\\u00af\\u00ed\\u00a0\\u0080\"",
	       "overlong forms and surrogates are not UTF-8");
	free(j);
	is_str(j = json_of("\xe2\x82"), "\"\\u00e2\\u0082\"", "a sequence cut by the end of the string");
	free(j);
}

static void test_strmap(void)
{
	struct strmap m = { 0 };
	bool all = true;

	ok(strmap_get(&m, "x") == NULL, "an empty map has nothing");
	for (uintptr_t i = 1; i <= 20000; i++) {
		char key[32];

		snprintf(key, sizeof(key), "/usr/lib/%lu", (unsigned long)i);
		strmap_put(&m, key, (void *)i);
	}
	for (uintptr_t i = 1; i <= 20000 && all; i++) {
		char key[32];

		snprintf(key, sizeof(key), "/usr/lib/%lu", (unsigned long)i);
		all = strmap_get(&m, key) == (void *)i;
	}
	ok(all && m.n == 20000, "20000 keys through several growths");
	strmap_put(&m, "/usr/lib/7", (void *)1);
	ok(strmap_get(&m, "/usr/lib/7") == (void *)1 && m.n == 20000, "a key set again is replaced, not added");
	ok(strmap_get(&m, "/usr/lib/0") == NULL, "a missing key");
	strmap_free(&m);
}

static void test_ids_and_paths(void)
{
	char *a = sbom_id("SPDXRef-File-", "usr/lib/libc.so.6"), *b = sbom_id("SPDXRef-File-", "usr-lib/libc.so.6");
	char *c = sbom_id("SPDXRef-Package-deb-", "busybox-static-amd64"), *e = NULL, *p;

	ok(strspn(a + 13, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") == strlen(a + 13),
	   "an SPDX id holds only letters, digits, '.' and '-'");
	ok(!streq(a, b), "names that sanitise alike stay distinct (%s, %s)", a, b);
	is_str(c, "SPDXRef-Package-deb-busybox-static-amd64", "a name that needs nothing keeps its text");
	free(a);
	free(b);
	free(c);
	is_str(p = img_entry_path("x.cpio", "./usr//bin/./sh", &e), "/usr/bin/sh", "archive names are normalised");
	free(p);
	is_str(p = img_entry_path("x.cpio", ".", &e), "/", "the archive's root");
	free(p);
	ok(img_entry_path("x.cpio", "usr/../../etc/passwd", &e) == NULL && e && strstr(e, "leaves the archive's root"),
	   "'..' is refused, naming the archive");
	free(e);
	is_str(path_below("/r/a/b", "/r"), "a/b", "path_below");
	is_str(path_below("/r/a/b", "/r/"), "a/b", "path_below: a root with a slash");
	ok(path_below("/ra/b", "/r") == NULL && path_below("/r", "/r") == NULL, "path_below: not below");
}

static char *write_tmp(const char *text)
{
	char *path = xstrdup("/tmp/vmb-test-XXXXXX");
	int fd = mkstemp(path);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		abort();
	close(fd);
	return path;
}

static void test_kernel_release(void)
{
	char *p = write_tmp("#\n# Linux/x86 6.1.192 Kernel Configuration\n#\nCONFIG_LOCALVERSION=\"-kvm-guest1\"\n"), *e = NULL, *r;

	is_str(r = deploy_kernel_release(p, &e), "6.1.192-kvm-guest1", "release: version and LOCALVERSION");
	free(r);
	unlink(p);
	free(p);
	p = write_tmp("# Linux/arm64 6.1.0 Kernel Configuration\nCONFIG_LOCALVERSION=\"\"\n");
	is_str(r = deploy_kernel_release(p, &e), "6.1.0", "an empty LOCALVERSION");
	free(r);
	unlink(p);
	free(p);
	p = write_tmp("CONFIG_X=y\n");
	ok(deploy_kernel_release(p, &e) == NULL && strstr(e, "is it a kernel .config?"), "no version line: an error");
	free(e);
	unlink(p);
	free(p);
}

static void test_records(void)
{
	struct step_record r = { 0 };
	char *e = NULL;

	ok(buildstats_parse("r", "Step: BZIMAGE\nName: host (1 guest)\nStarted: 10.5\nEnded: 12\nutime: 1.25\n"
			    "Units: 812 objects\nFresh: yes\nFuture key: ignored\nStatus: FAILED: why\n", &r, &e) == 0,
	   "a record parses");
	ok(streq(r.label, "BZIMAGE") && streq(r.name, "host (1 guest)") && r.start == 10.5 && r.end == 12 &&
	   r.utime == 1.25 && r.units == 812 && streq(r.unit, "objects") && r.fresh && !step_record_passed(&r),
	   "every field, and unknown keys are ignored");
	step_record_free(&r);
	ok(buildstats_parse("r", "Step: X\nName: y\nStarted: 1\n", &r, &e) < 0 && strstr(e, "needs Step, Name, Started"),
	   "a record without Ended");
	free(e);
	e = NULL;
	ok(buildstats_parse("r", "Step: X\nName: y\nStarted: 1\nEnded: 2\nutime: lots\n", &r, &e) < 0 &&
	   streq(e, "r:5: utime: 'lots' is not a number"), "a bad number names file:line");
	free(e);
	e = NULL;
	ok(buildstats_parse("r", "Step: X\nName: y\nStarted: 1\nEnded: 2\n", &r, &e) == 0 && step_record_passed(&r),
	   "no Status: passed");
	step_record_free(&r);
	char *n = buildstats_file_name("STAGE", "host (1 guest)/../x");

	is_str(n, "STAGE.host__1_guest__.._x", "a record's file name keeps to [A-Za-z0-9._+-]");
	free(n);
}

static void test_kbuild_count(void)
{
	static const char out[] = "  CC      init/main.o\n  CC [M]  arch/x86/kvm/x86.o\n  AS      a/entry.o\n"
				  "  HOSTCC  scripts/fixdep\n  LD      vmlinux.o\n  CC      kernel/bounds.s\n"
				  "  CC      a b.o\n  CCX     x.o\n  CC      very/long/path/that/goes/on/and/on/"
				  "and/on/past/the/sixty-four/bytes/kept/file.o\n  CC      last.o";
	struct progress *p = progress_start(NULL, "BZIMAGE", "k", "kbuild", -1, false);

	/* Fed a byte at a time: lines are counted whatever the chunks. */
	for (size_t i = 0; i < sizeof(out) - 1; i++)
		progress_feed(p, out + i, 1);
	is_int(progress_units(p), 3, "kbuild: CC, CC [M] and AS objects; no HOSTCC, LD, .s, or unfinished line");
	progress_feed(p, "\n", 1);
	is_int(progress_units(p), 4, "the last line counts once it ends");
	progress_end(p);
	p = progress_start(NULL, "EXTRACT", "src", "lines", -1, false);
	progress_feed(p, "a\nb\nc", 5);
	is_int(progress_units(p), 2, "lines: every finished line");
	progress_end(p);
	char *cfg = write_tmp("CONFIG_A=y\nCONFIG_B=m\n# CONFIG_C is not set\nCONFIG_D=\"y\"\nCONFIG_E=y\n");

	is_int(progress_estimate_kbuild(cfg), 3 * 180 / 100, "the estimate: objects per enabled option");
	unlink(cfg);
	free(cfg);
}

int main(void)
{
	test_json();
	test_strmap();
	test_ids_and_paths();
	test_kernel_release();
	test_records();
	test_kbuild_count();
	return done_testing();
}
