/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which program vmbundle runs for a tool it needs (mke2fs, qemu-img, ...).
 *
 * configure finds each one once (AC_PATH_PROG; a precious variable, so a
 * user can point at another: MKE2FS=/opt/e2fsprogs/sbin/mke2fs ./configure)
 * and the pipeline's Makefiles hand what it found to every vmbundle they run
 * as VMBUNDLE_<NAME> (VMBUNDLE_MKE2FS, VMBUNDLE_QEMU_IMG: the name in upper
 * case, '-' as '_'). Run by hand without those, a tool is its plain name,
 * searched in PATH. Messages name the tool by its plain name either way
 * (src/shared/run.c names a program by its base name).
 */
#ifndef VMB_TOOL_H
#define VMB_TOOL_H

/* The program to run for tool @name: $VMBUNDLE_<NAME> when set and not
 * empty, else @name. The result lives as long as the environment entry. */
const char *tool_path(const char *name);

#endif
