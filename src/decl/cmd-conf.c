/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vmbundle conf: validate a declaration file and print it (or shell assignments). */
#include "commands.h"
#include "conf.h"
#include "shared/options.h"
#include "shared/util.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

static void usage(FILE *f)
{
	fputs("usage: vmbundle conf --kind=KIND [--shell=PREFIX] FILE\n"
	      "Check a declaration (KIND: board, rootfs, template, guest) and print its settings.\n"
	      "  --shell=PREFIX  print PREFIX_key='value' lines for a shell to eval\n"
	      "                  (KEY:ARCH as PREFIX_KEY__ARCH)\n",
	      f);
}

/* Whether @key (or KEY:ARCH) is a list key of @s. */
static bool is_list(const struct conf_schema *s, const char *key)
{
	size_t n = strcspn(key, ":");

	for (size_t i = 0; i < s->nkeys; i++)
		if (strlen(s->keys[i].name) == n && strncmp(s->keys[i].name, key, n) == 0)
			return s->keys[i].type == CONF_LIST;
	return false;
}

int cmd_conf(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kind", required_argument, NULL, 'k' },
		{ "shell", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct conf_schema *schema = NULL;
	const char *prefix = NULL;
	struct conf conf;
	char *err = NULL;
	int c;

	struct opt_parser op = OPT_PARSER(argc, argv, "", opts, "");
	while ((c = opt_next(&op)) != -1) {
		switch (c) {
		case 'k':
			schema = conf_schema_lookup(optarg);
			if (!schema) {
				vmb_error("unknown kind '%s' (board, rootfs, template, guest)", optarg);
				return 2;
			}
			break;
		case 's':
			prefix = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!schema || optind + 1 != argc) {
		usage(stderr);
		return 2;
	}
	if (conf_parse_file(argv[optind], schema, &conf, &err) < 0) {
		vmb_error("%s", err);
		free(err);
		return 1;
	}
	for (size_t i = 0; i < conf.n; i++) {
		if (prefix) {
			/* KEY:ARCH is PREFIX_KEY__ARCH: a ':' cannot be in a shell name. */
			const char *key = conf.v[i].key, *colon = strchr(key, ':');

			if (colon)
				printf("%s_%.*s__%s=", prefix, (int)(colon - key), key, colon + 1);
			else
				printf("%s_%s=", prefix, key);
			/* none is a list's empty list for configure's readers too. */
			fputs_shell_quoted(is_list(schema, key) && conf_list_is_none(conf.v[i].value)
						   ? "" : conf.v[i].value, stdout);
			putchar('\n');
		} else {
			printf("%s = %s\n", conf.v[i].key, conf.v[i].value);
		}
	}
	conf_free(&conf);
	return 0;
}
