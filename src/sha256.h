/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SHA-256 as lower-case hex, for content keys and manifests (libcrypto). */
#ifndef VMB_SHA256_H
#define VMB_SHA256_H

#include <stddef.h>

#define SHA256_HEX_LEN 64

struct sha256_ctx;

struct sha256_ctx *sha256_new(void);
void sha256_update(struct sha256_ctx *c, const void *data, size_t len);
/* A string followed by a NUL, so that "ab"+"c" and "a"+"bc" differ. */
void sha256_update_str(struct sha256_ctx *c, const char *s);
/* Finish into @hex (SHA256_HEX_LEN + 1 bytes) and free the context. */
void sha256_finish(struct sha256_ctx *c, char hex[SHA256_HEX_LEN + 1]);

/* The digest of a whole file. Returns 0, or a negative errno. */
int sha256_file(const char *path, char hex[SHA256_HEX_LEN + 1]);

#endif
