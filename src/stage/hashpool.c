/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "hashpool.h"
#include "stage.h"
#include "shared/fsutil.h"
#include "shared/util.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define HASH_CHUNK (1U << 20)

/* Bytes a worker hashes per turn on a core (see pace). */
#define HASH_QUANTUM (4U << 20)

struct hash_job {
	struct staged_file *f;
	uint64_t left; /* bytes still to hash (under the pool's lock) */
	bool waiting;  /* for a core (under the pool's lock) */
	int error;     /* 0, or a negative errno (-ESTALE: the file changed) */
};

struct hash_pool {
	struct hash_job *jobs;
	size_t njobs, next;
	pthread_mutex_t lock;
	pthread_cond_t turn; /* a core became free */
	size_t cores_free;
	pthread_t *threads;
	size_t nthreads;
};

/* Feeding a digest the file's bytes in order: data runs read, the gaps
 * between them (holes and all-zero blocks) fed from a static zero buffer. */
struct digest {
	struct hash_pool *hp;
	struct hash_job *job;
	int fd;
	struct sha256_ctx *sha;
	uint64_t fed;
	uint64_t held; /* bytes hashed in this turn; 0: no core held */
	unsigned char *buf;
};

/*
 * Turns on the cores, longest remaining stream first. With more streams
 * than cores, the kernel's fair share does not make them end together (the
 * image writer and other programs take their share from some more than
 * others): measured, the last of three equal disks ended 0.2-0.3 s after
 * the first, with one core idle meanwhile. So a worker hashes HASH_QUANTUM
 * bytes per turn and then gives its core to the waiting stream with the
 * most bytes left; all streams end within a quantum of each other, the
 * shortest makespan sequential streams allow.
 */
static bool my_turn(const struct hash_pool *hp, const struct hash_job *me)
{
	if (hp->cores_free == 0)
		return false;
	for (size_t i = 0; i < hp->njobs; i++) {
		const struct hash_job *o = &hp->jobs[i];

		if (o != me && o->waiting && (o->left > me->left || (o->left == me->left && o < me)))
			return false;
	}
	return true;
}

static void turn_end(struct digest *d)
{
	struct hash_pool *hp = d->hp;

	if (!d->held)
		return;
	pthread_mutex_lock(&hp->lock);
	d->job->left = d->job->left > d->held ? d->job->left - d->held : 0;
	hp->cores_free++;
	pthread_cond_broadcast(&hp->turn);
	pthread_mutex_unlock(&hp->lock);
	d->held = 0;
}

static void pace(struct digest *d, size_t n)
{
	struct hash_pool *hp = d->hp;

	if (d->held >= HASH_QUANTUM)
		turn_end(d);
	if (d->held == 0) {
		pthread_mutex_lock(&hp->lock);
		d->job->waiting = true;
		while (!my_turn(hp, d->job))
			pthread_cond_wait(&hp->turn, &hp->lock);
		d->job->waiting = false;
		hp->cores_free--;
		pthread_mutex_unlock(&hp->lock);
	}
	d->held += n ? n : 1;
}

static void hash_bytes(struct digest *d, const void *p, size_t n)
{
	pace(d, n);
	sha256_update(d->sha, p, n);
}

static void feed_zeros(struct digest *d, uint64_t upto)
{
	static const unsigned char zeros[HASH_CHUNK];

	while (d->fed < upto) {
		size_t n = upto - d->fed > HASH_CHUNK ? HASH_CHUNK : (size_t)(upto - d->fed);

		hash_bytes(d, zeros, n);
		d->fed += n;
	}
}

static int feed_run(void *ctx, uint64_t off, uint64_t len)
{
	struct digest *d = ctx;

	feed_zeros(d, off);
	while (d->fed < off + len) {
		size_t n = off + len - d->fed > HASH_CHUNK ? HASH_CHUNK : (size_t)(off + len - d->fed);
		ssize_t got = pread_full(d->fd, d->buf, n, (off_t)d->fed);

		if (got < 0)
			return (int)got;
		if ((size_t)got < n)
			return -ESTALE;
		hash_bytes(d, d->buf, n);
		d->fed += n;
	}
	return 0;
}

/* The file the plan measured, unchanged: same inode, size and times. */
static bool unchanged(const struct stat *now, const struct stat *planned)
{
	return now->st_dev == planned->st_dev && now->st_ino == planned->st_ino &&
	       now->st_size == planned->st_size &&
	       now->st_mtim.tv_sec == planned->st_mtim.tv_sec &&
	       now->st_mtim.tv_nsec == planned->st_mtim.tv_nsec &&
	       now->st_ctim.tv_sec == planned->st_ctim.tv_sec &&
	       now->st_ctim.tv_nsec == planned->st_ctim.tv_nsec;
}

static int digest_file(struct hash_pool *hp, struct hash_job *j)
{
	struct staged_file *f = j->f;
	/* O_NONBLOCK: the planned regular file may have been replaced by a FIFO. */
	struct digest d = {
		.hp = hp, .job = j, .fd = open(f->src, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK),
	};
	struct stat st;
	int r;

	if (d.fd < 0)
		return -errno;
	if (fstat(d.fd, &st) < 0 || !unchanged(&st, &f->st)) {
		close(d.fd);
		return -ESTALE;
	}
	d.sha = sha256_new();
	d.buf = xmalloc(HASH_CHUNK);
	/* The file's extents, the gaps fed as zeros. Not tree_data_runs: a
	 * digest covers zero blocks too, so looking for them would only read
	 * every data byte twice (once to scan, once to hash). */
	r = file_extents(d.fd, f->size, feed_run, &d);
	feed_zeros(&d, f->size);
	turn_end(&d);
	sha256_finish(d.sha, f->sha256);
	free(d.buf);
	/* Written to while we read it: the digest is of no one version. */
	if (r == 0 && (fstat(d.fd, &st) < 0 || !unchanged(&st, &f->st)))
		r = -ESTALE;
	close(d.fd);
	return r;
}

static void *worker(void *arg)
{
	struct hash_pool *hp = arg;

	for (;;) {
		struct hash_job *j = NULL;

		pthread_mutex_lock(&hp->lock);
		if (hp->next < hp->njobs)
			j = &hp->jobs[hp->next++];
		pthread_mutex_unlock(&hp->lock);
		if (!j)
			return NULL;
		j->error = digest_file(hp, j);
	}
}

/* Largest first: the longest stream starts at once, the short ones fill in. */
static int larger_first(const void *a, const void *b)
{
	const struct hash_job *x = a, *y = b;

	return x->f->size < y->f->size ? 1 : x->f->size > y->f->size ? -1 : 0;
}

/*
 * One thread per file, not per core (up to HASH_THREADS_MAX): a digest is
 * one sequential stream, so with one thread per core three equal files on
 * two cores take two files' time, 4/3 of the floor (the bytes spread over
 * the cores). With a thread each, the kernel shares the cores among the
 * streams and they all end together, at the floor; the cost is a 1 MiB
 * buffer per thread.
 */
#define HASH_THREADS_MAX 64

struct hash_pool *hash_pool_start(struct staged_file *const *files, size_t n)
{
	struct hash_pool *hp = xcalloc(1, sizeof(*hp));
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t want = cpus > 0 ? (size_t)cpus : 1;

	if (want < n)
		want = n < HASH_THREADS_MAX ? n : HASH_THREADS_MAX;

	hp->jobs = xcalloc(n ? n : 1, sizeof(*hp->jobs));
	for (size_t i = 0; i < n; i++) {
		hp->jobs[hp->njobs].f = files[i];
		hp->jobs[hp->njobs++].left = files[i]->size;
	}
	qsort(hp->jobs, hp->njobs, sizeof(*hp->jobs), larger_first);
	pthread_mutex_init(&hp->lock, NULL);
	pthread_cond_init(&hp->turn, NULL);
	hp->cores_free = cpus > 0 ? (size_t)cpus : 1;
	if (want > hp->njobs)
		want = hp->njobs;
	hp->threads = xcalloc(want ? want : 1, sizeof(*hp->threads));
	while (hp->nthreads < want &&
	       pthread_create(&hp->threads[hp->nthreads], NULL, worker, hp) == 0)
		hp->nthreads++;
	return hp;
}

int hash_pool_wait(struct hash_pool *hp, char **err)
{
	int r = 0;

	/* Whatever no thread took (none could be started) is done here. */
	worker(hp);
	for (size_t i = 0; i < hp->nthreads; i++)
		pthread_join(hp->threads[i], NULL);
	for (size_t i = 0; i < hp->njobs; i++) {
		struct hash_job *j = &hp->jobs[i];

		j->f->pending = false;
		if (j->error == 0 || r < 0)
			continue;
		*err = xasprintf(j->error == -ESTALE ? "'%s' changed while it was staged; stage "
				 "when nothing writes to it" : "cannot read '%s': %s", j->f->src,
				 strerror(-j->error));
		r = -1;
	}
	pthread_mutex_destroy(&hp->lock);
	pthread_cond_destroy(&hp->turn);
	free(hp->threads);
	free(hp->jobs);
	free(hp);
	return r;
}
