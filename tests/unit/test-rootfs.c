/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for src/rootfs: the ELF closure, the ld.so.conf reader, the
 * declaration loader's line numbers, and the small parsers. */
#include "rootfs/rootfs.h"
#include "shared/fsutil.h"
#include "shared/util.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char scratch[] = "/tmp/test-rootfs-XXXXXX";

static void put(const char *rel, const char *text)
{
	char *path = xasprintf("%s/%s", scratch, rel), *dir = xstrdup(path);
	FILE *f;

	*strrchr(dir, '/') = '\0';
	mkdir_p(dir, 0755);
	f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
	free(dir);
	free(path);
}

static bool has(char **v, size_t n, const char *suffix)
{
	for (size_t i = 0; i < n; i++)
		if (endswith(v[i], suffix))
			return true;
	return false;
}

static void test_needs(const char *self)
{
	struct elf_needs n;
	char *err = NULL, *script = xasprintf("%s/script", scratch);

	ok(elf_read_needs(self, &n, &err) == 0 && n.is_elf, "this test program is ELF");
	is_str(n.interp, "/lib64/ld-linux-x86-64.so.2", "its interpreter is read from PT_INTERP");
	ok(strlist_has(n.needed, n.nneeded, "libc.so.6"), "it needs libc.so.6 (DT_NEEDED)");
	elf_needs_free(&n);

	if (access("/bin/busybox", R_OK) == 0) {
		ok(elf_read_needs("/bin/busybox", &n, &err) == 0 && n.is_elf && !n.interp &&
			   n.nneeded == 0,
		   "the static busybox needs nothing");
		elf_needs_free(&n);
	} else {
		ok(true, "# SKIP no /bin/busybox");
	}

	put("script", "#!/bin/sh\necho hi\n");
	ok(elf_read_needs(script, &n, &err) == 0 && !n.is_elf && n.nneeded == 0,
	   "a script is not ELF, and that is no error");
	elf_needs_free(&n);
	free(script);
}

static void test_closure(const char *self)
{
	const char *paths[] = { self };
	char **out = NULL, *err = NULL, **dirs, *empty = xasprintf("%s/empty", scratch);
	const char *nodirs[] = { empty };
	size_t nout = 0, ndirs;
	int r;

	dirs = elf_default_libdirs("", &ndirs);
	r = elf_closure("", paths, 1, NULL, 0, (const char *const *)dirs, ndirs, &out, &nout, &err);
	ok(r == 0, "the closure of this program resolves");
	ok(has(out, nout, "/libc.so.6"), "it holds libc.so.6");
	ok(strlist_has(out, nout, "/lib64/ld-linux-x86-64.so.2"),
	   "it holds the interpreter by its literal path");
	ok(strlist_has(out, nout, self), "it holds the program itself");
	ok(nout >= 3 && strcmp(out[0], out[1]) < 0, "it is sorted");
	strlist_free(out, nout);

	mkdir_p(empty, 0755);
	out = NULL;
	nout = 0;
	r = elf_closure("", paths, 1, NULL, 0, nodirs, 1, &out, &nout, &err);
	ok(r < 0 && err && strstr(err, " needs library '") && strstr(err, empty),
	   "a missing library is an error naming it and where it was looked for");
	free(err);
	err = NULL;

	{
		const char *libs[] = { "libnot-there.so.9" };

		r = elf_closure("", NULL, 0, libs, 1, (const char *const *)dirs, ndirs, &out, &nout, &err);
		ok(r < 0 && err && strstr(err, "'libnot-there.so.9'"), "an unknown soname is an error");
		free(err);
	}
	strlist_free(dirs, ndirs);
	free(empty);
}

static void test_ldso_conf(void)
{
	char **dirs;
	size_t n;

	put("root/etc/ld.so.conf", "include /etc/ld.so.conf.d/*.conf\n/opt/a   # a comment\n\n");
	put("root/etc/ld.so.conf.d/b.conf", "# only a comment\n/opt/b\n");
	{
		char *root = xasprintf("%s/root", scratch);

		dirs = elf_default_libdirs(root, &n);
		free(root);
	}
	ok(n >= 3 && streq(dirs[0], "/opt/b") && streq(dirs[1], "/opt/a"),
	   "ld.so.conf: included files first where the include stands, comments dropped");
	ok(streq(dirs[2], "/lib/x86_64-linux-gnu"), "then the multiarch defaults");
	strlist_free(dirs, n);
}

static void test_specs(void)
{
	char *src = NULL, *dest = NULL, *why = NULL;
	int mode;

	ok(import_dest_ok("/usr/bin/x") && !import_dest_ok("usr/bin") && !import_dest_ok("/a/../b") &&
		   !import_dest_ok("/a/./b") && import_dest_ok("/a/..b"),
	   "in-tree paths: absolute, no '.' or '..' components");
	ok(files_parse_spec("data/motd:/etc/motd:0600", &src, &dest, &mode, &why) == 0 &&
		   streq(src, "data/motd") && streq(dest, "/etc/motd") && mode == 0600,
	   "SRC:DEST:MODE");
	free(src);
	free(dest);
	ok(files_parse_spec("/usr/share/qemu/kvmvapic.bin", &src, &dest, &mode, &why) == 0 &&
		   streq(dest, "/usr/share/qemu/kvmvapic.bin") && mode == -1,
	   "an absolute SRC alone lands at the same path");
	free(src);
	free(dest);
	ok(files_parse_spec("motd", &src, &dest, &mode, &why) < 0 && strstr(why, "needs a DEST"),
	   "a relative SRC alone is refused");
	free(why);
	ok(files_parse_spec("a:/etc/../x", &src, &dest, &mode, &why) < 0 && strstr(why, "'..'"),
	   "'..' in DEST is refused");
	free(why);
	ok(files_parse_spec("a:/x:0999", &src, &dest, &mode, &why) < 0 && strstr(why, "octal"),
	   "a MODE that is not octal is refused");
	free(why);
}

static void test_decl_lines(void)
{
	struct rootfs_plan p = { 0 };
	struct rootfs_search s = { 0 };
	char *err = NULL, *dir = xasprintf("%s/templates", scratch);

	put("templates/feature/t/template.conf",
	    "description = t\nprograms = one two\n# three\nprograms += three\n"
	    "fstab = a /b 9p trans=virtio 0 0\nfstab += tmpfs /c tmpfs defaults\n");
	strlist_push(&s.dirs, &s.n, dir);
	ok(rootfs_load_template(&p, &s, "feature/t", NULL, 0, &err) == 0, "a template loads");
	ok(p.programs.n == 3 && p.programs.v[0].line == 2 && p.programs.v[1].line == 2 &&
		   p.programs.v[2].line == 4,
	   "each program keeps the line it was written on (+= included, comments skipped)");
	ok(p.fstab.n == 2 && streq(p.fstab.v[1].value, "tmpfs /c tmpfs defaults") &&
		   p.fstab.v[1].line == 6,
	   "fstab += adds a whole line");
	ok(rootfs_load_template(&p, &s, "feature/t", NULL, 0, &err) == 0 && p.programs.n == 3,
	   "a template loaded twice adds nothing twice");
	ok(rootfs_load_template(&p, &s, "feature/../x", "f.conf", 7, &err) < 0 &&
		   strstr(err, "f.conf:7: unknown template"),
	   "a template name with '..' is unknown, reported where it was named");
	free(err);
	rootfs_plan_free(&p);
	strlist_free(s.dirs, s.n);
	free(dir);
}

static void test_users(void)
{
	struct rootfs_plan p = { 0 };
	char *tree = xasprintf("%s/tree", scratch), *perms = NULL, *err = NULL, *passwd = NULL;
	char *path = xasprintf("%s/etc/passwd", tree);
	size_t len;

	mkdir_p(tree, 0755);
	rootfs_items_add(&p.users, "alice:1000:1000:/home/alice:/bin/sh", "g.conf", 3, ".");
	rootfs_items_add(&p.groups, "staff:50:alice", "g.conf", 4, ".");
	ok(users_write(tree, &p, &perms, &err) == 0, "accounts are written");
	ok(read_file(path, &passwd, &len) == 0 && strstr(passwd, "root:x:0:0:root:/root:/bin/sh\n") &&
		   strstr(passwd, "alice:x:1000:1000:alice:/home/alice:/bin/sh\n"),
	   "passwd has root and the declared user");
	ok(perms && strstr(perms, "/home/alice d 700 1000 1000") && strstr(perms, "/etc/shadow f 600"),
	   "home and shadow get their owners and modes through the table");
	free(passwd);
	free(perms);
	perms = NULL;
	rootfs_items_add(&p.users, "bob:1000:1000:/home/bob:/bin/sh", "g.conf", 9, ".");
	ok(users_write(tree, &p, &perms, &err) < 0 &&
		   strstr(err, "g.conf:9: user 'bob' has id 1000, which user 'alice' already has"),
	   "two users with one id is an error at file:line");
	free(err);
	free(perms);
	rootfs_plan_free(&p);
	free(tree);
	free(path);
}

static void test_import(void)
{
	char *tree = xasprintf("%s/t2", scratch), *lnk = xasprintf("%s/h/lib.so.1", scratch);
	char *in_tree = xasprintf("%s%s", tree, lnk), *real = xasprintf("%s%s/h/lib.so.1.2", tree, scratch);
	char *err = NULL, buf[64] = "";
	ssize_t n;

	mkdir_p(tree, 0755);
	put("h/lib.so.1.2", "library\n");
	n = symlink("lib.so.1.2", lnk);
	ok(n == 0 && import_path(tree, lnk, lnk, true, -1, &err) == 0, "a symlinked library imports");
	n = readlink(in_tree, buf, sizeof(buf) - 1);
	ok(n > 0 && streq(buf, "lib.so.1.2"), "the symlink is reproduced with its own target");
	ok(access(real, F_OK) == 0, "and its target is imported beside it");
	free(real);
	real = xasprintf("%s/escape", tree);
	ok(symlink("/", real) == 0 &&
		   import_mkdir(tree, "/escape/sub", &err) < 0 && strstr(err, "'/escape' is a symlink"),
	   "directories are never made through a symlink in the tree");
	free(err);
	free(tree);
	free(lnk);
	free(in_tree);
	free(real);
}

int main(int argc, char **argv)
{
	(void)argc;
	if (!mkdtemp(scratch)) {
		perror("mkdtemp");
		return 1;
	}
	test_needs(argv[0]);
	test_closure(argv[0]);
	test_ldso_conf();
	test_specs();
	test_decl_lines();
	test_users();
	test_import();
	if (remove_tree(scratch) < 0)
		fprintf(stderr, "could not remove %s\n", scratch);
	return done_testing();
}
