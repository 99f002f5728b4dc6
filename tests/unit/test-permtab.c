/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "image/permtab.h"
#include "shared/util.h"
#include "tap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Parse @text; return the error message (malloc'd) or NULL. */
static char *parse(const char *text, struct permtab *t)
{
	char *err = NULL;

	memset(t, 0, sizeof(*t));
	if (permtab_parse_buffer("board/device_table.txt", text, strlen(text), t, &err) < 0)
		return err;
	return NULL;
}

static void expect_error(const char *text, const char *want, const char *what)
{
	struct permtab t;
	char *err = parse(text, &t);

	is_str(err, want, "%s", what);
	free(err);
	permtab_free(&t);
}

int main(void)
{
	struct permtab t;
	char *err;

	err = parse("# <name> <type> <mode> <uid> <gid> <major> <minor> <start> <inc> <count>\n"
		    "\n"
		    "/dev\t\td\t755\t0\t0\t-\t-\t-\t-\t-\n"
		    "/dev/console c 600 0 0 5 1 - - -\n"
		    "/dev/ttyS c 660 0 5 4 64 0 1 4\n"
		    "/etc/shadow f 600 0 42 - - - - -\n"
		    "/home/user r - 1000 1000 - - - - -\n"
		    "/run/initctl p 600 0 0 - - - - -\n"
		    "  /dev/sda b 660 0 6 8 0 0 0 0\r\n",
		    &t);
	is_str(err, NULL, "a Buildroot-style device table parses");
	is_int(t.n, 7, "seven entries");
	is_str(t.v[0].path, "/dev", "path");
	is_int(t.v[0].type, 'd', "type d");
	is_int(t.v[0].mode, 0755, "mode is octal");
	is_int(t.v[1].major, 5, "major");
	is_int(t.v[1].minor, 1, "minor");
	is_int(t.v[2].count, 4, "count");
	is_int(t.v[2].start, 0, "start");
	is_int(t.v[2].inc, 1, "inc");
	is_int(t.v[3].gid, 42, "gid");
	is_int(t.v[4].mode, PERM_KEEP, "'-' keeps the mode for r");
	is_int(t.v[4].uid, 1000, "uid");
	is_int(t.v[6].line, 9, "line numbers count blank and comment lines");
	is_str(t.v[6].file, "board/device_table.txt", "each entry knows its table");
	permtab_free(&t);

	expect_error("/dev d 755 0 0 - - - -\n",
		     "board/device_table.txt:1: expected 10 fields '<path> <type> <mode> <uid> <gid> "
		     "<major> <minor> <start> <inc> <count>', got 9",
		     "too few fields");
	expect_error("# c\n/dev d 755 0 0 - - - - - extra\n",
		     "board/device_table.txt:2: expected 10 fields '<path> <type> <mode> <uid> <gid> "
		     "<major> <minor> <start> <inc> <count>', got 11",
		     "too many fields, file:line");
	expect_error("dev d 755 0 0 - - - - -\n",
		     "board/device_table.txt:1: path 'dev' is not absolute (paths in the table start "
		     "with '/', meaning the root of the image)",
		     "relative path");
	expect_error("/dev/../etc d 755 0 0 - - - - -\n",
		     "board/device_table.txt:1: path '/dev/../etc' contains '..'; '.' and '..' are "
		     "not allowed, so no entry can point outside the image",
		     "'..' is refused");
	expect_error("/dev//x d 755 0 0 - - - - -\n",
		     "board/device_table.txt:1: path '/dev//x' has an empty component ('//')",
		     "empty component");
	expect_error("/dev/ d 755 0 0 - - - - -\n",
		     "board/device_table.txt:1: path '/dev/' ends in '/'; write it without the slash",
		     "trailing slash");
	expect_error("/dev x 755 0 0 - - - - -\n",
		     "board/device_table.txt:1: unknown type 'x' (valid: f file, d directory, c "
		     "character device, b block device, p fifo, r recursive)",
		     "unknown type");
	expect_error("/dev d 789 0 0 - - - - -\n",
		     "board/device_table.txt:1: mode '789' is not an octal mode between 0 and 7777",
		     "mode not octal");
	expect_error("/dev d 17777 0 0 - - - - -\n",
		     "board/device_table.txt:1: mode '17777' is not an octal mode between 0 and 7777",
		     "mode too large");
	expect_error("/dev d 755 root 0 - - - - -\n",
		     "board/device_table.txt:1: uid 'root' is not a number between 0 and 4294967294 "
		     "(the table takes numeric ids, not names)",
		     "names are not ids");
	expect_error("/dev/null c - 0 0 1 3 - - -\n",
		     "board/device_table.txt:1: a 'c' entry needs a mode, not '-'",
		     "devices need a mode");
	expect_error("/dev/null c 666 0 0 - 3 - - -\n",
		     "board/device_table.txt:1: a device entry needs a major number, not '-'",
		     "devices need a major");
	expect_error("/dev/null c 666 0 0 4096 3 - - -\n",
		     "board/device_table.txt:1: major '4096' is not a number between 0 and 4095",
		     "major out of range");
	expect_error("/etc f 644 0 0 1 - - - -\n",
		     "board/device_table.txt:1: major '1' is only meaningful for 'c' and 'b' entries; "
		     "write '-'",
		     "device numbers on a file");
	expect_error("/dev/x c 600 0 0 1 1048570 0 4 4\n",
		     "board/device_table.txt:1: minor 1048570 + (count 4 - 1) * inc 4 exceeds the "
		     "largest minor 1048575",
		     "a series beyond the largest minor");
	{
		/* 5 MiB of comments: not a table, and not read whole */
		char path[] = "/tmp/test-permtab-XXXXXX";
		int fd = mkstemp(path);
		FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
		char *want = xasprintf("%s: larger than 4 MiB: this is not a permissions table", path);

		for (int i = 0; f && i < 5 * 1024 * 16; i++)
			fputs("# 64 bytes of comment ...................................... #\n", f);
		if (f)
			fclose(f);
		memset(&t, 0, sizeof(t));
		err = NULL;
		ok(permtab_parse_file(path, &t, &err) == -EFBIG, "a 5 MiB table is refused");
		is_str(err, want, "with a message naming it");
		free(err);
		free(want);
		permtab_free(&t);
		unlink(path);
	}
	/* Limits: names, paths and the nodes counts make. */
	{
		char name[257], *text, *want;

		memset(name, 'a', 256);
		name[256] = '\0';
		text = xasprintf("/dev/%s d 755 0 0 - - - - -\n", name);
		want = xasprintf("board/device_table.txt:1: path '/dev/%.40s...' has a name of 256 "
				 "bytes; names in an image hold at most 255 bytes (ext2/3/4): shorten it",
				 name);
		expect_error(text, want, "a 256-byte name");
		free(text);
		free(want);
		name[250] = '\0';
		text = xasprintf("/dev/%s c 600 0 0 4 0 0 1 1000000\n", name);
		want = xasprintf("board/device_table.txt:1: the names '%.40s...N' made for count "
				 "1000000 are longer than 255 bytes; shorten the path's last name", name);
		expect_error(text, want, "names a count makes are checked too");
		free(text);
		free(want);
		text = xstrdup("/d0");
		for (int i = 0; i < 17; i++)
			strappendf(&text, "/%s", name);
		strappendf(&text, " d 755 0 0 - - - - -\n");
		expect_error(text, "board/device_table.txt:1: path '/d0/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
				   "...' is 4270 bytes long; paths hold at most 4095 bytes",
			     "a path longer than PATH_MAX");
		free(text);
		text = xstrdup("");
		for (int i = 0; i < 70; i++)
			strappendf(&text, "/dev/t%d c 600 0 0 4 0 0 1 1000\n", i);
		expect_error(text, "board/device_table.txt:66: the tables make more than 65536 entries "
				   "(counts included); lower the counts",
			     "70 lines of 1000 nodes each");
		free(text);
	}
	expect_error("/ f 755 0 0 - - - - -\n",
		     "board/device_table.txt:1: '/' is a directory; use type 'd' or 'r' for it",
		     "the root is not a file");
	expect_error("/x d 755 0 0 - - - - -\n/y d 7a5 0 0 - - - - -\n",
		     "board/device_table.txt:2: mode '7a5' is not an octal mode between 0 and 7777",
		     "the first bad line is reported with its number");
	{
		char text[] = "/x d 755 0 0 - - - - -\n/y\0 d\n";

		memset(&t, 0, sizeof(t));
		err = NULL;
		ok(permtab_parse_buffer("t", text, sizeof(text) - 1, &t, &err) < 0, "NUL bytes are refused");
		is_str(err, "t:2: contains a NUL byte; a permissions table is text", "NUL message");
		free(err);
		permtab_free(&t);
	}
	memset(&t, 0, sizeof(t));
	err = NULL;
	ok(permtab_parse_file("/nonexistent/table", &t, &err) < 0, "a missing table is an error");
	is_str(err, "cannot read permissions table: '/nonexistent/table' does not exist",
	       "missing table message");
	free(err);
	permtab_free(&t);
	return done_testing();
}
