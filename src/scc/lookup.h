/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where a kernel description is, decided once: configure (through the
 * bootstrap tool's kernel-find) and `vmbundle scc --guest` both ask here.
 * A search path is a list of kernel-configs/-like directories, first wins:
 *
 *   ktypes/TYPE/TYPE.scc      kernel type TYPE
 *   bsp/BOARD/BOARD-TYPE.scc  board BOARD's kernel of type TYPE (the host's)
 *   NAME-TYPE.scc             guest NAME's kernel of type TYPE (seed 000)
 *
 * Only regular files (or links to them) count. Libc-only: the bootstrap tool
 * links it without the rest of src/scc.
 */
#ifndef VMB_SCC_LOOKUP_H
#define VMB_SCC_LOOKUP_H

#include "shared/strlist.h"

struct scc_search {
	const char *const *dirs;
	size_t ndirs;
	/* Messages show directories under @root relative to it (NULL: as given). */
	const char *root;
};

/* The path of each description, or NULL when no directory has it. */
char *scc_lookup_ktype(const struct scc_search *s, const char *ktype);
char *scc_lookup_bsp(const struct scc_search *s, const char *board, const char *ktype);
char *scc_lookup_guest(const struct scc_search *s, const char *guest, const char *ktype);

/* The kernel types, and the guests with a description of type @ktype, in
 * every directory: sorted, each once. */
void scc_list_ktypes(const struct scc_search *s, struct namelist *out);
void scc_list_guests(const struct scc_search *s, const char *ktype, struct namelist *out);

/* "A/, B/": the directories as messages show them. */
char *scc_search_text(const struct scc_search *s);

/* Why guest @guest has no description: "no kernel description for guest 'web'
 * (looked for web-standard.scc in kernel-configs/)", with " (web.scc exists
 * but there is no web-standard.scc for kernel type 'standard')" when the
 * seed's NAME.scc is there without its per-type file. */
char *scc_guest_missing(const struct scc_search *s, const char *guest, const char *ktype);

#endif
