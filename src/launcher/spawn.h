/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * How the launcher runs programs: fork and execvp of an argv array. It is
 * linked statically for the target, so it carries its own small runner
 * instead of the build side's src/shared/run.c. A child killed by a signal
 * has failed, whatever it printed.
 */
#ifndef VMB_SPAWN_H
#define VMB_SPAWN_H

#include "shared/util.h"

#include <stdbool.h>
#include <sys/types.h>

/* Run argv to completion with the launcher's stdio; stdout and stderr go to
 * /dev/null when @quiet. Returns 0 on exit status 0, else -1 with *err set
 * ("'modprobe' failed with exit status 1"). */
int spawn_wait(char *const argv[], bool quiet, char **err) _must_check_;

/* Start argv in a new session, stdin from /dev/null, stdout and stderr
 * appended to @log. Returns the pid, or -1 with *err set. */
pid_t spawn_detached(char *const argv[], const char *log, char **err) _must_check_;

/* Start argv on the launcher's own stdio, or with @screen_fd (>= 0) as its
 * stdin and stdout and the launcher's stdin as fd 3. Returns the pid or -1. */
pid_t spawn_attached(char *const argv[], int screen_fd, char **err) _must_check_;

/* Wait for @pid; 0 when it exited with status 0, else -1 with *err set. */
int spawn_reap(pid_t pid, const char *name, char **err) _must_check_;

#endif
