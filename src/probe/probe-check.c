/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "probe-check.h"
#include "shared/fsutil.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

static uint16_t le16(const unsigned char *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t le32(const unsigned char *p) { return (uint32_t)le16(p) | (uint32_t)le16(p + 2) << 16; }
static uint64_t le64(const unsigned char *p) { return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32; }
static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static uint64_t be64(const unsigned char *p) { return (uint64_t)be32(p) << 32 | be32(p + 4); }

_printf_format_(2, 3) static void problem(struct probe_result *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->problem, sizeof(r->problem), fmt, ap);
	va_end(ap);
}

/* @len bytes at @off, all of them, or false. */
static bool read_exact(int fd, void *buf, size_t len, off_t off)
{
	return pread_full(fd, buf, len, off) == (ssize_t)len;
}

/* ---- ext2/3/4: the superblock's geometry against the file ------------- */

/* The superblock @sb's geometry: its number of blocks (*bs bytes each),
 * or 0 after a problem. */
static uint64_t ext_geometry(const unsigned char *sb, uint32_t *bs, struct probe_result *r)
{
	uint64_t blocks, groups;
	uint32_t log_bs, bpg, ipg, first, inodes;

	log_bs = le32(sb + 0x18);
	blocks = le32(sb + 0x04);
	if (le32(sb + 0x60) & 0x80) /* 64bit */
		blocks |= (uint64_t)le32(sb + 0x150) << 32;
	bpg = le32(sb + 0x20);
	ipg = le32(sb + 0x28);
	first = le32(sb + 0x14);
	inodes = le32(sb + 0x00);
	if (log_bs > 6) {
		problem(r, "corrupt superblock: block size 2^%u KiB is not 1-64 KiB", log_bs);
		return 0;
	}
	if (bpg == 0 || bpg > 8u * (1024u << log_bs) || ipg == 0 || blocks <= first) {
		problem(r, "corrupt superblock: %llu blocks, %u blocks and %u inodes per group, first data "
			   "block %u",
			(unsigned long long)blocks, bpg, ipg, first);
		return 0;
	}
	groups = (blocks - first + bpg - 1) / bpg;
	if ((uint64_t)inodes != groups * ipg) {
		problem(r, "corrupt superblock: %u inodes, but %llu groups of %u inodes", inodes,
			(unsigned long long)groups, ipg);
		return 0;
	}
	*bs = 1024u << log_bs;
	if (blocks > UINT64_MAX / *bs) {
		problem(r, "corrupt superblock: %llu blocks of %u bytes is more than 2^64 bytes",
			(unsigned long long)blocks, *bs);
		return 0;
	}
	return blocks;
}

/* A filesystem of @blocks of @bs bytes in @have bytes: the whole of it? */
static void ext_fits(uint64_t blocks, uint32_t bs, uint64_t have, const char *what,
		     struct probe_result *r)
{
	if (blocks * bs > have)
		problem(r, "truncated: the superblock says %llu bytes (%llu blocks of %u), %s has %llu",
			(unsigned long long)(blocks * bs), (unsigned long long)blocks, bs, what,
			(unsigned long long)have);
}

static void check_ext(int fd, off_t size, struct probe_result *r)
{
	unsigned char sb[1024];
	uint64_t blocks;
	uint32_t bs;

	if (!read_exact(fd, sb, sizeof(sb), 1024)) {
		problem(r, "truncated: the file ends inside the superblock");
		return;
	}
	blocks = ext_geometry(sb, &bs, r);
	if (blocks && size > 0)
		ext_fits(blocks, bs, (uint64_t)size, "the file", r);
}

/* ---- qcow2: header fields and where its tables lie -------------------- */

static void check_qcow2(int fd, off_t size, struct probe_result *r)
{
	unsigned char h[104];
	uint32_t version, cluster_bits, l1_size, rc_clusters, crypt;
	uint64_t vsize, l1_off, rc_off, cluster, per_l2, need_l1, end = size > 0 ? (uint64_t)size : UINT64_MAX;

	if (!read_exact(fd, h, 72, 0)) {
		problem(r, "truncated: the file ends inside the qcow2 header");
		return;
	}
	version = be32(h + 4);
	cluster_bits = be32(h + 20);
	vsize = be64(h + 24);
	crypt = be32(h + 32);
	l1_size = be32(h + 36);
	l1_off = be64(h + 40);
	rc_off = be64(h + 48);
	rc_clusters = be32(h + 56);
	if (version != 2 && version != 3) {
		problem(r, "unsupported qcow2 version %u (QEMU writes 2 and 3)", version);
		return;
	}
	if (version == 3 && (!read_exact(fd, h, sizeof(h), 0) || be32(h + 100) < 104)) {
		problem(r, "corrupt qcow2 header: a version 3 header is at least 104 bytes");
		return;
	}
	if (cluster_bits < 9 || cluster_bits > 21) {
		problem(r, "corrupt qcow2 header: cluster_bits %u is not 9-21", cluster_bits);
		return;
	}
	if (crypt != 0) {
		problem(r, "encrypted qcow2 (method %u): QEMU cannot boot it without its key", crypt);
		return;
	}
	cluster = 1ull << cluster_bits;
	per_l2 = cluster / 8;
	need_l1 = (vsize + cluster * per_l2 - 1) / (cluster * per_l2);
	if (l1_size < need_l1) {
		problem(r, "corrupt qcow2 header: %llu bytes need %llu L1 entries, the header has %u",
			(unsigned long long)vsize, (unsigned long long)need_l1, l1_size);
		return;
	}
	if (l1_off % cluster || rc_off % cluster || rc_off == 0 || rc_clusters == 0) {
		problem(r, "corrupt qcow2 header: the L1 table (at %llu) or refcount table (at %llu) is "
			   "not on a cluster boundary",
			(unsigned long long)l1_off, (unsigned long long)rc_off);
		return;
	}
	if ((l1_size && l1_off + (uint64_t)l1_size * 8 > end) || rc_off + rc_clusters * cluster > end)
		problem(r, "truncated: its L1 table ends at byte %llu and its refcount table at %llu, the "
			   "file has %lld",
			(unsigned long long)(l1_off + (uint64_t)l1_size * 8),
			(unsigned long long)(rc_off + rc_clusters * cluster), (long long)size);
}

/* ---- cpio (plain or gzip'd): every entry up to TRAILER!!! ------------- */

/* @len hex (or octal, @base 8) digits of @p, or -1. */
static long long field(const char *p, size_t len, int base)
{
	long long v = 0;

	for (size_t i = 0; i < len; i++) {
		int d;

		if (p[i] >= '0' && p[i] <= '9')
			d = p[i] - '0';
		else if (base == 16 && p[i] >= 'a' && p[i] <= 'f')
			d = p[i] - 'a' + 10;
		else if (base == 16 && p[i] >= 'A' && p[i] <= 'F')
			d = p[i] - 'A' + 10;
		else
			return -1;
		if (d >= base)
			return -1;
		v = v * base + d;
	}
	return v;
}

/* Skip @n bytes of the stream. */
static bool skip(gzFile z, long long n)
{
	char buf[65536];

	while (n > 0) {
		int want = n > (long long)sizeof(buf) ? (int)sizeof(buf) : (int)n;
		int got = gzread(z, buf, (unsigned)want);

		if (got <= 0)
			return false;
		n -= got;
	}
	return true;
}

/* Read what follows the trailer (padding) to the end: a gzip stream cut
 * short or with a bad checksum shows only there. */
static void drain(gzFile z, struct probe_result *r)
{
	char buf[65536];
	int got, e = Z_OK;

	while ((got = gzread(z, buf, sizeof(buf))) > 0)
		;
	gzerror(z, &e);
	if (got < 0 || (e != Z_OK && e != Z_STREAM_END))
		problem(r, "truncated or corrupt: the gzip stream does not end cleanly after the archive");
}

/* @fd from its start through zlib (plain or gzip'd alike), on a
 * descriptor of its own; NULL after naming the problem. */
static gzFile open_stream(int fd, struct probe_result *r)
{
	int dfd = dup(fd);
	gzFile z;

	if (dfd < 0 || lseek(dfd, 0, SEEK_SET) < 0 || !(z = gzdopen(dfd, "rb"))) {
		if (dfd >= 0)
			close(dfd);
		problem(r, "cannot be read to check it: %s", strerror(errno ? errno : ENOMEM));
		return NULL;
	}
	return z;
}

static void check_cpio(int fd, struct probe_result *r)
{
	gzFile z = open_stream(fd, r);
	unsigned long entry = 0;
	char name[4097];

	if (!z)
		return;
	for (;; entry++) {
		char h[110];
		bool newc;
		size_t hlen;
		long long namesize, filesize;

		if (gzread(z, h, 6) != 6) {
			problem(r, "truncated: it ends after %lu entries, before the TRAILER!!! entry", entry);
			break;
		}
		newc = !memcmp(h, "070701", 6) || !memcmp(h, "070702", 6);
		if (!newc && memcmp(h, "070707", 6)) {
			/* The old binary format (no ASCII magic) is not walked. */
			if (entry > 0 || !memcmp(h, "0707", 4))
				problem(r, "corrupt: entry %lu has no cpio header", entry + 1);
			break;
		}
		hlen = newc ? 110 : 76;
		if (gzread(z, h + 6, (unsigned)(hlen - 6)) != (int)(hlen - 6)) {
			problem(r, "truncated: it ends inside the header of entry %lu", entry + 1);
			break;
		}
		namesize = newc ? field(h + 94, 8, 16) : field(h + 59, 6, 8);
		filesize = newc ? field(h + 54, 8, 16) : field(h + 65, 11, 8);
		if (namesize < 1 || namesize > (long long)sizeof(name) - 1 || filesize < 0) {
			problem(r, "corrupt: entry %lu has a bad name size or file size", entry + 1);
			break;
		}
		if (gzread(z, name, (unsigned)namesize) != (int)namesize || name[namesize - 1] != '\0') {
			problem(r, "truncated or corrupt: the name of entry %lu", entry + 1);
			break;
		}
		if (streq(name, "TRAILER!!!")) {
			drain(z, r);
			break;
		}
		/* newc pads header+name and the data to 4 bytes; odc does not pad. */
		if (newc)
			filesize += (4 - (long long)(hlen + (size_t)namesize) % 4) % 4 + (4 - filesize % 4) % 4;
		if (!skip(z, filesize)) {
			problem(r, "truncated: the data of entry %lu ('%.64s') is cut short", entry + 1, name);
			break;
		}
	}
	gzclose(z);
}

/* ---- ext2/3/4, gzip'd: the stream to its end, the filesystem all in it -- */

static void check_ext_gz(int fd, struct probe_result *r)
{
	unsigned char head[2048], buf[65536];
	uint64_t blocks, have;
	uint32_t bs = 0;
	gzFile z = open_stream(fd, r);
	int got = 0, e = Z_OK;

	if (!z)
		return;
	if (gzread(z, head, sizeof(head)) != (int)sizeof(head)) {
		problem(r, "truncated: the gzip stream ends inside the superblock");
		gzclose(z);
		return;
	}
	blocks = ext_geometry(head + 1024, &bs, r);
	have = sizeof(head);
	while (blocks && (got = gzread(z, buf, sizeof(buf))) > 0)
		have += (uint64_t)got;
	if (blocks) {
		gzerror(z, &e);
		if (got < 0 || (e != Z_OK && e != Z_STREAM_END))
			problem(r, "truncated or corrupt: the gzip stream does not end cleanly (after %llu "
				   "bytes of the filesystem's %llu)",
				(unsigned long long)have, (unsigned long long)(blocks * bs));
		else
			ext_fits(blocks, bs, have, "the uncompressed stream", r);
	}
	gzclose(z);
}

/* ---- kernels ------------------------------------------------------------ */

/* A PE/COFF header (EFI stub): every section's data must be in the file. */
static bool check_pe(int fd, off_t size, struct probe_result *r)
{
	unsigned char h[64], pe[24], sec[40];
	uint32_t pe_off;
	uint16_t nsec, optsz;

	if (!read_exact(fd, h, sizeof(h), 0) || memcmp(h, "MZ", 2))
		return true;
	pe_off = le32(h + 0x3c);
	if (!read_exact(fd, pe, sizeof(pe), pe_off) || memcmp(pe, "PE\0\0", 4))
		return true; /* MZ without PE: not an EFI stub, nothing to compare */
	nsec = le16(pe + 6);
	optsz = le16(pe + 20);
	for (uint16_t i = 0; i < nsec; i++) {
		uint64_t at = (uint64_t)pe_off + 24 + optsz + 40ull * i;

		if (!read_exact(fd, sec, sizeof(sec), (off_t)at)) {
			problem(r, "truncated: the file ends inside its PE section table");
			return false;
		}
		if ((uint64_t)le32(sec + 20) + le32(sec + 16) > (uint64_t)size) {
			problem(r, "truncated: its PE section '%.8s' ends at byte %llu, the file has %lld", sec,
				(unsigned long long)le32(sec + 20) + le32(sec + 16), (long long)size);
			return false;
		}
	}
	return true;
}

/* x86 boot protocol: setup sectors plus syssize paragraphs of kernel. */
static void check_bzimage(int fd, off_t size, struct probe_result *r)
{
	unsigned char h[0x210];
	unsigned setup;
	uint64_t need;

	if (!read_exact(fd, h, sizeof(h), 0)) {
		problem(r, "truncated: the file ends inside the boot header");
		return;
	}
	setup = h[0x1f1] ? h[0x1f1] : 4;
	need = (uint64_t)(setup + 1) * 512 + (uint64_t)le32(h + 0x1f4) * 16;
	if (le16(h + 0x206) < 0x200)
		problem(r, "corrupt boot header: protocol version %u.%02u is older than 2.00", h[0x207], h[0x206]);
	else if (need > (uint64_t)size)
		problem(r, "truncated: the boot header says %llu bytes (%u setup sectors and the kernel), "
			   "the file has %lld",
			(unsigned long long)need, setup, (long long)size);
	else
		check_pe(fd, size, r);
}

static void check_elf(int fd, off_t size, struct probe_result *r)
{
	unsigned char eh[64], ph[56];
	uint64_t phoff;
	uint16_t phnum, phentsize;

	if (!read_exact(fd, eh, sizeof(eh), 0) || eh[4] != 2 || eh[5] != 1)
		return; /* only 64-bit little-endian kernels are compared */
	phoff = le64(eh + 0x20);
	phentsize = le16(eh + 0x36);
	phnum = le16(eh + 0x38);
	if (phentsize < sizeof(ph))
		return;
	for (uint16_t i = 0; i < phnum; i++) {
		if (!read_exact(fd, ph, sizeof(ph), (off_t)(phoff + (uint64_t)i * phentsize))) {
			problem(r, "truncated: the file ends inside its program headers");
			return;
		}
		if (le64(ph + 8) + le64(ph + 32) > (uint64_t)size) {
			problem(r, "truncated: segment %u ends at byte %llu, the file has %lld", i,
				(unsigned long long)(le64(ph + 8) + le64(ph + 32)), (long long)size);
			return;
		}
	}
}

void probe_check(int fd, off_t size, struct probe_result *r)
{
	const char *f = r->format;

	r->problem[0] = '\0';
	if (streq(f, "ext2") || streq(f, "ext3") || streq(f, "ext4"))
		check_ext(fd, size, r);
	else if (streq(f, "ext2.gz") || streq(f, "ext3.gz") || streq(f, "ext4.gz"))
		check_ext_gz(fd, r);
	else if (streq(f, "qcow2"))
		check_qcow2(fd, size, r);
	else if (streq(f, "cpio") || streq(f, "cpio.gz"))
		check_cpio(fd, r);
	else if (size > 0 && streq(f, "bzImage"))
		check_bzimage(fd, size, r);
	else if (size > 0 && streq(f, "Image"))
		check_pe(fd, size, r);
	else if (size > 0 && streq(f, "vmlinux"))
		check_elf(fd, size, r);
}
