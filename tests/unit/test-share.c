/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The shares parser (src/decl/share.c): both syntaxes, defaults, and every bad
 * input class, each with the words of its message. */
#include "decl/share.h"
#include "shared/util.h"
#include "tap.h"

#include <stdlib.h>

static void test_declaration(void)
{
	struct share_list l = { 0 };
	char *why = shares_parse("shared=/srv/shares data=/var/data,ro,mount=/data,security=mapped-xattr "
				 "logs=/var/log/g,mount=none,rw",
				 SHARE_DECLARATION, &l);
	char *item;

	ok(why == NULL, "three shares parse (%s)", why ? why : "");
	if (why || l.n != 3) {
		free(why);
		shares_free(&l);
		return;
	}
	is_str(l.v[0].tag, "shared", "tag");
	is_str(l.v[0].path, "/srv/shares", "host path");
	is_str(l.v[0].mount, "/mnt/shared", "default mount point /mnt/TAG");
	ok(!l.v[0].readonly, "read-write by default");
	is_int(l.v[0].security, SHARE_SECURITY_NONE, "security none by default");
	ok(l.v[1].readonly && streq(l.v[1].mount, "/data"), "ro and mount=");
	is_str(share_security_name(l.v[1].security), "mapped-xattr", "security=");
	ok(l.v[2].mount == NULL && !l.v[2].readonly, "mount=none: not mounted; rw accepted");
	item = share_launch_item(&l.v[1]);
	is_str(item, "data=/var/data,ro,security=mapped-xattr", "launch item: no mount=, security always");
	free(item);
	item = share_launch_item(&l.v[0]);
	is_str(item, "shared=/srv/shares,security=none", "launch item of a read-write share");
	free(item);
	shares_free(&l);

	ok(shares_parse("none", SHARE_DECLARATION, &l) == NULL && l.n == 0, "'none' is no shares");
	ok(shares_parse("none", SHARE_LAUNCH, &l) == NULL && l.n == 0,
	   "'none' is no shares in a launch configuration too");
}

static void test_launch(void)
{
	struct share_list l = { 0 };
	char *why = shares_parse("a=/x,ro,security=passthrough b=/y,security=mapped-file", SHARE_LAUNCH, &l);

	ok(why == NULL && l.n == 2, "launch syntax parses");
	if (l.n == 2) {
		ok(l.v[0].readonly && l.v[0].mount == NULL, "no mount point in the launch syntax");
		is_int(l.v[1].security, SHARE_SECURITY_MAPPED_FILE, "mapped-file");
	}
	free(why);
	shares_free(&l);
}

static void refused(const char *value, enum share_syntax syn, const char *want, const char *what)
{
	struct share_list l = { 0 };
	char *why = shares_parse(value, syn, &l);

	if (ok(why != NULL, "refused: %s", what))
		ok(strstr(why, want) != NULL, "its message says '%s': %s", want, why);
	ok(l.n == 0 && l.v == NULL, "nothing is left in the list");
	free(why);
	shares_free(&l);
}

static void test_errors(void)
{
	const enum share_syntax D = SHARE_DECLARATION, L = SHARE_LAUNCH;

	refused("", D, "shares is empty", "an empty value");
	refused("shared", D, "share 'shared': no '='", "no '='");
	refused("=/srv", D, "the tag before '=' is empty", "an empty tag");
	refused("abcdefghijklmnopqrstuvwxyz012345=/srv", D, "longer than 31 characters", "a 32-character tag");
	refused("a:b=/srv", D, "letters, digits, '_', '.' and '-' only", "a tag with ':'");
	refused("..=/srv", D, "the tag cannot be '.' or '..'", "the tag '..'");
	refused("t=/srv/a,b/c", D, "unknown option 'b/c' (known: ro, rw, mount=GUEST_DIR|none, security=none|"
		"mapped-xattr|mapped-file|passthrough); a path cannot contain ','", "a ',' in the host path");
	refused("t=", D, "host path '' is empty", "an empty host path");
	refused("t=srv/x", D, "is not absolute", "a relative host path");
	refused("t=/", D, "the whole root directory", "the root directory");
	refused("t=/srv/../etc", D, "contains '.' or '..'", "'..' in the host path");
	refused("t=/srv/.", D, "contains '.' or '..'", "a trailing '.'");
	refused("t=/srv//x", D, "not normalised", "'//'");
	refused("t=/srv/x/", D, "not normalised", "a trailing '/'");
	refused("t=/srv/x\001", D, "blank or control character", "a control character");
	refused("t=/srv,ro,", D, "an empty option (a ',' too many)", "a trailing ','");
	refused("t=/srv,", D, "an empty option (a ',' too many)", "a ',' and nothing after it");
	refused("t=/srv,ro,,mount=/m", D, "an empty option (a ',' too many)", "',,'");
	refused("t=/srv,readonly", D, "unknown option 'readonly' (known: ro, rw, mount=GUEST_DIR|none,",
		"an unknown option");
	refused("t=/srv,ro,ro", D, "given twice", "ro twice");
	refused("t=/srv,ro,rw", D, "given twice", "ro and rw");
	refused("t=/srv,security=strict", D, "unknown security model 'strict' (QEMU's: none, mapped-xattr,",
		"an unknown security model");
	refused("t=/srv,mount=relative", D, "mount point 'relative' is not absolute", "a relative mount point");
	refused("t=/srv,mount=/tmp/x", D, "under /proc, /sys, /dev, /run or /tmp", "a mount point rcS hides");
	refused("t=/srv,mount=/", D, "the whole root directory", "mounted on /");
	refused("t=/a u=/b t=/c", D, "tag 't' is used twice", "a duplicate tag");
	refused("t=/a u=/b,mount=/mnt/t", D, "mount point '/mnt/t' is taken by share 't'", "a duplicate mount point");
	refused("t=/a,mount=/m", L, "unknown option 'mount=/m' (known: ro, rw, security=", "mount= in a launch configuration");
	refused("t=/a,ro", L, "no security=", "a launch item without security=");
}

int main(void)
{
	test_declaration();
	test_launch();
	test_errors();
	return done_testing();
}
