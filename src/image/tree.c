/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "tree.h"
#include "shared/input.h"
#include "shared/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* ---- building blocks ---------------------------------------------------- */

static struct tree_entry *new_entry(struct tree_entry *parent, const char *name,
				    struct tree_inode *inode)
{
	struct tree_entry *e = xcalloc(1, sizeof(*e));

	e->name = xstrdup(name);
	e->parent = parent;
	e->inode = inode;
	if (!parent) {
		e->path = xstrdup("/");
	} else {
		e->path = xasprintf("%s/%s", streq(parent->path, "/") ? "" : parent->path, name);
		e->depth = parent->depth + 1;
	}
	return e;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct tree_entry *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

/* Index where @name is or would go among @dir's sorted kids. */
static size_t kid_slot(const struct tree_entry *dir, const char *name, bool *found)
{
	size_t lo = 0, hi = dir->nkids;

	*found = false;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(dir->kids[mid]->name, name);

		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void append_kid(struct tree_entry *dir, struct tree_entry *kid)
{
	if (dir->nkids == dir->cap) {
		dir->cap = dir->cap ? dir->cap * 2 : 8;
		dir->kids = xrealloc(dir->kids, dir->cap * sizeof(*dir->kids));
	}
	dir->kids[dir->nkids++] = kid;
}

static void insert_kid(struct tree_entry *dir, struct tree_entry *kid)
{
	bool found;
	size_t at = kid_slot(dir, kid->name, &found);

	append_kid(dir, kid);
	memmove(&dir->kids[at + 1], &dir->kids[at], (dir->nkids - 1 - at) * sizeof(*dir->kids));
	dir->kids[at] = kid;
}

/* ---- hard-link index: (st_dev, st_ino) -> inode, open addressing ------- */

struct link_index {
	struct tree_inode **slot;
	size_t cap, used;
};

static size_t link_hash(dev_t dev, ino_t ino, size_t cap)
{
	uint64_t h = (uint64_t)ino * 0x9E3779B97F4A7C15ULL ^ (uint64_t)dev * 0xC2B2AE3D27D4EB4FULL;

	return (size_t)(h >> 17) & (cap - 1);
}

static struct tree_inode **link_find(struct link_index *x, dev_t dev, ino_t ino)
{
	size_t i;

	if (x->used * 2 >= x->cap) {
		struct link_index bigger = { .cap = x->cap ? x->cap * 2 : 64 };

		bigger.slot = xcalloc(bigger.cap, sizeof(*bigger.slot));
		for (size_t k = 0; k < x->cap; k++) {
			struct tree_inode *in = x->slot[k];

			if (!in)
				continue;
			i = link_hash(in->host_dev, in->host_ino, bigger.cap);
			while (bigger.slot[i])
				i = (i + 1) & (bigger.cap - 1);
			bigger.slot[i] = in;
		}
		bigger.used = x->used;
		free(x->slot);
		*x = bigger;
	}
	i = link_hash(dev, ino, x->cap);
	while (x->slot[i] && !(x->slot[i]->host_dev == dev && x->slot[i]->host_ino == ino))
		i = (i + 1) & (x->cap - 1);
	return &x->slot[i];
}

/* ---- data runs ---------------------------------------------------------- */

#define CHUNK (1024U * 1024U)

static bool all_zero(const unsigned char *p, size_t n)
{
	return n == 0 || (p[0] == 0 && memcmp(p, p + 1, n - 1) == 0);
}

struct run_state {
	uint64_t start, end; /* the open run, if end > start */
	int (*fn)(void *ctx, uint64_t off, uint64_t len);
	void *ctx;
};

static int run_block(struct run_state *rs, uint64_t off, uint64_t len, bool zero)
{
	int r;

	if (!zero && rs->end > rs->start && rs->end == off) {
		rs->end = off + len;
		return 0;
	}
	if (rs->end > rs->start && (r = rs->fn(rs->ctx, rs->start, rs->end - rs->start)) != 0)
		return r;
	rs->start = rs->end = 0;
	if (!zero) {
		rs->start = off;
		rs->end = off + len;
	}
	return 0;
}

/* Scan [from, to) of the file block by block. */
static int scan_range(int fd, uint64_t from, uint64_t to, unsigned char *buf, struct run_state *rs)
{
	while (from < to) {
		size_t want = (size_t)(to - from < CHUNK ? to - from : CHUNK);
		ssize_t got = pread(fd, buf, want, (off_t)from);
		int r;

		if (got < 0)
			return -errno;
		if ((size_t)got != want)
			return -ESTALE; /* the file shrank under us */
		for (size_t o = 0; o < want; o += TREE_BLOCK) {
			size_t n = want - o < TREE_BLOCK ? want - o : TREE_BLOCK;

			r = run_block(rs, from + o, n, all_zero(buf + o, n));
			if (r)
				return r;
		}
		from += want;
	}
	return 0;
}

int tree_data_runs(int fd, uint64_t size, int (*fn)(void *ctx, uint64_t off, uint64_t len),
		   void *ctx)
{
	struct run_state rs = { .fn = fn, .ctx = ctx };
	unsigned char *buf = xmalloc(CHUNK);
	uint64_t pos = 0;
	int r = 0;

	while (pos < size && r == 0) {
		off_t data = lseek(fd, (off_t)pos, SEEK_DATA);
		off_t hole;
		uint64_t s, e;

		if (data < 0) {
			if (errno == ENXIO)
				break;
			if (errno != EINVAL && errno != EOPNOTSUPP) {
				r = -errno;
				break;
			}
			/* The file system cannot tell: read everything. */
			r = scan_range(fd, pos, size, buf, &rs);
			break;
		}
		hole = lseek(fd, data, SEEK_HOLE);
		if (hole < 0) {
			r = -errno;
			break;
		}
		s = (uint64_t)data / TREE_BLOCK * TREE_BLOCK;
		e = ((uint64_t)hole + TREE_BLOCK - 1) / TREE_BLOCK * TREE_BLOCK;
		if (s < pos)
			s = pos;
		if (e > size)
			e = size;
		/* A hole between regions ends any open run. */
		if (rs.end > rs.start && s > rs.end)
			r = run_block(&rs, rs.end, 0, true);
		if (r == 0)
			r = scan_range(fd, s, e, buf, &rs);
		pos = e;
	}
	if (r == 0 && rs.end > rs.start)
		r = fn(ctx, rs.start, rs.end - rs.start);
	free(buf);
	return r;
}

struct region_count {
	uint64_t blocks;
	uint32_t regions;
};

static int count_region(void *ctx, uint64_t off, uint64_t len)
{
	struct region_count *rc = ctx;

	(void)off;
	rc->blocks += (len + TREE_BLOCK - 1) / TREE_BLOCK;
	rc->regions++;
	return 0;
}

/* ---- walking the staged directory --------------------------------------- */

bool tree_symlink_escapes(unsigned dir_depth, const char *target)
{
	long depth = target[0] == '/' ? 0 : (long)dir_depth;
	const char *p = target;

	while (*p) {
		size_t len = strcspn(p, "/");

		if (len == 2 && p[0] == '.' && p[1] == '.') {
			if (--depth < 0)
				return true;
		} else if (len > 0 && !(len == 1 && p[0] == '.')) {
			depth++;
		}
		p += len;
		while (*p == '/')
			p++;
	}
	return false;
}

struct walker {
	struct tree *t;
	struct link_index links;
	char **err;
};

_printf_format_(3, 4) static int walk_fail(struct walker *w, int r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	*w->err = xvasprintf(fmt, ap);
	va_end(ap);
	return r;
}

static int walk_dir(struct walker *w, int dfd, struct tree_entry *dir);

static int read_regular(struct walker *w, int dfd, const char *name, const char *host,
			struct tree_inode *in)
{
	struct region_count rc = { 0 };
	int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	int r;

	if (fd < 0)
		return walk_fail(w, -errno, "cannot read '%s': %s", host, strerror(errno));
	r = tree_data_runs(fd, in->size, count_region, &rc);
	close(fd);
	if (r == -ESTALE)
		return walk_fail(w, r, "'%s' changed while it was being read; build the image "
				 "when nothing writes to the tree", host);
	if (r < 0)
		return walk_fail(w, r, "cannot read '%s': %s", host, strerror(-r));
	in->data_blocks = rc.blocks;
	in->regions = rc.regions;
	return 0;
}

/* One name found in a staged directory: make its entry (sharing the inode of
 * an earlier hard link) and read what the writers will need. */
static int add_found(struct walker *w, int dfd, struct tree_entry *dir, const char *name)
{
	struct tree_entry *e;
	struct tree_inode *in, **slot = NULL;
	struct stat st;
	char *host = xasprintf("%s%s/%s", w->t->dir, streq(dir->path, "/") ? "" : dir->path, name);
	int r = 0;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		r = walk_fail(w, -errno, "cannot stat '%s': %s", host, strerror(errno));
		goto out;
	}
	if (S_ISSOCK(st.st_mode)) {
		r = walk_fail(w, -EINVAL, "'%s' is a socket; images cannot carry sockets (programs "
			      "create them at run time): remove it from the tree", host);
		goto out;
	}
	if (!S_ISDIR(st.st_mode) && st.st_nlink > 1) {
		slot = link_find(&w->links, st.st_dev, st.st_ino);
		if (*slot) {
			e = new_entry(dir, name, *slot);
			append_kid(dir, e);
			goto out;
		}
	}
	in = xcalloc(1, sizeof(*in));
	in->mode = (uint32_t)st.st_mode & (S_IFMT | 07777);
	in->host_dev = st.st_dev;
	in->host_ino = st.st_ino;
	if (slot) {
		*slot = in;
		w->links.used++;
	}
	e = new_entry(dir, name, in);
	append_kid(dir, e);
	if (S_ISREG(st.st_mode)) {
		in->size = (uint64_t)st.st_size;
		in->src = xstrdup(host);
		r = read_regular(w, dfd, name, host, in);
	} else if (S_ISLNK(st.st_mode)) {
		char buf[4096];
		ssize_t len = readlinkat(dfd, name, buf, sizeof(buf));

		if (len < 0) {
			r = walk_fail(w, -errno, "cannot read symlink '%s': %s", host, strerror(errno));
			goto out;
		}
		if ((size_t)len == sizeof(buf) || len == 0) {
			r = walk_fail(w, -ENAMETOOLONG, "symlink '%s' has an %s target", host,
				      len ? "over-long" : "empty");
			goto out;
		}
		in->target = xstrndup(buf, (size_t)len);
		in->size = (uint64_t)len;
		in->mode = S_IFLNK | 0777;
		if (tree_symlink_escapes(dir->depth, in->target)) {
			r = walk_fail(w, -EXDEV, "'%s' is a symlink to '%s', which points outside the "
				      "root filesystem; make the target stay inside the tree (an "
				      "absolute target is read inside the image)", host, in->target);
			goto out;
		}
	} else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
		in->major = major(st.st_rdev);
		in->minor = minor(st.st_rdev);
	} else if (S_ISDIR(st.st_mode)) {
		int sub = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

		if (sub < 0) {
			r = walk_fail(w, -errno, "cannot open directory '%s': %s", host, strerror(errno));
			goto out;
		}
		r = walk_dir(w, sub, e);
		close(sub);
	}
out:
	free(host);
	return r;
}

static int walk_dir(struct walker *w, int dfd, struct tree_entry *dir)
{
	int dup_fd = dup(dfd);
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int r = 0;

	if (dup_fd < 0 || !(d = fdopendir(dup_fd))) {
		if (dup_fd >= 0)
			close(dup_fd);
		return walk_fail(w, -errno, "cannot list '%s%s': %s", w->t->dir, dir->path,
				 strerror(errno));
	}
	/* Read all names first so only one directory stream is open per level. */
	while ((errno = 0, de = readdir(d))) {
		if (streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			names = xrealloc(names, cap * sizeof(*names));
		}
		names[n++] = xstrdup(de->d_name);
	}
	if (errno)
		r = walk_fail(w, -errno, "cannot list '%s%s': %s", w->t->dir, dir->path,
			      strerror(errno));
	closedir(d);
	for (size_t i = 0; i < n && r == 0; i++)
		r = add_found(w, dfd, dir, names[i]);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (dir->nkids > 1)
		qsort(dir->kids, dir->nkids, sizeof(*dir->kids), cmp_entry);
	return r;
}

int tree_load(const char *dir, struct tree *t, char **err)
{
	struct walker w = { .t = t, .err = err };
	struct tree_inode *root;
	struct stat st;
	int fd, r;

	memset(t, 0, sizeof(*t));
	t->dir = xstrdup(dir);
	root = xcalloc(1, sizeof(*root));
	root->mode = S_IFDIR | 0755;
	t->root = new_entry(NULL, "", root);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		if (r == -ENOENT || r == -ELOOP) {
			char *why = input_problem(dir, -r); /* "does not exist" only when so */

			*err = xasprintf("root filesystem tree %s", why);
			free(why);
		} else if (r == -ENOTDIR)
			*err = xasprintf("root filesystem tree '%s' is not a directory", dir);
		else
			*err = xasprintf("cannot open root filesystem tree '%s': %s", dir, strerror(-r));
		return r;
	}
	if (fstat(fd, &st) == 0)
		root->host_dev = st.st_dev;
	r = walk_dir(&w, fd, t->root);
	close(fd);
	free(w.links.slot);
	return r;
}

/* ---- the permissions table ---------------------------------------------- */

_printf_format_(3, 4) static int entry_fail(const struct perm_entry *pe, char **err,
					    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	*err = where_vmsg(pe->file, pe->line, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static struct tree_entry *lookup(struct tree *t, const char *path)
{
	struct tree_entry *cur = t->root;
	const char *p = path;

	while (*p == '/')
		p++;
	while (*p && cur) {
		size_t len = strcspn(p, "/");
		char *name = xstrndup(p, len);
		bool found;
		size_t at;

		if (!S_ISDIR(cur->inode->mode)) {
			free(name);
			return NULL;
		}
		at = kid_slot(cur, name, &found);
		free(name);
		cur = found ? cur->kids[at] : NULL;
		p += len;
		while (*p == '/')
			p++;
	}
	return cur;
}

static const char *type_word(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: return "a regular file";
	case S_IFDIR: return "a directory";
	case S_IFLNK: return "a symlink";
	case S_IFCHR: return "a character device";
	case S_IFBLK: return "a block device";
	case S_IFIFO: return "a fifo";
	default: return "a special file";
	}
}

static void set_attrs(struct tree_inode *in, const struct perm_entry *pe)
{
	if (pe->mode != PERM_KEEP && !S_ISLNK(in->mode))
		in->mode = (in->mode & S_IFMT) | (uint32_t)pe->mode;
	if (pe->uid != PERM_KEEP)
		in->uid = (uint32_t)pe->uid;
	if (pe->gid != PERM_KEEP)
		in->gid = (uint32_t)pe->gid;
}

static void set_attrs_below(struct tree_entry *e, const struct perm_entry *pe)
{
	set_attrs(e->inode, pe);
	for (size_t i = 0; i < e->nkids; i++)
		set_attrs_below(e->kids[i], pe);
}

/* The directory that will hold @path, which must already exist. */
static int parent_of(struct tree *t, const struct perm_entry *pe, const char *path,
		     struct tree_entry **dir, char **err)
{
	const char *slash = strrchr(path, '/');
	char *ppath = xstrndup(path, (size_t)(slash - path));
	struct tree_entry *p = lookup(t, ppath[0] ? ppath : "/");
	int r = 0;

	if (!p)
		r = entry_fail(pe, err, "parent directory '%s' of '%s' is neither in the tree nor "
			       "made by an earlier 'd' line; add '%s d 755 0 0 - - - - -' before "
			       "this line", ppath, path, ppath);
	else if (!S_ISDIR(p->inode->mode))
		r = entry_fail(pe, err, "parent '%s' of '%s' is %s, not a directory", ppath, path,
			       type_word(p->inode->mode));
	free(ppath);
	*dir = p;
	return r;
}

static int make_node(struct tree *t, const struct perm_entry *pe, const char *path,
		     uint32_t type, uint32_t minor, char **err)
{
	struct tree_entry *dir, *e = lookup(t, path);
	struct tree_inode *in;
	int r;

	if (e) {
		if ((e->inode->mode & S_IFMT) != type)
			return entry_fail(pe, err, "'%s' is already in the tree as %s; remove it "
					  "from the tree or change the table", path,
					  type_word(e->inode->mode));
		in = e->inode;
	} else {
		r = parent_of(t, pe, path, &dir, err);
		if (r < 0)
			return r;
		in = xcalloc(1, sizeof(*in));
		in->mode = type | (type == S_IFDIR ? 0755 : 0644);
		insert_kid(dir, new_entry(dir, strrchr(path, '/') + 1, in));
	}
	set_attrs(in, pe);
	in->major = type == S_IFCHR || type == S_IFBLK ? pe->major : 0;
	in->minor = type == S_IFCHR || type == S_IFBLK ? minor : 0;
	return 0;
}

static int apply_one(struct tree *t, const struct perm_entry *pe, char **err)
{
	struct tree_entry *e;
	uint32_t type;

	switch (pe->type) {
	case 'f':
	case 'r':
		e = lookup(t, pe->path);
		if (!e)
			return entry_fail(pe, err, "'%s' is not in the tree (the table sets owners "
					  "and modes of existing files; use 'd' to make a "
					  "directory)", pe->path);
		if (pe->type == 'f' && S_ISDIR(e->inode->mode))
			return entry_fail(pe, err, "'%s' is a directory; use type 'd' (or 'r' for "
					  "everything below it)", pe->path);
		if (pe->type == 'r')
			set_attrs_below(e, pe);
		else
			set_attrs(e->inode, pe);
		return 0;
	case 'd':
		return make_node(t, pe, pe->path, S_IFDIR, 0, err);
	case 'p':
		return make_node(t, pe, pe->path, S_IFIFO, 0, err);
	default:
		break;
	}
	type = pe->type == 'c' ? S_IFCHR : S_IFBLK;
	if (pe->count == 0)
		return make_node(t, pe, pe->path, type, pe->minor, err);
	for (uint32_t i = 0; i < pe->count; i++) {
		char *path = xasprintf("%s%llu", pe->path, (unsigned long long)pe->start + i);
		int r = make_node(t, pe, path, type, pe->minor + i * pe->inc, err);

		free(path);
		if (r < 0)
			return r;
	}
	return 0;
}

int tree_apply_permtab(struct tree *t, const struct permtab *p, char **err)
{
	for (size_t i = 0; i < p->n; i++) {
		int r = apply_one(t, &p->v[i], err);

		if (r < 0)
			return r;
	}
	return 0;
}

/* ---- order and statistics ----------------------------------------------- */

static void visit(struct tree *t, struct tree_entry *e, size_t *cap)
{
	struct tree_inode *in = e->inode;
	struct tree_stats *s = &t->stats;

	if (t->n == *cap) {
		*cap = *cap ? *cap * 2 : 256;
		t->order = xrealloc(t->order, *cap * sizeof(*t->order));
	}
	t->order[t->n++] = e;
	s->entries++;
	if (!in->first) {
		in->first = e;
		in->nlink = 0;
		s->inodes++;
		switch (in->mode & S_IFMT) {
		case S_IFDIR: s->dirs++; break;
		case S_IFREG:
			s->regular++;
			s->data_blocks += in->data_blocks;
			s->apparent_bytes += in->size;
			break;
		case S_IFLNK:
			s->symlinks++;
			if (in->size >= 60)
				s->long_symlinks++;
			break;
		case S_IFIFO: s->fifos++; break;
		default: s->devices++; break;
		}
	} else {
		s->hardlinks++;
	}
	in->nlink++;
	if (S_ISDIR(in->mode)) {
		s->dir_bytes += 24; /* "." and ".." */
		for (size_t i = 0; i < e->nkids; i++)
			s->dir_bytes += (8 + strlen(e->kids[i]->name) + 3) & ~3ULL;
	}
	for (size_t i = 0; i < e->nkids; i++)
		visit(t, e->kids[i], cap);
}

void tree_finish(struct tree *t)
{
	size_t cap = 0;

	for (size_t i = 0; i < t->n; i++)
		t->order[i]->inode->first = NULL;
	t->n = 0;
	memset(&t->stats, 0, sizeof(t->stats));
	visit(t, t->root, &cap);
}

static void free_entry(struct tree_entry *e)
{
	struct tree_inode *in = e->inode;

	for (size_t i = 0; i < e->nkids; i++)
		free_entry(e->kids[i]);
	free(e->kids);
	free(e->name);
	free(e->path);
	/* The last name to go frees the inode: count down the names here. */
	if (in && --in->nlink == 0) {
		free(in->target);
		free(in->src);
		free(in);
	}
	free(e);
}

/* Count names per inode (tree_finish may not have run). */
static void count_names(struct tree_entry *e, bool reset)
{
	if (reset)
		e->inode->nlink = 0;
	else
		e->inode->nlink++;
	for (size_t i = 0; i < e->nkids; i++)
		count_names(e->kids[i], reset);
}

void tree_free(struct tree *t)
{
	if (t->root) {
		count_names(t->root, true);
		count_names(t->root, false);
		free_entry(t->root);
	}
	free(t->order);
	free(t->dir);
	free(t->late_err);
	memset(t, 0, sizeof(*t));
}

/* ---- names added after loading (the stager's guest files) --------------- */

/* The directory @path names, made with its parents when missing. */
static int graft_dir(struct tree *t, const char *path, struct tree_entry **out, char **err)
{
	struct tree_entry *cur = t->root;
	const char *p = path;

	while (*p) {
		size_t len;
		char *name;
		bool found;
		size_t at;

		while (*p == '/')
			p++;
		len = strcspn(p, "/");
		if (!len)
			break;
		name = xstrndup(p, len);
		at = kid_slot(cur, name, &found);
		if (!found) {
			struct tree_inode *in = xcalloc(1, sizeof(*in));

			in->mode = S_IFDIR | 0755;
			insert_kid(cur, new_entry(cur, name, in));
			at = kid_slot(cur, name, &found);
		}
		free(name);
		cur = cur->kids[at];
		if (!S_ISDIR(cur->inode->mode)) {
			*err = xasprintf("'%s' is %s in the root filesystem tree, not a directory; "
					 "staged files never go through links: make it a directory",
					 cur->path, type_word(cur->inode->mode));
			return -ENOTDIR;
		}
		p += len;
	}
	*out = cur;
	return 0;
}

/* Size and data runs of a grafted file's host source. */
static int measure_source(struct tree_inode *in, char **err)
{
	struct region_count rc = { 0 };
	struct stat st;
	int fd = open(in->src, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	int r;

	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		r = fd < 0 ? -errno : -EINVAL;
		*err = xasprintf("cannot read '%s': %s", in->src,
				 r == -EINVAL ? "not a regular file" : strerror(-r));
		if (fd >= 0)
			close(fd);
		return r;
	}
	in->size = (uint64_t)st.st_size;
	r = tree_data_runs(fd, in->size, count_region, &rc);
	close(fd);
	if (r < 0) {
		*err = xasprintf("cannot read '%s': %s", in->src, strerror(-r));
		return r;
	}
	in->data_blocks = rc.blocks;
	in->regions = rc.regions;
	return 0;
}

int tree_defer(struct tree *t, const char *path, int (*hook)(void *ctx, char **err), void *ctx,
	       char **err)
{
	struct tree_entry *e = lookup(t, path);

	if (!e || !S_ISREG(e->inode->mode)) {
		*err = xasprintf("'%s' is not a regular file in the tree; cannot defer its content",
				 path);
		return -EINVAL;
	}
	e->inode->late = true;
	t->late_hook = hook;
	t->late_ctx = ctx;
	t->late_ran = false;
	return 0;
}

int tree_run_late_hook(struct tree *t, char **err)
{
	char *why = NULL;

	if (!t->late_hook)
		return 0;
	if (!t->late_ran) {
		t->late_ran = true;
		t->late_rc = t->late_hook(t->late_ctx, &why) < 0 ? -EIO : 0;
		if (t->late_rc < 0)
			t->late_err = why ? why : xstrdup("the deferred content could not be made");
	}
	if (t->late_rc < 0)
		*err = xstrdup(t->late_err);
	return t->late_rc;
}

/* A new name at @path (absent so far), its parents made as needed. */
static struct tree_inode *graft_name(struct tree *t, const char *path, char **err, int *rc)
{
	const char *slash = strrchr(path, '/');
	char *dpath;
	struct tree_entry *dir = NULL;
	struct tree_inode *in;
	bool found;

	if (path[0] != '/' || !slash || !slash[1]) {
		*err = xasprintf("'%s' is not an absolute file path in the image", path);
		*rc = -EINVAL;
		return NULL;
	}
	dpath = xstrndup(path, (size_t)(slash - path));
	*rc = graft_dir(t, dpath, &dir, err);
	free(dpath);
	if (*rc < 0)
		return NULL;
	kid_slot(dir, slash + 1, &found);
	if (found) {
		*err = xasprintf("'%s' is already in the root filesystem tree; the stager would "
				 "replace it: remove it from the tree", path);
		*rc = -EEXIST;
		return NULL;
	}
	in = xcalloc(1, sizeof(*in));
	insert_kid(dir, new_entry(dir, slash + 1, in));
	return in;
}

int tree_graft(struct tree *t, const char *path, const char *src, const char *target,
	       uint32_t mode, char **err)
{
	int r;
	struct tree_inode *in = graft_name(t, path, err, &r);

	if (!in)
		return r;
	if (!src) {
		in->mode = S_IFLNK | 0777;
		in->target = xstrdup(target);
		in->size = strlen(target);
		return 0;
	}
	in->mode = S_IFREG | (mode & 07777);
	in->src = xstrdup(src);
	return measure_source(in, err);
}

int tree_graft_measured(struct tree *t, const char *path, const char *src, uint32_t mode,
			uint64_t size, uint64_t data_blocks, uint32_t regions, char **err)
{
	int r;
	struct tree_inode *in = graft_name(t, path, err, &r);

	if (!in)
		return r;
	in->mode = S_IFREG | (mode & 07777);
	in->src = xstrdup(src);
	in->size = size;
	in->data_blocks = data_blocks;
	in->regions = regions;
	return 0;
}
