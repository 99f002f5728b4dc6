/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Writing JSON text: strings escaped so that any byte string gives valid
 * JSON (UTF-8 kept; control characters, and bytes that are not UTF-8, as
 * \u00XX, i.e. read as Latin-1: a file name that is not UTF-8 still shows).
 */
#ifndef VMB_JSON_H
#define VMB_JSON_H

#include "strbuf.h"

#include <stdbool.h>

void json_string(struct strbuf *b, const char *s);
/* "KEY": "VALUE" (null when @v is NULL), preceded by @indent. */
void json_key_string(struct strbuf *b, const char *indent, const char *key, const char *v, bool comma);

#endif
