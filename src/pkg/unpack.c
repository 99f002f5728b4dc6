/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unpacked packages and the sysroot made of them. Each .deb is unpacked
 * once (dpkg-deb -x, into a temporary directory renamed into place) under
 * CACHE/unpacked/, where every later build finds it. A build's sysroot is a
 * farm of hard links to those trees, one package after another in name
 * order (the first package to ship a path keeps it, as dpkg would refuse
 * the second without Replaces), made in a temporary directory and swapped
 * with the old sysroot in one rename. Nothing ever writes into a sysroot:
 * root filesystems copy out of it.
 */
#include "pkg/pkg.h"
#include "shared/outfile.h"
#include "shared/vec.h"
#include "shared/fsutil.h"
#include "shared/run.h"
#include "shared/strlist.h"
#include "shared/tool.h"
#include "shared/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* CACHE/unpacked/NAME_VERSION_ARCH (the .deb's name without ".deb"). */
static char *unpacked_dir(const char *cache_dir, const struct deb_pkg *p)
{
	char *deb = pkg_deb_path(cache_dir, p->name, p->version, p->arch);
	char *dir = xasprintf("%s/unpacked/%.*s", cache_dir, (int)(strlen(strrchr(deb, '/') + 1) - 4),
			      strrchr(deb, '/') + 1);

	free(deb);
	return dir;
}

static int unpack_once(const char *cache_dir, const struct deb_pkg *p, char **err)
{
	char *dir = unpacked_dir(cache_dir, p), *deb, *tmp, *parent;
	struct stat st;
	int r = 0;

	if (lstat(dir, &st) == 0 && S_ISDIR(st.st_mode)) {
		free(dir);
		return 0;
	}
	parent = xasprintf("%s/unpacked", cache_dir);
	deb = pkg_deb_path(cache_dir, p->name, p->version, p->arch);
	tmp = xasprintf("%s/.tmp-XXXXXX", parent);
	if (mkdir_p(parent, 0755) < 0 || !mkdtemp(tmp)) {
		*err = xasprintf("cannot make a directory in '%s': %s", parent, strerror(errno));
		r = -1;
		goto out;
	}
	const char *argv[] = { tool_path("dpkg-deb"), "--extract", deb, tmp, NULL };

	r = run(argv, NULL, err);
	if (r < 0) {
		char *e = *err;

		*err = xasprintf("cannot unpack %s %s: %s", p->name, p->version, e);
		free(e);
	} else if (rename(tmp, dir) < 0 && errno != EEXIST && errno != ENOTEMPTY) {
		*err = xasprintf("cannot rename '%s' to '%s': %s", tmp, dir, strerror(errno));
		r = -1;
	}
	/* A concurrent build unpacked it first: ours goes. */
	if (remove_tree(tmp) < 0 && r == 0) {
		*err = xasprintf("cannot remove '%s'", tmp);
		r = -1;
	}
out:
	free(tmp);
	free(deb);
	free(parent);
	free(dir);
	return r;
}

static int copy_into(int sfd, const char *name, int dfd, mode_t mode)
{
	int in = openat(sfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW), out, r = 0;
	char buf[65536];
	ssize_t n;

	if (in < 0)
		return -errno;
	out = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode & 07777);
	if (out < 0) {
		r = -errno;
		close(in);
		return r;
	}
	while (r == 0 && (n = read(in, buf, sizeof(buf))) != 0)
		r = n < 0 ? (errno == EINTR ? 0 : -errno) : write_all(out, buf, (size_t)n);
	if (close(out) < 0 && r == 0)
		r = -errno;
	close(in);
	return r;
}

struct farm {
	const char *pkg;     /* the package being linked in */
	char **files;        /* "PATH\tPACKAGE" */
	size_t nfiles;
};

/* Link directory @sfd's entries into @dfd; @rel is the path so far ("" at
 * the top). */
static int link_dir(struct farm *f, int sfd, int dfd, const char *rel, char **err)
{
	DIR *d = fdopendir(dup(sfd));
	struct dirent *e;
	int r = 0;

	if (!d) {
		*err = xasprintf("cannot read '/%s' of %s: %s", rel, f->pkg, strerror(errno));
		return -1;
	}
	while (r == 0 && (e = readdir(d))) {
		char *path;
		struct stat st;

		if (streq(e->d_name, ".") || streq(e->d_name, ".."))
			continue;
		if (fstatat(sfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			*err = xasprintf("cannot stat '/%s/%s' of %s: %s", rel, e->d_name, f->pkg,
					 strerror(errno));
			r = -1;
			break;
		}
		path = xasprintf("%s%s%s", rel, *rel ? "/" : "", e->d_name);
		if (S_ISDIR(st.st_mode)) {
			int s2, d2;

			if (mkdirat(dfd, e->d_name, st.st_mode & 07777) < 0 && errno != EEXIST) {
				*err = xasprintf("cannot create '/%s' in the sysroot: %s", path, strerror(errno));
				r = -1;
			} else if ((s2 = openat(sfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
				*err = xasprintf("cannot open '/%s' of %s: %s", path, f->pkg, strerror(errno));
				r = -1;
			} else {
				d2 = openat(dfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
				if (d2 < 0) {
					/* an earlier package has a file or symlink there: it keeps it */
				} else {
					r = link_dir(f, s2, d2, path, err);
					close(d2);
				}
				close(s2);
			}
		} else if (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) {
			int rr;

			if (S_ISLNK(st.st_mode)) {
				char target[PATH_MAX];
				ssize_t n = readlinkat(sfd, e->d_name, target, sizeof(target) - 1);

				if (n < 0)
					rr = -errno;
				else {
					target[n] = '\0';
					rr = symlinkat(target, dfd, e->d_name) < 0 ? -errno : 0;
				}
			} else {
				rr = linkat(sfd, e->d_name, dfd, e->d_name, 0) < 0 ? -errno : 0;
				if (rr == -EXDEV || rr == -EPERM || rr == -EMLINK)
					rr = copy_into(sfd, e->d_name, dfd, st.st_mode);
			}
			if (rr == 0) {
				char *line = xasprintf("/%s\t%s", path, f->pkg);

				strlist_push(&f->files, &f->nfiles, line);
				free(line);
			} else if (rr != -EEXIST) {
				*err = xasprintf("cannot put '/%s' of %s into the sysroot: %s", path, f->pkg,
						 strerror(-rr));
				r = -1;
			}
		}
		/* devices, FIFOs and sockets have no place in a .deb's data */
		free(path);
	}
	closedir(d);
	return r;
}

char *pkg_set_describe(const struct pkg_set *set)
{
	char *text = xstrdup("");

	for (size_t i = 0; i < set->n; i++) {
		const struct deb_pkg *p = set->v[i].pkg;
		char *src, *srcver;

		deb_source_of(p, &src, &srcver);
		strappendf(&text, "%s %s %s %s %s %s\n", p->name, p->arch, p->version,
			   p->sha256 ? p->sha256 : "-", src, srcver);
		free(src);
		free(srcver);
	}
	return text;
}

static int write_records(const char *tmp, const struct pkg_set *set, struct farm *f, char **err)
{
	char *dir = xasprintf("%s/.vmb", tmp), *path, *text = pkg_set_describe(set);
	int r = mkdir(dir, 0755) < 0 && errno != EEXIST ? -1 : 0;

	if (r < 0) {
		*err = xasprintf("cannot create '%s': %s", dir, strerror(errno));
		goto out;
	}
	path = xasprintf("%s/packages", dir);
	r = outfile_write(path, text, strlen(text), err);
	free(path);
	free(text);
	text = xstrdup("");
	qsort(f->files, f->nfiles, sizeof(*f->files), cmp_strings);
	for (size_t i = 0; i < f->nfiles; i++)
		strappendf(&text, "%s\n", f->files[i]);
	path = xasprintf("%s/files", dir);
	if (r == 0)
		r = outfile_write(path, text, strlen(text), err);
	free(path);
out:
	free(text);
	free(dir);
	return r;
}

int pkg_make_sysroot(const char *cache_dir, const struct pkg_set *set, const char *out,
		     char **err)
{
	char *tmp = xasprintf("%s.tmp-XXXXXX", out);
	struct farm f = { 0 };
	int r = 0, dfd = -1;

	for (size_t i = 0; i < set->n && r == 0; i++)
		r = unpack_once(cache_dir, set->v[i].pkg, err);
	if (r < 0)
		goto out;
	if (!mkdtemp(tmp)) {
		*err = xasprintf("cannot make a temporary directory beside '%s': %s", out, strerror(errno));
		r = -1;
		goto out;
	}
	dfd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fchmod(dfd, 0755) < 0) {
		*err = xasprintf("cannot open '%s': %s", tmp, strerror(errno));
		r = -1;
	}
	for (size_t i = 0; i < set->n && r == 0; i++) {
		char *src = unpacked_dir(cache_dir, set->v[i].pkg);
		int sfd = open(src, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		f.pkg = set->v[i].pkg->name;
		if (sfd < 0) {
			*err = xasprintf("cannot open the unpacked package '%s': %s", src, strerror(errno));
			r = -1;
		} else {
			r = link_dir(&f, sfd, dfd, "", err);
			close(sfd);
		}
		free(src);
	}
	if (r == 0)
		r = write_records(tmp, set, &f, err);
	/* Swap the new tree in; the old one (now at tmp) goes. */
	if (r == 0 && renameat2(AT_FDCWD, tmp, AT_FDCWD, out, RENAME_EXCHANGE) < 0) {
		if (errno != ENOENT || rename(tmp, out) < 0) {
			*err = xasprintf("cannot move the sysroot into place at '%s': %s", out,
					 strerror(errno));
			r = -1;
		}
	}
out:
	if (dfd >= 0)
		close(dfd);
	if (remove_tree(tmp) < 0 && r == 0) {
		*err = xasprintf("cannot remove '%s'", tmp);
		r = -1;
	}
	strlist_free(f.files, f.nfiles);
	free(tmp);
	return r;
}
