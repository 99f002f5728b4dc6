/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Root filesystem assembly: from declarations (rootfs type, templates and
 * their features, board, guest) to a staged tree plus a permissions table.
 *
 * The steps, one file each:
 *   decl.c        read the declarations into a plan (what goes in, from where)
 *   elf-closure.c which shared libraries a program needs (libelf, no ldd)
 *   programs.c    declared programs and libraries, with their closure
 *   files.c       declared files and --add build products
 *   import.c      copy host files into the tree, reproducing their symlinks
 *   skeleton.c    the generated /etc files (hostname, hosts, fstab, modules)
 *   users.c       /etc/passwd, /etc/group, /etc/shadow
 *   busybox.c     the static busybox and its applet links
 *   modules.c     the kernel's modules, pruned to the declared ones, depmod
 *   overlay.c     copy an overlay directory, refusing escaping symlinks
 *   assemble.c    run the steps in order into a temporary tree, then rename
 *
 * Every error is returned as a malloc'd message naming the file (and line
 * for parsed input) and what to do; nothing here prints or exits.
 */
#ifndef VMB_ROOTFS_H
#define VMB_ROOTFS_H

#include "shared/strlist.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* One word of a declaration, with where it was written (for messages) and
 * the directory relative SRC paths are taken from. */
struct rootfs_item {
	char *value;
	char *file;  /* the declaration */
	unsigned line;
	char *dir;   /* the declaration's directory */
};

struct rootfs_items {
	struct rootfs_item *v;
	size_t n;
	bool none; /* a declaration said "none" (the empty list on purpose, not unset) */
};

struct rootfs_plan {
	char *type;                      /* rootfs type name (busybox, glibc_small) */
	struct rootfs_items programs;    /* by name (PATH) or absolute path */
	struct rootfs_items libraries;   /* by soname or absolute path */
	struct rootfs_items files;       /* SRC:DEST[:MODE], or an absolute SRC alone */
	struct rootfs_items fstab;       /* whole fstab lines */
	struct rootfs_items modules;     /* module names, or "all" */
	struct rootfs_items users;       /* NAME:UID:GID:HOME:SHELL[:PASSWORD] */
	struct rootfs_items groups;      /* NAME:GID[:MEMBER,...] */
	struct rootfs_items packages;    /* Debian packages of the sysroot (doc/packages.md) */
	struct rootfs_item hostname;     /* value NULL: not declared */
	struct rootfs_item shares;       /* the guest's 'shares' (src/decl/share.h); value NULL: none */
	char **overlays;                 /* in the order they apply */
	size_t noverlays;
	char **permtabs;                 /* permissions tables, in order */
	size_t npermtabs;
	char **deps;                     /* every file the result depends on (for make) */
	size_t ndeps;
	char **templates_seen;           /* templates loaded (features included), for cycles */
	size_t ntemplates_seen;
	char *arch;                      /* the board's arch: KEY:ARCH entries for it apply */
	char *sysroot;                   /* target software comes from here; NULL: the build machine */
	struct namelist imports;         /* "DEST<TAB>SRC" per file and link imported */
};

/* ---- decl.c ------------------------------------------------------------ */

/* Where declarations are looked up: directories that each hold the layout of
 * the project's templates/ (layers first). */
struct rootfs_search {
	char **dirs;
	size_t n;
};

void rootfs_plan_free(struct rootfs_plan *p);
void rootfs_add_dep(struct rootfs_plan *p, const char *path);
void rootfs_items_add(struct rootfs_items *l, const char *value, const char *file, unsigned line,
		      const char *dir);

/* The skeleton every rootfs starts from (templates/skeleton/). */
int rootfs_load_skeleton(struct rootfs_plan *p, const struct rootfs_search *s, char **err);
/* templates/rootfs/NAME/rootfs.conf and its features. */
int rootfs_load_type(struct rootfs_plan *p, const struct rootfs_search *s, const char *name,
		     char **err);
/* templates/NAME/template.conf ("feature/kvm") and what it requires. */
int rootfs_load_template(struct rootfs_plan *p, const struct rootfs_search *s, const char *name,
			 const char *from_file, unsigned from_line, char **err);
/* A board declaration: its overlay/ and permissions beside it. */
int rootfs_load_board(struct rootfs_plan *p, const char *board_conf, char **err);
/* The rootfs type a guest declaration sets: replaces *type_out (malloc'd)
 * when it declares one, else leaves it. */
int rootfs_guest_type(const char *guest_conf, char **type_out, char **err);
/* A guest declaration (guests/NAME.conf): its content, features, hostname,
 * shares (the last declaration that sets them wins, as with extends), and
 * guests/NAME.overlay/ and guests/NAME.permissions when they exist. */
int rootfs_load_guest(struct rootfs_plan *p, const struct rootfs_search *s, const char *guest_conf,
		      char **err);
/* A user overlay directory given on the command line. */
int rootfs_add_overlay(struct rootfs_plan *p, const char *dir, const char *what, char **err);

/* "file:line: message" for an item. */
char *rootfs_item_error(const struct rootfs_item *it, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- elf-closure.c ----------------------------------------------------- */

struct elf_needs {
	char *interp;     /* PT_INTERP, or NULL (static, or a shared library) */
	char **needed;    /* DT_NEEDED, in order */
	size_t nneeded;
	char **runpath;   /* DT_RUNPATH (or DT_RPATH when no RUNPATH), $ORIGIN expanded */
	size_t nrunpath;
	bool is_elf;
};

/* Read @path's dynamic needs. A file that is not ELF gives is_elf false and
 * no error (scripts and data files have no needs). */
int elf_read_needs(const char *path, struct elf_needs *n, char **err);
/* The same for @path inside @root ("" is the machine's own root): $ORIGIN
 * is @path's directory, as the target sees it. */
int elf_read_needs_in(const char *root, const char *path, struct elf_needs *n, char **err);
void elf_needs_free(struct elf_needs *n);

/* The machine an ELF file is for, as uname -m and QEMU's user emulators
 * name it ("x86_64", "aarch64"); NULL when it is not ELF. */
const char *elf_machine(const char *path);

/* The default library directories searched after RUNPATH: the ld.so.conf
 * directories under @root ("" for the build machine), then the multiarch
 * defaults. Caller frees with strlist_free. */
char **elf_default_libdirs(const char *root, size_t *n);

/* The closure: @paths (paths of ELF files inside @root, "" for the build
 * machine) and everything they need, transitively, as paths inside @root
 * the way the target's dynamic linker would find them (interpreters by
 * their literal path), plus libgcc_s.so.1 beside a libc.so.6 (glibc
 * dlopen()s it). @libs are sonames searched like DT_NEEDED. Returns 0, or
 * -1 with *err naming the ELF file whose library is missing. *out is
 * sorted and unique. */
int elf_closure(const char *root, const char *const *paths, size_t npaths, const char *const *libs,
		size_t nlibs, const char *const *libdirs, size_t nlibdirs, char ***out, size_t *nout,
		char **err);

/* ---- import.c ---------------------------------------------------------- */

/* Where imports read from and write to, and who keeps the record. */
struct rootfs_importer {
	const char *tree;          /* the tree being assembled */
	const char *root;          /* sources are paths inside this: "" (the build machine)
				      or a sysroot */
	struct namelist *record;   /* "DEST<TAB>SRC" per file and link made, or NULL; SRC is
				      "sysroot:PATH" for a sysroot's files */
};

/* Copy @src (a path inside im->root) into the tree at @dest (absolute).
 * When @follow_links, a symlink at @src is reproduced as the same symlink
 * and its target imported as well (recursively, resolved inside the root);
 * otherwise the content is copied. A directory is imported with everything
 * below it (its symlinks kept as they are). Modes are normalised (0755 when
 * any execute bit is set, else 0644) unless @mode >= 0. Parent directories
 * are created 0755. */
int import_from(const struct rootfs_importer *im, const char *src, const char *dest,
		bool follow_links, int mode, char **err);

/* import_from with the build machine as root and no record. */
int import_path(const char *tree, const char *src, const char *dest, bool follow_links, int mode,
		char **err);

/* Write @data to @tree@dest with @mode, creating parent directories. */
int import_write(const char *tree, const char *dest, const char *data, int mode, char **err);

/* mkdir -p of @dest in @tree, refusing to follow a symlink on the way. */
int import_mkdir(const char *tree, const char *dest, char **err);

/* Is the absolute in-tree path @dest free of ".." and "." components? */
bool import_dest_ok(const char *dest);

/* ---- programs.c, files.c ----------------------------------------------- */

/* The declared programs and libraries with their library closure, from
 * @target (the sysroot, or the build machine). */
int programs_import(const struct rootfs_importer *target, struct rootfs_plan *p, char **err);
/* The declared files: a relative SRC from its declaration's directory
 * (@local), an absolute one from @target. */
int files_import(const struct rootfs_importer *local, const struct rootfs_importer *target,
		 struct rootfs_plan *p, char **err);
/* Split "SRC:DEST[:MODE]" (or an absolute SRC alone); *why says what is wrong. */
int files_parse_spec(const char *spec, char **src, char **dest, int *mode, char **why);

/* ---- overlay.c --------------------------------------------------------- */

/* Copy overlay directory @dir over @tree (symlinks copied as symlinks, modes
 * normalised). A relative symlink climbing above the root, or an entry that
 * is not a file, directory or symlink, is an error naming it. */
int overlay_apply(const struct rootfs_importer *im, const char *dir, char **err);

/* ---- skeleton.c -------------------------------------------------------- */

/* /etc/hostname, /etc/hosts, /etc/fstab (the default mounts plus declared
 * lines) and /etc/modules (the modules to load at boot). */
int skeleton_write_etc(const char *tree, const struct rootfs_plan *p, const char *hostname,
		       char **err);

/* ---- users.c ----------------------------------------------------------- */

/* /etc/passwd, /etc/group, /etc/shadow: root plus the declared accounts.
 * Appends permissions lines for home directories to *perms. */
int users_write(const char *tree, const struct rootfs_plan *p, char **perms, char **err);

/* ---- busybox.c --------------------------------------------------------- */

/* /bin/busybox from @busybox (a static build, a path inside im->root) and a
 * relative symlink for every applet that is not already in the tree. A
 * busybox for another architecture lists its applets under QEMU's user
 * emulation (qemu-ARCH, Debian's qemu-user). */
int busybox_install(const struct rootfs_importer *im, const char *busybox, char **err);

/* ---- modules.c --------------------------------------------------------- */

/* Extract @tarball (lib/modules/KVER/...) into @tree, keep the declared
 * modules and their dependencies (all when none or "all" is declared), and
 * run depmod for the target. */
int modules_install(const char *tree, const char *tarball, const struct rootfs_plan *p,
		    char **err);

/* ---- assemble.c -------------------------------------------------------- */

struct rootfs_add {         /* --add=SRC:DEST[:MODE] */
	char *src, *dest;
	int mode;           /* -1: normalise */
};

struct rootfs_job {
	const char *out;           /* OUT: OUT/tree, OUT/permissions */
	const char *name;          /* host or a guest name, for messages */
	const char *hostname;
	const char *busybox;       /* the static busybox to install */
	const char *modules;       /* modules tarball, or NULL */
	const char *post_build;    /* script, or NULL */
	const char *depfile;       /* make dependency file to write, or NULL */
	const char *depfile_target;
	struct rootfs_add *adds;
	size_t nadds;
};

int rootfs_assemble(const struct rootfs_job *job, struct rootfs_plan *p, char **err);

#endif
