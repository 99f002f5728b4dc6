/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "decl/conf.h"
#include "shared/util.h"
#include "tap.h"

#include <stdlib.h>
#include <unistd.h>

static const struct conf_schema *guest;

/* Parse @text; return the error message (malloc'd) or NULL on success. */
static char *parse(const char *text, struct conf *c)
{
	char *err = NULL;

	if (conf_parse_buffer("guests/web.conf", text, strlen(text), guest, c, &err) < 0)
		return err;
	return NULL;
}

static void expect_error(const char *text, const char *want, const char *what)
{
	struct conf c;
	char *err = parse(text, &c);

	is_str(err, want, "%s", what);
	if (!err)
		conf_free(&c);
	free(err);
}

int main(void)
{
	struct conf c;
	char *err;

	guest = conf_schema_lookup("guest");
	ok(guest != NULL, "the guest schema exists");
	ok(conf_schema_lookup("board") && conf_schema_lookup("rootfs") && conf_schema_lookup("template"),
	   "board, rootfs and template schemas exist");
	ok(conf_schema_lookup("nonsense") == NULL, "unknown kinds are not found");

	err = parse("# a guest\n\nmemory = 256\nhostname = \"web one\"\nfeatures = a b\n"
		    "features += c\ncmdline = console=ttyS0 \\\n  quiet\n  autostart=yes\n",
		    &c);
	is_str(err, NULL, "a valid declaration parses");
	is_str(conf_get(&c, "memory"), "256", "plain value");
	is_str(conf_get(&c, "hostname"), "web one", "quotes around a value are removed");
	is_str(conf_get(&c, "features"), "a b c", "+= appends to a list");
	is_str(conf_get(&c, "cmdline"), "console=ttyS0    quiet", "a trailing backslash continues the line");
	is_str(conf_get(&c, "autostart"), "yes", "leading blanks before a key are fine");
	is_int(conf_find(&c, "cmdline")->line, 7, "a continued line reports its first line");
	is_str(conf_get(&c, "vcpus"), NULL, "an unset key is NULL");
	conf_free(&c);

	err = parse("features = \"  a\t b  \"\nshares = \"none \"\ncarries = none\r\n"
		    "disks = \\\n  a \\\n  b\nhostname = \" x \"\n", &c);
	is_str(err, NULL, "lists with blanks around their items parse");
	is_str(conf_get(&c, "features"), "a b", "a list's items are its words, one space apart");
	is_str(conf_get(&c, "shares"), "none", "\"none \" is the word none");
	ok(conf_list_is_none(conf_get(&c, "shares")) && conf_list_is_none(conf_get(&c, "carries")),
	   "none, with blanks or a DOS line end, is the empty list");
	is_str(conf_get(&c, "disks"), "a b", "continued list lines are words too");
	is_str(conf_get(&c, "hostname"), " x ", "a string keeps its quoted blanks");
	conf_free(&c);
	expect_error("features = none a\n",
		     "guests/web.conf:1: 'features' lists 'none' with other items; none is the empty "
		     "list and stands alone: remove it, or the other items",
		     "none with other items is refused");
	expect_error("features = a\nfeatures += \" none\"\n",
		     "guests/web.conf:2: 'features' lists 'none' with other items; none is the empty "
		     "list and stands alone: remove it, or the other items",
		     "+= none onto a list is refused");
	err = parse("features = nonesuch\n", &c);
	ok(!err && !conf_list_is_none(conf_get(&c, "features")), "an item that starts with none is an item");
	if (!err)
		conf_free(&c);
	free(err);

	/* 300000 "+=" lines (4 MiB): appending was quadratic once (each line
	 * copied the whole list: minutes); now it is linear. SIGALRM ends the
	 * test if it is not. */
	{
		const char *line = "features += ab\n";
		size_t n = 300000, ll = strlen(line);
		char *big = xmalloc(n * ll + 1);

		for (size_t i = 0; i < n; i++)
			memcpy(big + i * ll, line, ll);
		big[n * ll] = '\0';
		alarm(60);
		err = parse(big, &c);
		alarm(0);
		is_str(err, NULL, "300000 += lines parse (in linear time)");
		ok(!err && conf_find(&c, "features")->len == n * 3 - 1, "into one list of 300000 items");
		if (!err)
			conf_free(&c);
		free(err);
		free(big);
	}

	err = parse("features += x\n", &c);
	is_str(err, NULL, "+= on an unset list starts it");
	is_str(conf_get(&c, "features"), "x", "value of a list started by +=");
	conf_free(&c);

	expect_error("vcpus = 1\n\n\n\n\n\nmemroy = 256\n",
		     "guests/web.conf:7: unknown key 'memroy' (did you mean 'memory'?)",
		     "unknown key with a suggestion, file:line");
	expect_error("colour = blue\n", "guests/web.conf:1: unknown key 'colour' in a guest declaration",
		     "unknown key without a close match");
	expect_error("memory = 1\nmemory = 2\n",
		     "guests/web.conf:2: 'memory' is already set at line 1 (use '+=' to add to a list)",
		     "a key set twice");
	expect_error("memory += 2\n", "guests/web.conf:1: 'memory' is not a list: use '=' instead of '+='",
		     "+= on a scalar");
	expect_error("memory = lots\n",
		     "guests/web.conf:1: 'memory' wants a whole number greater than 0, not 'lots'",
		     "a number that is not a number");
	expect_error("autostart_order = 4294967297\n",
		     "guests/web.conf:1: 'autostart_order' = 4294967297 is more than 4294967295",
		     "a number an unsigned int cannot hold (it would wrap round to 1)");
	expect_error("vcpus = 0\n", "guests/web.conf:1: 'vcpus' wants a whole number greater than 0, not '0'",
		     "zero is not a count");
	expect_error("autostart = maybe\n", "guests/web.conf:1: 'autostart' wants yes or no, not 'maybe'",
		     "a boolean that is not one");
	expect_error("just words\n", "guests/web.conf:1: expected 'key = value', got 'just words'",
		     "a line without '='");
	expect_error(" = 3\n", "guests/web.conf:1: missing key before '='", "a line without a key");
	expect_error("Memory = 3\n",
		     "guests/web.conf:1: bad key 'Memory': keys are lower-case letters, digits and '_'",
		     "keys are lower case");
	expect_error("hostname = \"web\n", "guests/web.conf:1: unterminated quote in the value of 'hostname'",
		     "an unterminated quote");

	{
		static const char bin[] = "memory = 1\nho\0st = x\n";
		char *e = NULL;

		ok(conf_parse_buffer("g.conf", bin, sizeof(bin) - 1, guest, &c, &e) < 0, "a NUL byte fails");
		is_str(e, "g.conf:2: contains a NUL byte: this is not a text declaration", "NUL byte message");
		free(e);
	}
	{
		size_t n = 70 * 1024;
		char *big = malloc(n + 16);
		char *e = NULL;

		memcpy(big, "cmdline = ", 10);
		memset(big + 10, 'x', n);
		big[n + 10] = '\n';
		ok(conf_parse_buffer("g.conf", big, n + 11, guest, &c, &e) < 0, "a 70 KiB line fails");
		is_str(e, "g.conf:1: line is longer than 64 KiB", "long line message");
		free(e);
		free(big);
	}
	{
		char *e = NULL;

		ok(conf_parse_file("/nonexistent/x.conf", guest, &c, &e) < 0, "a missing file fails");
		is_str(e, "'/nonexistent/x.conf' does not exist", "missing file message");
		free(e);
	}
	err = parse("", &c);
	is_str(err, NULL, "an empty declaration is valid");
	is_int(c.n, 0, "and has no settings");
	conf_free(&c);

	return done_testing();
}
