/* SPDX-License-Identifier: GPL-2.0-or-later */
/* src/pkg: versions, relations, stanzas, resolution and the lock. */
#include "pkg/pkg.h"
#include "shared/fsutil.h"
#include "shared/util.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static const char index_text[] =
	"Package: app\n"
	"Version: 1.0-1\n"
	"Architecture: arm64\n"
	"Depends: libfoo1 (>= 2.0), awk | mawk, debconf (>= 0.5) | debconf-2.0, python3:any\n"
	"Pre-Depends: libc6 (>= 2.36)\n"
	"Filename: pool/a/app_1.0-1_arm64.deb\n"
	"Size: 1234\n"
	"SHA256: 1111111111111111111111111111111111111111111111111111111111111111\n"
	"Description: an app\n"
	" with a long description\n"
	" .\n"
	" over lines\n"
	"\n"
	"Package: libfoo1\n"
	"Source: foo (2.1-3)\n"
	"Version: 2.1-3+b1\n"
	"Architecture: arm64\n"
	"Depends: libc6\n"
	"SHA256: 2222222222222222222222222222222222222222222222222222222222222222\n"
	"\n"
	"Package: libfoo1\n"
	"Version: 1.9-1\n"
	"Architecture: arm64\n"
	"SHA256: 3333333333333333333333333333333333333333333333333333333333333333\n"
	"\n"
	"Package: libfoo1\n"
	"Version: 2.2-1\n"
	"Architecture: amd64\n"
	"SHA256: 4444444444444444444444444444444444444444444444444444444444444444\n"
	"\n"
	"Package: libc6\n"
	"Version: 2.36-9+deb12u14\n"
	"Architecture: arm64\n"
	"SHA256: 5555555555555555555555555555555555555555555555555555555555555555\n"
	"\n"
	"Package: mawk\n"
	"Version: 1.3.4-2\n"
	"Architecture: arm64\n"
	"Provides: awk\n"
	"SHA256: 6666666666666666666666666666666666666666666666666666666666666666\n"
	"\n"
	"Package: cdebconf\n"
	"Version: 0.270\n"
	"Architecture: arm64\n"
	"Provides: debconf-2.0\n"
	"SHA256: 7777777777777777777777777777777777777777777777777777777777777777\n"
	"\n"
	"Package: python3\n"
	"Version: 3.11.2-1+b1\n"
	"Architecture: arm64\n"
	"Multi-Arch: allowed\n"
	"SHA256: 8888888888888888888888888888888888888888888888888888888888888888\n"
	"\n"
	"Package: data-files\n"
	"Version: 1:7.2+dfsg-7\n"
	"Architecture: all\n"
	"SHA256: 9999999999999999999999999999999999999999999999999999999999999999\n"
	"\n"
	"Package: broken\n"
	"Version: 1\n"
	"Architecture: arm64\n"
	"Depends: nowhere (>= 1) | nothing\n"
	"SHA256: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n";

static void versions(void)
{
	ok(deb_version_cmp("1.0", "1.0") == 0, "equal versions");
	ok(deb_version_cmp("1.0-1", "1.0-2") < 0, "revision compares");
	ok(deb_version_cmp("1:0.9", "2.0") > 0, "an epoch wins over everything");
	ok(deb_version_cmp("1.0~rc1", "1.0") < 0, "'~' sorts before the end");
	ok(deb_version_cmp("1.0~rc1", "1.0~~") > 0, "'~~' sorts before '~r'");
	ok(deb_version_cmp("1.10", "1.9") > 0, "digit runs compare as numbers");
	ok(deb_version_cmp("1.0a", "1.0+") < 0, "letters before other characters");
	ok(deb_version_cmp("1.01", "1.1") == 0, "leading zeros do not count");
	ok(deb_version_cmp("4.17.7+13-g2445b30a44-0+deb12u1", "4.17.5+72-g01140da4e8-1") > 0,
	   "Xen's security update is newer than the release");
	ok(deb_version_cmp("2.36-9+deb12u14", "2.36-9+deb12u4") > 0, "deb12u14 after deb12u4");
	ok(deb_version_satisfies("2.1-3", ">=", "2.0"), ">= satisfied");
	ok(!deb_version_satisfies("1.9", ">=", "2.0"), ">= not satisfied");
	ok(deb_version_satisfies("1.9", "<<", "2.0") && !deb_version_satisfies("2.0", "<<", "2.0"),
	   "<< is strict");
	ok(deb_version_satisfies("2.0", "=", "2.0") && !deb_version_satisfies("2.0", ">>", "2.0"),
	   "= and >>");
	ok(deb_version_satisfies("1", NULL, NULL), "no relation is always satisfied");
}

static void relations(void)
{
	struct deb_relation r;
	char *why = NULL;

	ok(deb_relation_parse("libc6 (>= 2.35), a | b:any (<< 3), c [amd64] <!nocheck>", &r, &why) == 0,
	   "a relation field parses");
	is_int(r.n, 3, "three clauses");
	is_str(r.clauses[0].alts[0].op, ">=", "operator kept");
	is_str(r.clauses[0].alts[0].version, "2.35", "version kept");
	is_int(r.clauses[1].nalts, 2, "two alternatives");
	is_str(r.clauses[1].alts[1].archq, "any", "architecture qualifier split off");
	is_str(r.clauses[1].alts[1].name, "b", "name without the qualifier");
	is_str(r.clauses[2].alts[0].name, "c", "restrictions skipped");
	deb_relation_free(&r);
	ok(deb_relation_parse("", &r, &why) == 0 && r.n == 0, "an empty field has no clauses");
	ok(deb_relation_parse(NULL, &r, &why) == 0 && r.n == 0, "no field has no clauses");
	ok(deb_relation_parse("a (>= 1", &r, &why) < 0 && why, "an unclosed '(' is an error");
	if (why)
		printf("# %s\n", why);
	free(why);
	why = NULL;
	ok(deb_relation_parse("a,,", &r, &why) < 0, "an empty clause is an error");
	free(why);
	why = NULL;
	ok(deb_relation_parse("a (~ 1)", &r, &why) < 0, "an unknown operator is an error");
	free(why);
}

static const struct deb_pkg *picked(const struct pkg_set *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (streq(s->v[i].pkg->name, name))
			return s->v[i].pkg;
	return NULL;
}

static void resolution(void)
{
	struct deb_index *ix = deb_index_new("arm64");
	struct pkg_set s;
	struct pkg_lock lock = { 0 };
	char *err = NULL;
	const char *want[] = { "app", "data-files" };
	const struct deb_pkg *p;
	size_t n;

	ok(deb_index_add_text(ix, "test-index", index_text, strlen(index_text), &err) == 0,
	   "the index parses");
	deb_index_lookup(ix, "libfoo1", &n);
	is_int(n, 2, "other architectures are dropped from the index");
	ok(pkg_resolve(ix, want, 2, NULL, NULL, &s, &err) == 0, "the closure resolves");
	if (err)
		printf("# %s\n", err);
	is_int(s.n, 7, "app, libc6, libfoo1, mawk (for awk), cdebconf (for debconf-2.0), python3, data-files");
	p = picked(&s, "libfoo1");
	is_str(p ? p->version : NULL, "2.1-3+b1", "the newest version that satisfies the relation");
	ok(picked(&s, "mawk") && picked(&s, "cdebconf"), "virtual packages resolve to providers");
	ok(picked(&s, "python3"), "':any' is the target architecture");
	is_str(s.v[0].pkg->name, "app", "the set is sorted by name");
	{
		char *src, *ver;

		deb_source_of(p, &src, &ver);
		is_str(src, "foo", "the source package name");
		is_str(ver, "2.1-3", "the source version from 'Source: foo (2.1-3)'");
		free(src);
		free(ver);
	}
	{
		char *text = pkg_set_describe(&s);

		ok(strstr(text, "libfoo1 arm64 2.1-3+b1 2222222222222222222222222222222222222222222222222222222222222222 foo 2.1-3\n") != NULL,
		   "the description names package, architecture, version, digest and source");
		free(text);
	}
	pkg_set_free(&s);

	pkg_lock_set(&lock, "libfoo1", "arm64", "1.9-1",
		     "3333333333333333333333333333333333333333333333333333333333333333");
	ok(pkg_resolve(ix, want, 1, &lock, NULL, &s, &err) == 0, "resolves with a lock");
	p = picked(&s, "libfoo1");
	is_str(p ? p->version : NULL, "1.9-1", "a locked version wins over the newest");
	pkg_set_free(&s);
	pkg_lock_free(&lock);

	pkg_lock_set(&lock, "libc6", "arm64", "2.31-1",
		     "5555555555555555555555555555555555555555555555555555555555555555");
	ok(pkg_resolve(ix, want, 1, &lock, "/nonexistent", &s, &err) < 0 && err &&
	   strstr(err, "locked at version 2.31-1") && strstr(err, "2.36-9+deb12u14") &&
	   strstr(err, "packages-update"), "a locked version nobody has is an error naming both");
	if (err)
		printf("# %s\n", err);
	free(err);
	err = NULL;
	pkg_lock_free(&lock);

	const char *bad[] = { "brokne" };
	ok(pkg_resolve(ix, bad, 1, NULL, NULL, &s, &err) < 0 && err && strstr(err, "did you mean 'broken'"),
	   "an unknown package is suggested");
	if (err)
		printf("# %s\n", err);
	free(err);
	err = NULL;
	const char *broken[] = { "broken" };
	ok(pkg_resolve(ix, broken, 1, NULL, NULL, &s, &err) < 0 && err &&
	   strstr(err, "'nowhere (>= 1) | nothing'"), "an unsatisfiable dependency is named");
	if (err)
		printf("# %s\n", err);
	free(err);
	err = NULL;
	const char *virt[] = { "awk" };
	ok(pkg_resolve(ix, virt, 1, NULL, NULL, &s, &err) < 0 && err && strstr(err, "virtual") &&
	   strstr(err, "mawk"), "a wanted virtual package names its providers");
	if (err)
		printf("# %s\n", err);
	free(err);
	err = NULL;
	const char *foreign[] = { "app:amd64" };
	ok(pkg_resolve(ix, foreign, 1, NULL, NULL, &s, &err) < 0 && err && strstr(err, "another architecture"),
	   "a package of another architecture is refused");
	if (err)
		printf("# %s\n", err);
	free(err);
	err = NULL;
	ok(deb_index_add_text(ix, "bad-index", "Package: x\nnot a field\n", 22, &err) < 0 && err &&
	   strstr(err, "bad-index:2:"), "a malformed index names file:line");
	if (err)
		printf("# %s\n", err);
	free(err);
	deb_index_free(ix);
}

static void locks(void)
{
	char dir[] = "/tmp/test-pkg-XXXXXX";
	struct pkg_lock l = { 0 }, r = { 0 };
	bool exists;
	char *err = NULL, *path, *text;
	size_t len;

	if (!mkdtemp(dir)) {
		ok(false, "mkdtemp");
		return;
	}
	path = xasprintf("%s/lock", dir);
	ok(pkg_lock_read(path, &r, &exists, &err) == 0 && !exists && r.n == 0, "a missing lock is empty");
	pkg_lock_set(&l, "zlib1g", "arm64", "1:1.2.13.dfsg-1",
		     "abababababababababababababababababababababababababababababababab");
	pkg_lock_set(&l, "busybox-static", "arm64", "1:1.35.0-4+deb12u1+b1",
		     "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd");
	ok(pkg_lock_write(path, &l, &err) == 0, "the lock is written");
	ok(read_file(path, &text, &len) == 0 && strstr(text, "busybox-static:arm64") < strstr(text, "zlib1g:arm64"),
	   "entries are sorted");
	free(text);
	ok(pkg_lock_read(path, &r, &exists, &err) == 0 && exists && r.n == 2, "and read back");
	is_str(pkg_lock_find(&r, "zlib1g", "arm64")->version, "1:1.2.13.dfsg-1", "with its version");
	pkg_lock_free(&r);
	{
		FILE *f = fopen(path, "w");

		fputs("# comment\nfoo:arm64 1.0 nothex\n", f);
		fclose(f);
	}
	ok(pkg_lock_read(path, &r, &exists, &err) < 0 && err && strstr(err, ":2: expected"),
	   "a bad line names file:line");
	if (err)
		printf("# %s\n", err);
	free(err);
	err = NULL;
	{
		FILE *f = fopen(path, "w");

		fprintf(f, "a:arm64 1 %s\na:arm64 2 %s\n", l.v[0].sha256, l.v[0].sha256);
		fclose(f);
	}
	ok(pkg_lock_read(path, &r, &exists, &err) < 0 && err && strstr(err, "locked twice"),
	   "a package locked twice is an error");
	if (err)
		printf("# %s\n", err);
	free(err);
	pkg_lock_free(&l);
	unlink(path);
	rmdir(dir);
	free(path);
}

int main(void)
{
	versions();
	relations();
	resolution();
	locks();
	return done_testing();
}
