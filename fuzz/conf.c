/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Declarations (src/decl/conf.c) of every kind the project knows: boards, root
 * filesystem types, templates and guests. The first byte picks the schema,
 * the rest is the file.
 */
#include "fuzz.h"
#include "decl/conf.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct conf_schema *schema;
	struct conf c;
	char *err = NULL;

	if (size < 1)
		return 0;
	schema = conf_schemas[data[0] % conf_nschemas];
	if (conf_parse_buffer("fuzz.conf", (const char *)data + 1, size - 1, schema, &c, &err) == 0) {
		/* Every key the schema knows, looked up as the readers do. */
		for (size_t i = 0; i < schema->nkeys; i++)
			(void)conf_get(&c, schema->keys[i].name);
		conf_free(&c);
	}
	free(err);
	return 0;
}
