/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fragments, merging with merge_config.sh semantics, and the queue file. */
#include "scc/cfg.h"
#include "scc/merge.h"
#include "scc/queue.h"
#include "shared/util.h"
#include "tap.h"

#include <stdlib.h>

static struct cfg_file parse(const char *name, const char *text)
{
	struct cfg_file f;
	char *err = NULL;

	if (cfg_parse_buffer(name, text, strlen(text), &f, &err) < 0) {
		printf("# %s\n", err);
		free(err);
	}
	return f;
}

static const char *issue(const struct cfg_file *f, size_t i)
{
	return i < f->nissues ? f->issues[i].msg : NULL;
}

int main(void)
{
	struct cfg_file a, b, c, bad;
	char *err = NULL;
	char *text;
	struct merge_result m;
	struct queue q;

	a = parse("a.cfg", "# a comment\n\nCONFIG_A=y\n# CONFIG_B is not set\nCONFIG_C=\"x y\" # why\n"
			   "CONFIG_D=0x10\nCONFIG_E=-3\r\nCONFIG_F=m   \n");
	is_int(a.nopts, 6, "six options");
	is_int(a.nissues, 0, "no issues");
	is_str(a.opts[1].value, "n", "'# CONFIG_B is not set' requests n");
	ok(a.opts[1].not_set, "... and remembers its form");
	is_str(a.opts[2].value, "\"x y\"", "a string value without its trailing comment");
	is_str(a.opts[2].text, "CONFIG_C=\"x y\" # why", "the line is kept as written");
	is_str(a.opts[4].value, "-3", "CR at the end of a line is dropped");
	is_str(a.opts[5].text, "CONFIG_F=m", "trailing blanks are dropped");
	is_int(a.opts[2].line, 5, "line numbers");

	bad = parse("bad.cfg", "CONFIG_X = y\n#CONFIG_Y is not set\nZ=y\nCONFIG_W\n# CONFIG_V=y\n"
			       "#CONFIG_U=m\nCONFIG_T=\"open\nCONFIG_S=\nCONFIG_R=y z\n"
			       "# CONFIG_Q is not set, really\n  # indented\nrandom words\n"
			       "CONFIG_P=y\nCONFIG_P=n\nCONFIG_O=y\nCONFIG_O=y\nCONFIG_=y\n");
	is_int(bad.nopts, 4, "only the well-formed options count");
	is_str(issue(&bad, 0), "'CONFIG_X = y': blanks around '=' are not allowed; line ignored (write CONFIG_X=y)",
	       "CONFIG_X = y");
	is_str(issue(&bad, 1), "'#CONFIG_Y is not set' is missing the blank after '#'; line ignored (write '# CONFIG_Y is not set')",
	       "#CONFIG_Y is not set");
	is_str(issue(&bad, 2), "'Z=y' lacks the CONFIG_ prefix; line ignored (write CONFIG_Z=y)", "missing prefix");
	is_str(issue(&bad, 3), "'CONFIG_W' has no '=value'; line ignored (write CONFIG_W=y, =m, =n or a value)",
	       "no value");
	is_str(issue(&bad, 4), "'# CONFIG_V=y' is a commented-out assignment and requests nothing (write '# CONFIG_V is not set' to turn the option off)",
	       "commented-out assignment");
	is_str(issue(&bad, 5), "'#CONFIG_U=m' is a commented-out assignment and requests nothing (write '# CONFIG_U is not set' to turn the option off)",
	       "commented-out assignment without a blank");
	is_str(issue(&bad, 6), "CONFIG_T: unterminated quote in the value; line ignored", "unterminated quote");
	is_str(issue(&bad, 7), "CONFIG_S has an empty value; line ignored (write CONFIG_S=n or '# CONFIG_S is not set' to turn it off)",
	       "empty value");
	is_str(issue(&bad, 8), "CONFIG_R: unexpected text 'z' after the value; line ignored", "text after the value");
	is_str(issue(&bad, 9), "unexpected text after '# CONFIG_Q is not set'; line ignored", "is not set with more");
	is_str(issue(&bad, 10), "'  # indented' starts with blanks, so Kconfig does not read it as a comment; line ignored (remove the leading blanks)",
	       "indented comment");
	is_str(issue(&bad, 11), "'random words' is neither an option nor a comment; line ignored", "garbage");
	is_str(issue(&bad, 12), "CONFIG_P is set again: 'n' here replaces 'y' from line 13", "duplicate with another value");
	ok(bad.issues[12].duplicate, "... is a duplicate");
	is_str(issue(&bad, 13), "CONFIG_O is set again (same value as line 15)", "duplicate with the same value");
	is_str(issue(&bad, 14), "'CONFIG_=y' has no option name after CONFIG_; line ignored", "no name");
	is_int(bad.nissues, 15, "fifteen issues");
	ok(cfg_parse_buffer("nul.cfg", "CONFIG_A=y\n\0\n", 13, &c, &err) < 0 && err &&
	   streq(err, "nul.cfg:2: binary data (a NUL byte): this is not a text file"),
	   "binary data is an error");
	free(err);
	cfg_file_free(&c);

	/* merge: later wins, moves to the later position; =n is "is not set" */
	b = parse("b.cfg", "CONFIG_A=m\nCONFIG_B=n\nCONFIG_G=y\nCONFIG_F=m\n");
	c = parse("c.cfg", "# CONFIG_A is not set\nCONFIG_A=y\n");
	{
		const struct cfg_file *order[] = { &a, &b, &a, &c };

		merge_fragments(order, 4, &m);
	}
	text = merge_text(&m);
	is_str(text, "CONFIG_G=y\n# CONFIG_B is not set\nCONFIG_C=\"x y\" # why\nCONFIG_D=0x10\nCONFIG_E=-3\n"
		     "CONFIG_F=m\nCONFIG_A=y\n",
	       "the merged fragment: last value wins, at the last position");
	free(text);
	{
		size_t redef = 0, redundant = 0;

		for (size_t i = 0; i < m.nchanges; i++) {
			if (m.changes[i].redundant)
				redundant++;
			else
				redef++;
		}
		is_int(redef, 3, "redefinitions: A y->m, A m->y (a again), A y->n (c)");
		/* b: B (=n after is not set), F; a again: B, C, D, E, F */
		is_int(redundant, 7, "redundant: =n and 'is not set' are the same value");
		is_str(m.changes[0].old->text, "CONFIG_A=y", "a change knows the old line");
		is_str(m.changes[0].new->text, "CONFIG_A=m", "... and the new one");
	}
	merge_result_free(&m);

	text = "# c\n\nhardware /a b.cfg\nnon-hardware /b.cfg\nrequired /c\noptional /d\n";
	ok(queue_parse("q", text, strlen(text), &q, &err) == 0 && q.n == 4 && streq(q.v[0].path, "/a b.cfg") && q.v[2].type == SCC_REQUIRED,
	   "the queue format reads back (a path may have blanks)");
	queue_free(&q);
	ok(queue_parse("q", "hardware relative.cfg\n", 22, &q, &err) < 0 &&
	   streq(err, "q:1: expected '<type> <absolute path>' with type hardware, non-hardware, required or optional, "
		      "got 'hardware relative.cfg'; regenerate the queue with 'vmbundle scc --queue'"),
	   "a queue line with a relative path is an error");
	free(err);
	ok(queue_parse("q", "\nhard /x.cfg\n", 13, &q, &err) < 0 && strstr(err, "q:2:"), "an unknown type");
	free(err);

	cfg_file_free(&a);
	cfg_file_free(&b);
	cfg_file_free(&c);
	cfg_file_free(&bad);
	return done_testing();
}
