/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The deploy directory's names, the way Yocto's tmp/deploy/images/MACHINE/
 * has them: every artefact under a versioned name, and its stable name a
 * symlink to the latest one, which is what everything else (the stager,
 * runqemu, the tests, a user's scripts) uses:
 *
 *   host-BOARD-DATETIME.rootfs.ext4          host-BOARD.rootfs.ext4 ->
 *   bzImage--KVER-NAME-DATETIME              bzImage-NAME ->
 *   modules--KVER-NAME-DATETIME.tgz          modules-NAME.tgz ->
 *
 * DATETIME is SOURCE_DATE_EPOCH in UTC (YYYYMMDDHHMMSS), not the time of
 * the build, so the same inputs give the same names; a new epoch (a new
 * commit) adds files beside the older ones, as Yocto's deploy directory
 * grows, and moves the links. The links are relative (a name in the same
 * directory), so the directory can be copied or moved as a whole.
 */
#ifndef VMB_DEPLOY_H
#define VMB_DEPLOY_H

#include <stdbool.h>

#define DEPLOY_DATETIME_LEN 14

/* SOURCE_DATE_EPOCH from the environment as YYYYMMDDHHMMSS (UTC); 0 when
 * unset. Returns 0, or -1 with *err when the variable is not a number. */
int deploy_datetime(char out[DEPLOY_DATETIME_LEN + 1], char **err);

/*
 * Make @dir/@stable a symlink to @versioned (a name in @dir). When @stable
 * is a regular file (its producer just wrote it there), it becomes
 * @versioned first (a hard link, so the stable name never disappears), then
 * the link replaces it. An existing @stable symlink is replaced only when it
 * is one of ours (its target a plain name in @dir); any other file type, or
 * someone else's link, is an error. Returns 0, or -1 with *err.
 */
int deploy_link(const char *dir, const char *stable, const char *versioned, char **err);

/* Copy @from to @dir/@versioned (atomically) and link @stable to it. */
int deploy_copy(const char *from, const char *dir, const char *stable, const char *versioned, char **err);

/* Remove @dir/@stable when it is one of our links, and the file it points to. */
void deploy_unlink(const char *dir, const char *stable);

/* The kernel release (uname -r) of a kernel .config: its "Linux/ARCH
 * VERSION Kernel Configuration" header line plus CONFIG_LOCALVERSION.
 * Malloc'd, or NULL with *err. */
char *deploy_kernel_release(const char *config, char **err);

#endif
