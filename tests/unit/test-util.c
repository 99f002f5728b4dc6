/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "shared/tool.h"
#include "shared/util.h"
#include "tap.h"

#include <stdlib.h>

int main(void)
{
	static const char *const keys[] = { "memory", "vcpus", "hostname", "network" };

	ok(streq("a", "a") && !streq("a", "b"), "streq");
	ok(startswith("feature/kvm", "feature/") && !startswith("f", "feature"), "startswith");
	ok(endswith("x.scc", ".scc") && !endswith("scc", ".scc"), "endswith");

	is_int(edit_distance("memroy", "memory"), 2, "transposition costs two edits");
	is_int(edit_distance("", "abc"), 3, "distance from empty");
	is_int(edit_distance("same", "same"), 0, "distance to itself");
	is_str(closest_word("memroy", keys, 4), "memory", "did-you-mean finds a transposition");
	is_str(closest_word("hostnmae", keys, 4), "hostname", "did-you-mean in a longer word");
	is_str(closest_word("zzzzzz", keys, 4), NULL, "no suggestion for an unrelated word");
	is_str(closest_word("x", keys, 0), NULL, "no suggestion from no candidates");
	{
		static const char *const boards[] = { "qemux86-64", "x86-64-kvm-guest" };
		static const char *const tpl[] = { "feature/kvm" };

		is_str(closest_word("qemux86", boards, 2), "qemux86-64", "a truncated name is suggested");
		is_str(closest_word("qe", boards, 2), NULL, "but not from two letters");
		is_str(closest_word("feature/xen", tpl, 1), NULL, "three edits in eleven letters is no typo");
	}

	ok(valid_object_name("x86-kvm-guest1"), "a guest name is valid");
	ok(valid_object_name("a.b_c-9"), "dots, underscores and dashes are valid");
	ok(!valid_object_name(""), "empty name is invalid");
	ok(!valid_object_name("a..b"), "'..' is invalid");
	ok(!valid_object_name("a/b"), "'/' is invalid");
	ok(!valid_object_name("-a"), "leading '-' is invalid");
	ok(!valid_object_name(".a"), "leading '.' is invalid");
	ok(!valid_object_name("a b"), "blank is invalid");

	char *s = xasprintf("%s-%d", "guest", 2);
	is_str(s, "guest-2", "xasprintf");
	free(s);

	unsetenv("VMBUNDLE_QEMU_IMG");
	is_str(tool_path("qemu-img"), "qemu-img", "a tool nobody configured is its name, searched in PATH");
	setenv("VMBUNDLE_QEMU_IMG", "/opt/qemu/bin/qemu-img", 1);
	is_str(tool_path("qemu-img"), "/opt/qemu/bin/qemu-img",
	       "VMBUNDLE_<NAME> (upper case, '-' as '_') chooses the program");
	setenv("VMBUNDLE_QEMU_IMG", "", 1);
	is_str(tool_path("qemu-img"), "qemu-img", "an empty setting counts as unset");
	unsetenv("VMBUNDLE_QEMU_IMG");
	return done_testing();
}
