/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The fuzz harnesses (fuzz/NAME.c): each defines LLVMFuzzerTestOneInput for
 * one parser or prober and is built twice, for libFuzzer with clang under
 * ASan/UBSan (`make fuzz`) and with the project's compiler as a replay test
 * that runs the committed corpora through it (fuzz/replay.c, `make check`).
 *
 * A harness must be deterministic and leave nothing behind: every input is
 * parsed, the result freed, and files it needed are written into the
 * scratch directory below, which is emptied before each input.
 */
#ifndef VMB_FUZZ_H
#define VMB_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* This process's scratch directory (made on first use, removed at exit),
 * emptied by every call. */
const char *fuzz_scratch(void);

/* The scratch directory's path, without emptying it. */
const char *fuzz_scratch_path(void);

/* Write @size bytes to scratch/@name; returns the path (malloc'd) or aborts. */
char *fuzz_write(const char *name, const void *data, size_t size);

/* The input as a NUL-terminated copy (malloc'd); what parsers of text get. */
char *fuzz_text(const uint8_t *data, size_t size);

/*
 * Several files in one input: the text up to the first line "--- NAME" is
 * the first file (@first), each such line starts a file called NAME (only
 * [A-Za-z0-9._-], at most 40 bytes, not starting with '.'; another name
 * becomes fileN). Each is written into the scratch directory. Returns how
 * many files were written; their paths go to @paths (malloc'd, up to @max).
 */
size_t fuzz_write_files(const uint8_t *data, size_t size, const char *first, char **paths,
			size_t max);

#endif
