/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The guest model: declarations, extends, carries, and every bad shape. */
#include "decl/guest.h"
#include "shared/fsutil.h"
#include "shared/util.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char dir[] = "/tmp/test-guest-XXXXXX";

__attribute__((format(printf, 1, 2))) static void note(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static void decl(const char *name, const char *text)
{
	char *path = xasprintf("%s/%s.conf", dir, name);
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
	free(path);
}

/* Resolve @roots in a fresh set; returns 0/-1, *err and the order joined. */
static int resolve(const char *const *roots, size_t n, char **order_out, char **err)
{
	const char *dirs[] = { dir };
	struct guest_set s = { .dirs = dirs, .ndirs = 1 };
	struct namelist order = { 0 };
	int r;

	*err = NULL;
	r = guest_resolve(&s, roots, n, &order, err);
	*order_out = xstrdup("");
	for (size_t i = 0; i < order.n; i++)
		strappendf(order_out, "%s%s", i ? " " : "", order.v[i]);
	namelist_free(&order);
	guest_set_free(&s);
	return r;
}

static bool err_has(const char *err, const char *part)
{
	bool yes = err && strstr(err, part);

	if (!yes)
		note("error was: %s", err ? err : "(none)");
	return yes;
}

static void test_extends(void)
{
	const char *dirs[] = { dir };
	struct guest_set s = { .dirs = dirs, .ndirs = 1 };
	struct guest *g;
	char *err = NULL;

	decl("base", "memory = 512\nvcpus = 2\nnetwork = bridge\nimage_formats = qcow2 ext4\n");
	decl("custom", "extends = base\nmemory = 1024\ninstall_name = custom-vm.qcow2\n");
	g = guest_get(&s, "custom", &err);
	ok(g != NULL, "a guest that extends another loads");
	if (!g) {
		note("%s", err);
		return;
	}
	is_int(g->memory, 1024, "the child's memory wins");
	is_int(g->vcpus, 2, "vcpus come from the base");
	is_int(g->network, GUEST_NET_BRIDGE, "network comes from the base");
	is_str(g->formats.v[0], "qcow2", "formats come from the base, first is staged");
	is_str(g->install_name, "custom-vm.qcow2", "install_name");
	is_int(g->nchain, 2, "both declarations are make dependencies");
	guest_set_free(&s);

	g = guest_get(&s, "nodecl", &err);
	ok(g && g->memory == GUEST_DEFAULT_MEMORY && g->kernel == GUEST_KERNEL_OWN,
	   "a guest without a declaration gets the defaults");
	guest_set_free(&s);
}

static void test_bad(void)
{
	const char *dirs[] = { dir };
	struct guest_set s = { .dirs = dirs, .ndirs = 1 };
	char *err = NULL, *order = NULL;
	const char *two[] = { "dup", "dup" };
	const char *ab[] = { "ca" };
	const char *both[] = { "c1", "c2" };
	const char *listed[] = { "c1", "leaf" };

	decl("e1", "extends = e2\n");
	decl("e2", "extends = e1\n");
	ok(!guest_get(&s, "e1", &err) && err_has(err, "cycle"), "an extends cycle is refused");
	free(err);
	err = NULL;
	ok(!guest_get(&s, "../etc", &err) && err_has(err, ".."), "'..' in a name is refused");
	free(err);
	err = NULL;
	ok(!guest_get(&s, "", &err) && err_has(err, "empty"), "an empty name is refused");
	free(err);
	err = NULL;
	ok(!guest_get(&s, "a b", &err) && err_has(err, "letters"), "a space in a name is refused");
	free(err);
	err = NULL;
	decl("typo", "memroy = 5\n");
	ok(!guest_get(&s, "typo", &err) && err_has(err, "typo.conf:1:") &&
	   err_has(err, "did you mean 'memory'"), "a mistyped key names file:line and the key");
	free(err);
	err = NULL;
	decl("badcarry", "carries = ok ../x\n");
	ok(!guest_get(&s, "badcarry", &err) && err_has(err, "badcarry.conf:1:"),
	   "a bad carried name names file:line");
	free(err);
	guest_set_free(&s);

	ok(resolve(two, 2, &order, &err) < 0 && err_has(err, "twice"), "a duplicate is refused");
	free(order);
	free(err);

	decl("ca", "carries = cb\n");
	decl("cb", "carries = ca\n");
	ok(resolve(ab, 1, &order, &err) < 0 && err_has(err, "ca carries cb carries ca"),
	   "a carries cycle is refused and spelled out");
	free(order);
	free(err);

	decl("c1", "carries = leaf\n");
	decl("c2", "carries = leaf\n");
	ok(resolve(both, 2, &order, &err) < 0 && err_has(err, "carried by both"),
	   "a guest carried by two carriers is refused");
	free(order);
	free(err);
	ok(resolve(listed, 2, &order, &err) < 0 && err_has(err, "list only 'c1'"),
	   "a carried guest listed beside its carrier is refused");
	free(order);
	free(err);
}

/* Values checked for their meaning on the target, each with file:line. */
static void test_meaning(void)
{
	static const struct {
		const char *name, *text, *want;
	} bad[] = {
		{ "h1", "hostname = -web\n", "hostname '-web' is not a host name: a label starts with '-' (RFC 1123)" },
		{ "h2", "hostname = web-\n", "a label ends with '-'" },
		{ "h3", "hostname = a..b\n", "it has an empty label" },
		{ "h4", "hostname = web_1\n", "only letters, digits, '-' and '.' may be in a host name" },
		{ "h5", "hostname = aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
		  "a label is longer than 63 characters" },
		{ "h6", "hostname = 'a;reboot'\n", "only letters, digits" },
		{ "m1", "memory = 8\n", "memory = 8 MiB is outside what a guest can be given (32 to 4194304 MiB" },
		{ "m2", "memory = 99999999\n", "memory = 99999999 MiB is outside" },
		{ "v1", "vcpus = 5000\n", "vcpus = 5000 is more than a guest can be given (288" },
		{ "c1", "cmdline = console=ttyS0 x=\"a'b\"\n", "cmdline: it holds both ' and \" (use one kind of quote)" },
	};
	const char *dirs[] = { dir };
	struct guest_set s = { .dirs = dirs, .ndirs = 1 };
	char *err = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		char *at = xasprintf("%s.conf:1:", bad[i].name);

		decl(bad[i].name, bad[i].text);
		ok(!guest_get(&s, bad[i].name, &err) && err_has(err, at) && err_has(err, bad[i].want),
		   "%s is refused: %s", bad[i].name, bad[i].want);
		free(err);
		err = NULL;
		free(at);
	}
	decl("fine", "hostname = web-1.example.org\nmemory = 32\nvcpus = 288\n"
		     "cmdline = console=ttyS0 root=/dev/vda quiet\n");
	ok(guest_get(&s, "fine", &err) != NULL, "sensible values are taken");
	free(err);
	guest_set_free(&s);
	ok(hostname_problem("localhost") == NULL && hostname_problem("") != NULL, "hostname_problem");
}

static void test_order(void)
{
	const char *roots[] = { "top", "g2" };
	char *err = NULL, *order = NULL;

	decl("top", "carries = mid\n");
	decl("mid", "carries = low\n");
	decl("low", "memory = 64\n");
	decl("g2", "memory = 64\n");
	ok(resolve(roots, 2, &order, &err) == 0, "two levels of nesting resolve");
	is_str(order, "low mid top g2", "carried guests come before their carriers");
	free(order);
	free(err);
}

/* shares and entropy: defaults, extends (the child's value replaces the
 * base's, 'none' clears it), and an error with its file:line. */
static void test_shares(void)
{
	const char *dirs[] = { dir };
	struct guest_set s = { .dirs = dirs, .ndirs = 1 };
	struct guest *g;
	char *err = NULL, *want;

	decl("sbase", "shares = a=/srv/a b=/srv/b,ro\n");
	decl("schild", "extends = sbase\nshares = c=/srv/c,mount=none\nentropy = no\n");
	decl("snone", "extends = sbase\nshares = none\n");
	decl("snone2", "extends = sbase\nshares = \" none\t\"\n");
	decl("dbase", "disks = /dev/sdb\nfeatures = f1\ncarries = low\n");
	decl("dnone", "extends = dbase\ndisks = \"none \"\nfeatures = none\ncarries = none\n");
	decl("sbad", "memory = 128\nshares = a=/srv/a \\\n  a=/srv/b\n");
	g = guest_get(&s, "sbase", &err);
	ok(g && g->shares.n == 2 && g->entropy, "two shares; entropy on by default");
	if (g && g->shares.n == 2)
		ok(g->shares.v[1].readonly && streq(g->shares.v[1].mount, "/mnt/b"), "ro, mount /mnt/TAG");
	g = guest_get(&s, "schild", &err);
	ok(g && g->shares.n == 1 && streq(g->shares.v[0].tag, "c") && !g->shares.v[0].mount && !g->entropy,
	   "the child's shares replace the base's; entropy = no");
	g = guest_get(&s, "snone", &err);
	ok(g && g->shares.n == 0, "shares = none clears what the base shares");
	g = guest_get(&s, "snone2", &err);
	ok(g && g->shares.n == 0, "shares = \" none\\t\" (blanks around it) is none, not a share named none");
	g = guest_get(&s, "dnone", &err);
	ok(g && g->disks.n == 0 && g->host_disks.n == 0 && g->features.n == 0 && g->carries.n == 0,
	   "none is the empty list of disks, features and carries too (the base's are undone)");
	if (!g)
		note("error was: %s", err ? err : "(none)");
	ok(guest_get(&s, "sbad", &err) == NULL, "a duplicate tag is refused");
	want = xasprintf("%s/sbad.conf:2: share 'a=/srv/b': tag 'a' is used twice", dir);
	ok(err_has(err, want), "with file:line and the item");
	free(want);
	free(err);
	guest_set_free(&s);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	test_extends();
	test_bad();
	test_meaning();
	test_order();
	test_shares();
	if (remove_tree(dir) < 0)
		note("cannot remove %s", dir);
	return done_testing();
}
