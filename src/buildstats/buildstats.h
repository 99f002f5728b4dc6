/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Build statistics, as Yocto's buildstats keep them: one small text record
 * per step run (start, end, CPU time, peak memory, what it counted, result),
 * written by the step itself when it ends, so steps that run in parallel
 * never share a file and nothing is lost. Records of one top-level make run
 * (a "build", named by when it started: YYYYMMDDHHMMSS, Yocto's BUILDNAME)
 * go into one directory:
 *
 *   DEPLOY/buildstats/BUILD/LABEL.NAME     one record per step
 *   DEPLOY/buildstats/latest -> BUILD      the build that ran steps last
 *
 * A record is "Key: value" lines (the format is in doc/reports.md):
 *
 *   Step: BZIMAGE
 *   Name: host
 *   Started: 1700000000.123456
 *   Ended: 1700000250.654321
 *   Elapsed time: 250.53 seconds
 *   utime: 480.12
 *   stime: 40.01
 *   Max RSS: 123456 KiB
 *   Jobs: 2
 *   Units: 1360 objects
 *   Fresh: yes
 *   Status: PASSED
 *
 * progress.c shows long steps' progress on a terminal (one status line for
 * every step running, drawn in turn by each of them).
 */
#ifndef VMB_BUILDSTATS_H
#define VMB_BUILDSTATS_H

#include <stdbool.h>
#include <stddef.h>

struct step_record {
	char *label;        /* BZIMAGE, ROOTFS, ... */
	char *name;         /* what it ran for: host, x86-kvm-guest1, 'host (1 guest)' */
	char *status;       /* "PASSED", or "FAILED: why" */
	double start, end;  /* seconds since the epoch */
	double utime, stime; /* CPU seconds of the command and everything it waited for */
	long maxrss_kib;    /* the largest child's peak resident memory */
	unsigned jobs;      /* make's -j (0: not known) */
	long units;         /* what the step counted (objects compiled, files); -1: nothing */
	char *unit;         /* "objects", "files"; NULL with units -1 */
	bool fresh;         /* a build from scratch (its count can be expected next time) */
};

void step_record_free(struct step_record *r);
bool step_record_passed(const struct step_record *r);

/* The record's file name in a build directory: LABEL.NAME with every byte
 * outside [A-Za-z0-9._+-] as '_'. Caller frees. */
char *buildstats_file_name(const char *label, const char *name);

/* Write @r into @build_dir (created when missing) under a temporary name,
 * renamed into place, and point BUILD_DIR/../latest at it. Returns 0, or -1
 * with *err. */
int buildstats_write(const char *build_dir, const struct step_record *r, char **err);

/* Parse a record. Unknown keys are ignored (newer writers may add some);
 * a record without Step, Name, Started or Ended is an error naming the file
 * and line. Returns 0, or -1 with *err. */
int buildstats_parse(const char *path, const char *text, struct step_record *r, char **err);

/* Every record of one build, sorted by start time (then label and name). */
struct step_records {
	struct step_record *v;
	size_t n;
};
int buildstats_load(const char *build_dir, struct step_records *out, char **err);
void step_records_free(struct step_records *rs);

/* The build directory a graph should show when none is named: ROOT/latest,
 * else the newest BUILD name in ROOT. NULL with *err when there is none. */
char *buildstats_latest(const char *root, char **err);

/* The newest passed, fresh record of LABEL.NAME in any build under @root:
 * what the same step counted last time it ran from scratch. Returns its
 * units, or -1. */
long buildstats_previous_units(const char *root, const char *label, const char *name);

/* ---- progress.c ------------------------------------------------------- */

struct progress;

/* Count @label @name's units as its output arrives; with @show (stdout is a
 * terminal and output is quiet), keep a status line at the bottom of the
 * terminal: "[BZIMAGE host 812/1360 objects 60%] [BZIMAGE g1 40 objects]",
 * shared by all steps running at once through state files in
 * @state_dir (NULL: never shown). @kind: "kbuild" counts kbuild's object
 * lines ("  CC      fs/open.o"), "lines" every line. @expected: the total
 * the count is measured against, or -1 when unknown. */
struct progress *progress_start(const char *state_dir, const char *label, const char *name,
				const char *kind, long expected, bool show);
/* Feed output as it arrives (any chunking). */
void progress_feed(struct progress *p, const char *data, size_t len);
long progress_units(const struct progress *p);
const char *progress_unit_name(const struct progress *p);
/* Take this step off the status line and free @p. */
void progress_end(struct progress *p);
/* Clear the status line before printing a line of our own (no-op when
 * nothing is shown). */
void progress_clear_line(const char *state_dir);

/* An expected count for a kernel from its .config (used when no earlier
 * build of it says): see progress.c for how the ratio was measured.
 * Returns -1 when the file cannot be read. */
long progress_estimate_kbuild(const char *dot_config);

#endif
