/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The shared-library closure of programs, read from their ELF headers with
 * libelf (DT_NEEDED, DT_RUNPATH/DT_RPATH, PT_INTERP) instead of running ldd:
 * ldd executes the program's interpreter, which is wrong for foreign
 * binaries and unsafe for untrusted ones.
 *
 * Search order for a needed name, as glibc's ld.so does it (simplified):
 * the requesting object's RUNPATH (or RPATH), then the ld.so.conf
 * directories, then the multiarch defaults. A candidate of another ELF
 * class or machine (a 32-bit library in /usr/lib32) is skipped, as ld.so
 * skips it. Libraries found in a directory are named by the directory's
 * real path, so /lib/x86_64-linux-gnu/libc.so.6 and its merged-/usr twin
 * are one file; the interpreter keeps its literal path, which the kernel
 * opens as written.
 */
#include "rootfs/rootfs.h"
#include "shared/fsutil.h"
#include "shared/input.h"
#include "shared/util.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <glob.h>
#include <libelf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

void elf_needs_free(struct elf_needs *n)
{
	free(n->interp);
	strlist_free(n->needed, n->nneeded);
	strlist_free(n->runpath, n->nrunpath);
	memset(n, 0, sizeof(*n));
}

/* Split a colon list, expanding $ORIGIN / ${ORIGIN} to @origin. */
static void add_search_list(struct elf_needs *n, const char *list, const char *origin)
{
	char *copy = xstrdup(list), *save = NULL;

	for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		char *expanded;

		if (startswith(d, "$ORIGIN"))
			expanded = xasprintf("%s%s", origin, d + strlen("$ORIGIN"));
		else if (startswith(d, "${ORIGIN}"))
			expanded = xasprintf("%s%s", origin, d + strlen("${ORIGIN}"));
		else
			expanded = xstrdup(d);
		strlist_push(&n->runpath, &n->nrunpath, expanded);
		free(expanded);
	}
	free(copy);
}

static int read_dynamic(Elf *e, const char *path, struct elf_needs *n, char **err)
{
	Elf_Scn *scn = NULL;
	char *rpath = NULL, *runpath = NULL;

	while ((scn = elf_nextscn(e, scn)) != NULL) {
		GElf_Shdr sh;
		Elf_Data *data;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_DYNAMIC)
			continue;
		data = elf_getdata(scn, NULL);
		if (!data || sh.sh_entsize == 0) {
			*err = xasprintf("%s: unreadable dynamic section: %s", path, elf_errmsg(-1));
			return -1;
		}
		for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Dyn d;
			const char *s;

			if (!gelf_getdyn(data, (int)i, &d))
				break;
			if (d.d_tag != DT_NEEDED && d.d_tag != DT_RPATH && d.d_tag != DT_RUNPATH)
				continue;
			s = elf_strptr(e, sh.sh_link, d.d_un.d_val);
			if (!s) {
				*err = xasprintf("%s: a dynamic entry points outside its string table",
						 path);
				return -1;
			}
			if (d.d_tag == DT_NEEDED)
				strlist_push(&n->needed, &n->nneeded, s);
			else if (d.d_tag == DT_RPATH)
				rpath = (char *)s;
			else
				runpath = (char *)s;
		}
	}
	/* ld.so ignores DT_RPATH when DT_RUNPATH is present. */
	if (runpath || rpath) {
		char *origin = path_dir(path);

		add_search_list(n, runpath ? runpath : rpath, origin);
		free(origin);
	}
	return 0;
}

static int read_interp(Elf *e, const char *path, struct elf_needs *n, char **err)
{
	size_t nph, size;
	const char *raw = elf_rawfile(e, &size);

	if (elf_getphdrnum(e, &nph) != 0) {
		*err = xasprintf("%s: unreadable program headers: %s", path, elf_errmsg(-1));
		return -1;
	}
	for (size_t i = 0; i < nph; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(e, (int)i, &ph) || ph.p_type != PT_INTERP)
			continue;
		if (!raw || ph.p_offset >= size || ph.p_filesz > size - ph.p_offset || ph.p_filesz == 0) {
			*err = xasprintf("%s: PT_INTERP lies outside the file", path);
			return -1;
		}
		if (n->interp) {
			*err = xasprintf("%s: more than one PT_INTERP: not a program the loader runs",
					 path);
			return -1;
		}
		n->interp = xstrndup(raw + ph.p_offset, ph.p_filesz);
	}
	return 0;
}

/* Where @path inside @root really is on the build machine: symlinks are
 * followed inside the root (an absolute link in a sysroot points into the
 * sysroot, never at the build machine's own files). */
static char *rooted(const char *root, const char *path)
{
	char *real = *root ? realpath_in_root(root, path) : NULL, *full;

	full = xasprintf("%s%s", root, real ? real : path);
	free(real);
	return full;
}

static void elf_init(void)
{
	static bool done;

	if (!done) {
		elf_version(EV_CURRENT);
		done = true;
	}
}

/* Open @path as ELF; *e is NULL (and no error) when it is not ELF. */
static int elf_open(const char *path, int *fd, Elf **e, char **err)
{
	struct stat st;
	char *why = NULL;

	elf_init();
	*e = NULL;
	*fd = input_open(path, &st, &why);
	if (*fd < 0) {
		*err = xasprintf("cannot read a program or library: %s", why);
		free(why);
		return -1;
	}
	*e = elf_begin(*fd, ELF_C_READ_MMAP, NULL);
	if (*e && elf_kind(*e) != ELF_K_ELF) {
		elf_end(*e);
		*e = NULL;
	}
	return 0;
}

static void elf_close(int fd, Elf *e)
{
	if (e)
		elf_end(e);
	close(fd);
}

int elf_read_needs_in(const char *root, const char *path, struct elf_needs *n, char **err)
{
	char *full = rooted(root, path);
	Elf *e;
	int fd, r;

	memset(n, 0, sizeof(*n));
	r = elf_open(full, &fd, &e, err);
	free(full);
	if (r < 0)
		return -1;
	if (!e) {
		close(fd);
		return 0;
	}
	n->is_elf = true;
	r = read_interp(e, path, n, err);
	if (r == 0)
		r = read_dynamic(e, path, n, err);
	elf_close(fd, e);
	if (r < 0)
		elf_needs_free(n);
	return r;
}

int elf_read_needs(const char *path, struct elf_needs *n, char **err)
{
	return elf_read_needs_in("", path, n, err);
}

/* Class and machine of an ELF file; false when it is not one. */
static bool elf_identity(const char *root, const char *path, int *cls, int *machine)
{
	char *err = NULL, *full = rooted(root, path);
	GElf_Ehdr eh;
	Elf *e;
	int fd, r = elf_open(full, &fd, &e, &err);
	bool ok = false;

	free(full);
	if (r < 0) {
		free(err);
		return false;
	}
	if (e && gelf_getehdr(e, &eh)) {
		*cls = gelf_getclass(e);
		*machine = eh.e_machine;
		ok = true;
	}
	elf_close(fd, e);
	return ok;
}

static void add_conf_dirs(const char *root, const char *conf, char ***v, size_t *n, int depth);

/* One ld.so.conf line: a directory, or "include GLOB". */
static void add_conf_line(const char *root, char *line, char ***v, size_t *n, int depth)
{
	char *p = line + strspn(line, " \t");

	p[strcspn(p, "#\r\n")] = '\0';
	for (size_t l = strlen(p); l && (p[l - 1] == ' ' || p[l - 1] == '\t'); l--)
		p[l - 1] = '\0';
	if (!*p)
		return;
	if (startswith(p, "include") && (p[7] == ' ' || p[7] == '\t')) {
		char *pattern = p + 8 + strspn(p + 8, " \t");
		char *full = xasprintf("%s%s", root, pattern);
		glob_t g;

		if (glob(full, 0, NULL, &g) == 0) {
			for (size_t i = 0; i < g.gl_pathc; i++)
				add_conf_dirs(root, g.gl_pathv[i] + strlen(root), v, n, depth + 1);
			globfree(&g);
		}
		free(full);
		return;
	}
	if (*p == '/' && !strlist_has(*v, *n, p))
		strlist_push(v, n, p);
}

static void add_conf_dirs(const char *root, const char *conf, char ***v, size_t *n, int depth)
{
	char *path = xasprintf("%s%s", root, conf), *data, *save = NULL;
	size_t len;

	if (depth < 8 && read_file(path, &data, &len) == 0) {
		for (char *l = strtok_r(data, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
			add_conf_line(root, l, v, n, depth);
		free(data);
	}
	free(path);
}

char **elf_default_libdirs(const char *root, size_t *n)
{
	/* Both targets' multiarch directories: a library of the wrong class or
	 * machine is skipped when it is looked up, as ld.so skips it. */
	static const char *const multiarch[] = {
		"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu",
		"/usr/lib/aarch64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib",
	};
	char **v = NULL, *conf = xasprintf("%s/etc/ld.so.conf", root);

	*n = 0;
	/* A sysroot unpacked from packages has libc6's ld.so.conf.d/ snippets
	 * but no ld.so.conf (libc-bin's, which no library depends on). */
	if (access(conf, F_OK) == 0) {
		add_conf_dirs(root, "/etc/ld.so.conf", &v, n, 0);
	} else {
		char line[] = "include /etc/ld.so.conf.d/*.conf";

		add_conf_line(root, line, &v, n, 0);
	}
	free(conf);
	for (size_t i = 0; i < ARRAY_SIZE(multiarch); i++)
		if (!strlist_has(v, *n, multiarch[i]))
			strlist_push(&v, n, multiarch[i]);
	return v;
}

/* dir/name, with dir replaced by its real path inside @root. */
static char *canonical_in_dir(const char *root, const char *dir, const char *name)
{
	char *real = realpath_in_root(root, dir), *r;

	if (!real)
		return xasprintf("%s/%s", dir, name);
	r = xasprintf("%s/%s", streq(real, "/") ? "" : real, name);
	free(real);
	return r;
}

static char *find_in(const char *root, char *const *dirs, size_t ndirs, const char *name, int cls,
		     int machine)
{
	for (size_t i = 0; i < ndirs; i++) {
		char *cand = xasprintf("%s/%s", dirs[i], name), *full = rooted(root, cand);
		int c, m;
		bool hit = access(full, F_OK) == 0 && elf_identity(root, cand, &c, &m) &&
			   (cls < 0 || (c == cls && m == machine));

		free(full);
		free(cand);
		if (hit)
			return canonical_in_dir(root, dirs[i], name);
	}
	return NULL;
}

static char *searched_list(char *const *a, size_t na, const char *const *b, size_t nb)
{
	char *s = NULL;

	for (size_t i = 0; i < na; i++)
		strappendf(&s, "%s%s", s ? ", " : "", a[i]);
	for (size_t i = 0; i < nb; i++)
		strappendf(&s, "%s%s", s ? ", " : "", b[i]);
	return s ? s : xstrdup("(nothing)");
}

static char *resolve(const char *root, const char *who, const struct elf_needs *n, const char *name,
		     int cls, int machine, const char *const *libdirs, size_t nlibdirs, char **err)
{
	char *found, *where;

	if (strchr(name, '/'))
		return xstrdup(name);
	found = find_in(root, n ? n->runpath : NULL, n ? n->nrunpath : 0, name, cls, machine);
	if (!found)
		found = find_in(root, (char *const *)libdirs, nlibdirs, name, cls, machine);
	if (found)
		return found;
	where = searched_list(n ? n->runpath : NULL, n ? n->nrunpath : 0, libdirs, nlibdirs);
	*err = xasprintf("%s needs library '%s', which is in none of %s%s; %s", who, name, where,
			 *root ? " of the sysroot" : "",
			 *root ? "add the package that provides it to a 'packages' declaration"
			       : "install the package that provides it, or add its directory to "
				 "/etc/ld.so.conf.d/");
	free(where);
	return NULL;
}

/* glibc dlopen()s libgcc_s.so.1 to unwind a cancelled thread (pthread_cancel,
 * pthread_exit): no DT_NEEDED names it, but a program using threads aborts
 * without it ("libgcc_s.so.1 must be installed for pthread_cancel to work"). */
static void add_dlopened(const char *root, char ***todo, size_t *ntodo, char *const *done, size_t ndone,
			 const char *const *libdirs, size_t nlibdirs)
{
	for (size_t i = 0; i < ndone; i++) {
		int c, m;
		char *e = NULL, *p;

		if (!endswith(done[i], "/libc.so.6") || !elf_identity(root, done[i], &c, &m))
			continue;
		p = resolve(root, done[i], NULL, "libgcc_s.so.1", c, m, libdirs, nlibdirs, &e);
		free(e);
		if (p && !strlist_has(*todo, *ntodo, p))
			strlist_push(todo, ntodo, p);
		free(p);
	}
}

int elf_closure(const char *root, const char *const *paths, size_t npaths, const char *const *libs,
		size_t nlibs, const char *const *libdirs, size_t nlibdirs, char ***out, size_t *nout,
		char **err)
{
	char **todo = NULL, **done = NULL;
	size_t ntodo = 0, ndone = 0;
	int machine = 0, cls = -1;

	for (size_t i = 0; i < npaths; i++)
		strlist_push(&todo, &ntodo, paths[i]);
	if (npaths > 0 && !elf_identity(root, paths[0], &cls, &machine))
		cls = -1;
	for (size_t i = 0; i < nlibs; i++) {
		char *p = resolve(root, "the declaration", NULL, libs[i], cls, machine, libdirs, nlibdirs,
				  err);

		if (!p)
			goto fail;
		strlist_push(&todo, &ntodo, p);
		free(p);
	}
	for (size_t pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < ntodo; i++) {
			struct elf_needs n;
			int c, m;

			if (strlist_has(done, ndone, todo[i]))
				continue;
			strlist_push(&done, &ndone, todo[i]);
			if (elf_read_needs_in(root, todo[i], &n, err) < 0)
				goto fail;
			if (!elf_identity(root, todo[i], &c, &m))
				c = -1;
			if (n.interp && !strlist_has(todo, ntodo, n.interp))
				strlist_push(&todo, &ntodo, n.interp);
			for (size_t k = 0; k < n.nneeded; k++) {
				char *p = resolve(root, todo[i], &n, n.needed[k], c, m, libdirs, nlibdirs,
						  err);

				if (!p) {
					elf_needs_free(&n);
					goto fail;
				}
				if (!strlist_has(todo, ntodo, p))
					strlist_push(&todo, &ntodo, p);
				free(p);
			}
			elf_needs_free(&n);
		}
		if (pass == 0)
			add_dlopened(root, &todo, &ntodo, done, ndone, libdirs, nlibdirs);
	}
	strlist_free(todo, ntodo);
	qsort(done, ndone, sizeof(*done), cmp_strings);
	*out = done;
	*nout = ndone;
	return 0;
fail:
	strlist_free(todo, ntodo);
	strlist_free(done, ndone);
	return -1;
}

const char *elf_machine(const char *path)
{
	int cls, machine;

	if (!elf_identity("", path, &cls, &machine))
		return NULL;
	switch (machine) {
	case EM_X86_64: return "x86_64";
	case EM_AARCH64: return "aarch64";
	case EM_386: return "i386";
	case EM_ARM: return "arm";
	case EM_RISCV: return "riscv64";
	default: return NULL;
	}
}
