/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "fileprobe.h"
#include "probe-check.h"
#include "shared/fsutil.h"
#include "shared/input.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* Enough for every magic we look at: the ext superblock ends at 2048, a GPT
 * header sits at 512, the x86 setup header below 1024. */
#define HEAD_SIZE 4096

struct probe_ctx {
	int fd;
	off_t size;
	unsigned char head[HEAD_SIZE];
	size_t head_len;
};

static uint16_t le16(const unsigned char *p) { return (uint16_t)(p[0] | p[1] << 8); }

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void set(struct probe_result *r, enum probe_class cls, const char *format,
		const char *description)
{
	r->cls = cls;
	snprintf(r->format, sizeof(r->format), "%s", format);
	snprintf(r->description, sizeof(r->description), "%s", description);
}

static bool has(const struct probe_ctx *c, size_t off, const void *magic, size_t len)
{
	return c->head_len >= off + len && memcmp(c->head + off, magic, len) == 0;
}

/* -1 (errno set) on error, like read(2), so callers can test < 0. */
static ssize_t read_at(const struct probe_ctx *c, void *buf, size_t len, off_t off)
{
	ssize_t n = pread_full(c->fd, buf, len, off);

	if (n < 0) {
		errno = (int)-n;
		return -1;
	}
	return n;
}

/* ---- kernels ----------------------------------------------------------- */

/* x86 boot protocol: boot_flag 0xAA55 at 0x1fe, "HdrS" at 0x202, and a
 * pointer (relative to 0x200) to the version string at 0x20e. */
static bool probe_bzimage(const struct probe_ctx *c, struct probe_result *r)
{
	char version[128] = "";
	char desc[160];
	uint16_t vptr;

	if (c->head_len < 0x210 || le16(c->head + 0x1fe) != 0xAA55 || !has(c, 0x202, "HdrS", 4))
		return false;
	vptr = le16(c->head + 0x20e);
	if (vptr) {
		ssize_t n = read_at(c, version, sizeof(version) - 1, 0x200 + (off_t)vptr);

		version[n > 0 ? n : 0] = '\0';
		version[strcspn(version, " \n")] = '\0';
	}
	if (version[0])
		snprintf(desc, sizeof(desc), "x86 bzImage (Linux %s)", version);
	else
		snprintf(desc, sizeof(desc), "x86 bzImage");
	set(r, PROBE_KERNEL, "bzImage", desc);
	snprintf(r->version, sizeof(r->version), "%s", version);
	snprintf(r->arch, sizeof(r->arch), "x86");
	return true;
}

/* An uncompressed Image has no version field in its header, but carries
 * the kernel's banner, "Linux version 6.1.192 (...)", in its data: scan
 * for it (bounded; chunks overlap by the longest match we take). */
#define BANNER "Linux version "
#define BANNER_SCAN_MAX ((off_t)64 << 20)

static void image_banner_version(const struct probe_ctx *c, char *out, size_t outlen)
{
	enum { CHUNK = 1 << 20, KEEP = 128 };
	char *buf = xmalloc(CHUNK + KEEP + 1);
	size_t have = 0;
	off_t off = 0, end = c->size < BANNER_SCAN_MAX ? c->size : BANNER_SCAN_MAX;

	out[0] = '\0';
	while (off < end) {
		ssize_t n = read_at(c, buf + have, CHUNK, off);
		char *hit;

		if (n <= 0)
			break;
		have += (size_t)n;
		off += n;
		hit = memmem(buf, have, BANNER, strlen(BANNER));
		if (hit && (size_t)(hit - buf) + strlen(BANNER) + 64 <= have) {
			const char *v = hit + strlen(BANNER);
			size_t len = 0;

			while (len < 64 && len + 1 < outlen && v[len] > ' ' && v[len] < 0x7f)
				len++;
			memcpy(out, v, len);
			out[len] = '\0';
			break;
		}
		if (have > KEEP) {
			memmove(buf, buf + have - KEEP, KEEP);
			have = KEEP;
		}
	}
	free(buf);
}

/* arm64 and RISC-V "Image" headers carry a magic at a fixed offset. */
static bool probe_flat_image(const struct probe_ctx *c, struct probe_result *r)
{
	if (has(c, 0x38, "ARM\x64", 4)) {
		char version[72], desc[160];

		image_banner_version(c, version, sizeof(version));
		if (version[0])
			snprintf(desc, sizeof(desc), "arm64 Image (Linux %s)", version);
		else
			snprintf(desc, sizeof(desc), "arm64 Image");
		set(r, PROBE_KERNEL, "Image", desc);
		snprintf(r->version, sizeof(r->version), "%s", version);
		snprintf(r->arch, sizeof(r->arch), "arm64");
		return true;
	}
	if (has(c, 0x34, "RSC\x05", 4)) {
		set(r, PROBE_KERNEL, "Image", "RISC-V Image");
		snprintf(r->arch, sizeof(r->arch), "riscv64");
		return true;
	}
	return false;
}

/* An ELF vmlinux is an executable with the kernel's .init.text section; a
 * static busybox or any other program is an ELF too, so the section decides. */
static bool elf_has_section(const struct probe_ctx *c, const char *wanted)
{
	bool is64 = c->head[EI_CLASS] == ELFCLASS64;
	uint64_t shoff, shstr_off, shstr_size;
	unsigned shnum, shentsize, shstrndx;
	char *names;
	bool found = false;

	if (c->head[EI_DATA] != ELFDATA2LSB)
		return false; /* big-endian kernels are not something we boot */
	if (is64) {
		Elf64_Ehdr eh;

		memcpy(&eh, c->head, sizeof(eh));
		shoff = eh.e_shoff;
		shnum = eh.e_shnum;
		shentsize = eh.e_shentsize;
		shstrndx = eh.e_shstrndx;
		if (shentsize != sizeof(Elf64_Shdr))
			return false;
	} else {
		Elf32_Ehdr eh;

		memcpy(&eh, c->head, sizeof(eh));
		shoff = eh.e_shoff;
		shnum = eh.e_shnum;
		shentsize = eh.e_shentsize;
		shstrndx = eh.e_shstrndx;
		if (shentsize != sizeof(Elf32_Shdr))
			return false;
	}
	if (!shnum || shstrndx >= shnum || shoff > (uint64_t)c->size ||
	    (uint64_t)shnum * shentsize > (uint64_t)c->size - shoff)
		return false;

	if (is64) {
		Elf64_Shdr sh;

		if (read_at(c, &sh, sizeof(sh), (off_t)(shoff + (uint64_t)shstrndx * shentsize)) != sizeof(sh))
			return false;
		shstr_off = sh.sh_offset;
		shstr_size = sh.sh_size;
	} else {
		Elf32_Shdr sh;

		if (read_at(c, &sh, sizeof(sh), (off_t)(shoff + (uint64_t)shstrndx * shentsize)) != sizeof(sh))
			return false;
		shstr_off = sh.sh_offset;
		shstr_size = sh.sh_size;
	}
	if (shstr_size == 0 || shstr_size > (1u << 20) || shstr_off > (uint64_t)c->size ||
	    shstr_size > (uint64_t)c->size - shstr_off)
		return false;
	names = calloc(1, shstr_size + 1);
	if (!names)
		return false;
	if (read_at(c, names, shstr_size, (off_t)shstr_off) != (ssize_t)shstr_size)
		goto out;
	for (unsigned i = 0; i < shnum && !found; i++) {
		uint32_t name;
		off_t at = (off_t)(shoff + (uint64_t)i * shentsize);

		if (is64) {
			Elf64_Shdr sh;

			if (read_at(c, &sh, sizeof(sh), at) != sizeof(sh))
				break;
			name = sh.sh_name;
		} else {
			Elf32_Shdr sh;

			if (read_at(c, &sh, sizeof(sh), at) != sizeof(sh))
				break;
			name = sh.sh_name;
		}
		if (name < shstr_size && strcmp(names + name, wanted) == 0)
			found = true;
	}
out:
	free(names);
	return found;
}

static bool probe_elf(const struct probe_ctx *c, struct probe_result *r)
{
	const char *machine, *arch;
	char desc[160];
	uint16_t type, mach;

	if (!has(c, 0, ELFMAG, SELFMAG) || c->head_len < sizeof(Elf64_Ehdr))
		return false;
	if (c->head[EI_CLASS] != ELFCLASS64 && c->head[EI_CLASS] != ELFCLASS32)
		return false;
	type = le16(c->head + 16);
	mach = le16(c->head + 18);
	switch (mach) {
	case EM_X86_64: machine = "x86-64"; arch = "x86_64"; break;
	case EM_386: machine = "i386"; arch = "i386"; break;
	case EM_AARCH64: machine = "arm64"; arch = "arm64"; break;
	case EM_ARM: machine = "arm"; arch = "arm"; break;
	case EM_RISCV: machine = "RISC-V"; arch = c->head[EI_CLASS] == ELFCLASS64 ? "riscv64" : "riscv32"; break;
	default: machine = "unknown-machine"; arch = ""; break;
	}
	if (type == ET_EXEC && elf_has_section(c, ".init.text")) {
		snprintf(desc, sizeof(desc), "%s ELF vmlinux", machine);
		set(r, PROBE_KERNEL, "vmlinux", desc);
		snprintf(r->arch, sizeof(r->arch), "%s", arch);
		return true;
	}
	snprintf(desc, sizeof(desc), "%s ELF %s without a kernel's .init.text section", machine,
		 type == ET_DYN ? "shared object or PIE program" : type == ET_REL ? "object file" : "program");
	set(r, PROBE_UNKNOWN, "elf", desc);
	return true;
}

/* ---- root filesystems -------------------------------------------------- */

/* Feature bits from the ext superblock, named as in e2fsprogs. */
#define EXT_COMPAT_HAS_JOURNAL 0x0004
#define EXT_INCOMPAT_JOURNAL_DEV 0x0008
#define EXT_INCOMPAT_EXT4_MASK (0x0040 | 0x0080 | 0x0200 | 0x10000) /* extents, 64bit, flex_bg, inline_data */
#define EXT_RO_COMPAT_EXT4_MASK (0x0008 | 0x0010 | 0x0020 | 0x0040 | 0x0400) /* huge_file, gdt_csum, dir_nlink, extra_isize, metadata_csum */

static const char *ext_flavour(const unsigned char *sb)
{
	uint32_t compat = le32(sb + 0x5c), incompat = le32(sb + 0x60), ro_compat = le32(sb + 0x64);

	if (incompat & EXT_INCOMPAT_JOURNAL_DEV)
		return NULL;
	if ((incompat & EXT_INCOMPAT_EXT4_MASK) || (ro_compat & EXT_RO_COMPAT_EXT4_MASK))
		return "ext4";
	if (compat & EXT_COMPAT_HAS_JOURNAL)
		return "ext3";
	return "ext2";
}

static bool probe_ext(const struct probe_ctx *c, struct probe_result *r)
{
	const char *flavour;
	char desc[64];

	if (c->head_len < 2048 || le16(c->head + 1024 + 0x38) != 0xEF53)
		return false;
	flavour = ext_flavour(c->head + 1024);
	if (!flavour) {
		set(r, PROBE_UNKNOWN, "ext-journal", "external ext journal device");
		return true;
	}
	snprintf(desc, sizeof(desc), "%s filesystem", flavour);
	set(r, PROBE_ROOTFS, flavour, desc);
	return true;
}

static bool is_cpio_magic(const unsigned char *p, size_t len)
{
	if (len >= 6 && (!memcmp(p, "070701", 6) || !memcmp(p, "070702", 6) || !memcmp(p, "070707", 6)))
		return true;
	return len >= 2 && (le16(p) == 070707 || le16(p) == 0xc771); /* old binary, either order */
}

static bool probe_cpio(const struct probe_ctx *c, struct probe_result *r)
{
	if (!is_cpio_magic(c->head, c->head_len))
		return false;
	set(r, PROBE_ROOTFS, "cpio", "cpio archive (initramfs)");
	return true;
}

/* A gzip'd initramfs or ext2.gz: inflate just enough to see the inner magic. */
static bool probe_gzip(const struct probe_ctx *c, struct probe_result *r)
{
	unsigned char in[HEAD_SIZE], out[2048];
	const char *flavour = NULL;
	off_t at = 0;
	size_t got;
	z_stream zs;

	if (!has(c, 0, "\x1f\x8b\x08", 3))
		return false;
	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
		set(r, PROBE_UNKNOWN, "gzip", "gzip-compressed data");
		return true;
	}
	zs.next_out = out;
	zs.avail_out = sizeof(out);
	while (zs.avail_out > 0) {
		if (zs.avail_in == 0) {
			ssize_t n = read_at(c, in, sizeof(in), at);

			if (n <= 0)
				break;
			at += n;
			zs.next_in = in;
			zs.avail_in = (unsigned)n;
		}
		if (inflate(&zs, Z_NO_FLUSH) != Z_OK)
			break;
	}
	got = sizeof(out) - zs.avail_out;
	inflateEnd(&zs);

	if (is_cpio_magic(out, got)) {
		set(r, PROBE_ROOTFS, "cpio.gz", "gzip-compressed cpio archive (initramfs)");
		return true;
	}
	if (got >= 2048 && le16(out + 1024 + 0x38) == 0xEF53)
		flavour = ext_flavour(out + 1024);
	if (flavour) {
		char desc[64], fmt[16];

		snprintf(desc, sizeof(desc), "gzip-compressed %s filesystem", flavour);
		snprintf(fmt, sizeof(fmt), "%s.gz", flavour);
		set(r, PROBE_ROOTFS, fmt, desc);
		return true;
	}
	set(r, PROBE_UNKNOWN, "gzip", "gzip-compressed data that is neither a cpio archive nor an ext filesystem");
	return true;
}

static bool probe_qcow2(const struct probe_ctx *c, struct probe_result *r)
{
	if (!has(c, 0, "QFI\xfb", 4))
		return false;
	set(r, PROBE_ROOTFS, "qcow2", "QEMU qcow2 disk image");
	return true;
}

static bool probe_other_fs(const struct probe_ctx *c, struct probe_result *r)
{
	if (has(c, 0, "hsqs", 4)) {
		set(r, PROBE_ROOTFS, "squashfs", "squashfs filesystem");
		return true;
	}
	if (c->head_len >= 1028 && le32(c->head + 1024) == 0xE0F5E1E2) {
		set(r, PROBE_ROOTFS, "erofs", "EROFS filesystem");
		return true;
	}
	return false;
}

/* A partitioned disk: GPT behind a protective MBR, or an MBR whose entries
 * look like partitions (a FAT boot sector or a bzImage also ends in 55AA). */
static bool probe_disk(const struct probe_ctx *c, struct probe_result *r)
{
	unsigned used = 0;
	char desc[96];

	if (c->head_len < 512 || le16(c->head + 510) != 0xAA55)
		return false;
	if (has(c, 512, "EFI PART", 8)) {
		set(r, PROBE_ROOTFS, "disk-gpt", "raw disk image with a GPT partition table");
		return true;
	}
	for (int i = 0; i < 4; i++) {
		const unsigned char *e = c->head + 446 + 16 * i;

		if (e[0] != 0x00 && e[0] != 0x80)
			return false;
		if (e[4] == 0)
			continue;
		if (le32(e + 8) == 0 || le32(e + 12) == 0)
			return false;
		used++;
	}
	if (!used)
		return false;
	snprintf(desc, sizeof(desc), "raw disk image with an MBR partition table (%u partition%s)",
		 used, used == 1 ? "" : "s");
	set(r, PROBE_ROOTFS, "disk-mbr", desc);
	return true;
}

/* Content we recognise but cannot look inside: say what it is. */
static bool probe_known_other(const struct probe_ctx *c, struct probe_result *r)
{
	static const struct { size_t off; const char *magic; size_t len; const char *fmt, *desc; } tab[] = {
		{ 0, "\xfd" "7zXZ", 6, "xz", "xz-compressed data (only gzip is looked inside)" },
		{ 0, "\x28\xb5\x2f\xfd", 4, "zstd", "zstd-compressed data (only gzip is looked inside)" },
		{ 0, "\x02\x21\x4c\x18", 4, "lz4", "lz4-compressed data (only gzip is looked inside)" },
		{ 0, "BZh", 3, "bzip2", "bzip2-compressed data (only gzip is looked inside)" },
		{ 257, "ustar", 5, "tar", "tar archive (not bootable: convert it to an image)" },
	};

	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (has(c, tab[i].off, tab[i].magic, tab[i].len)) {
			set(r, PROBE_UNKNOWN, tab[i].fmt, tab[i].desc);
			return true;
		}
	return false;
}

static void probe_text_or_data(const struct probe_ctx *c, struct probe_result *r)
{
	size_t printable = 0;

	for (size_t i = 0; i < c->head_len; i++) {
		unsigned char ch = c->head[i];

		if (ch == '\n' || ch == '\t' || ch == '\r' || (ch >= 0x20 && ch < 0x7f) || ch >= 0x80)
			printable++;
	}
	if (printable == c->head_len)
		set(r, PROBE_UNKNOWN, "text", "a text file");
	else
		set(r, PROBE_UNKNOWN, "data", "data of no known kernel or image format");
}

int probe_fd(int fd, struct probe_result *r)
{
	static bool (*const probes[])(const struct probe_ctx *, struct probe_result *) = {
		probe_qcow2, probe_elf,	  probe_bzimage, probe_flat_image, probe_gzip,
		probe_cpio,  probe_ext,	  probe_other_fs, probe_disk,	    probe_known_other,
	};
	struct probe_ctx c = { .fd = fd };
	struct stat st;
	ssize_t n;

	memset(r, 0, sizeof(*r));
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		set(r, PROBE_UNKNOWN, S_ISDIR(st.st_mode) ? "directory" : "special", file_kind(st.st_mode));
		return 0;
	}
	c.size = st.st_size;
	n = read_at(&c, c.head, sizeof(c.head), 0);
	if (n < 0)
		return -errno;
	c.head_len = (size_t)n;
	if (c.head_len == 0) {
		set(r, PROBE_UNKNOWN, "empty", "an empty file");
		return 0;
	}
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
		if (probes[i](&c, r)) {
			probe_check(fd, S_ISREG(st.st_mode) ? st.st_size : 0, r);
			return 0;
		}
	probe_text_or_data(&c, r);
	return 0;
}

int probe_file(const char *path, struct probe_result *r)
{
	struct stat st;
	int fd, ret;

	/* Look before opening: a FIFO or character device is described, never
	 * opened (an open could block, or have effects). */
	if (stat(path, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		memset(r, 0, sizeof(*r));
		set(r, PROBE_UNKNOWN, S_ISDIR(st.st_mode) ? "directory" : "special", file_kind(st.st_mode));
		return 0;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	ret = probe_fd(fd, r);
	close(fd);
	return ret;
}

bool probe_kernel_fits_arch(const struct probe_result *r, const char *board_arch)
{
	if (r->cls != PROBE_KERNEL || !r->arch[0])
		return false;
	if (strcmp(r->arch, "x86") == 0)
		return strcmp(board_arch, "x86_64") == 0 || strcmp(board_arch, "i386") == 0;
	return strcmp(r->arch, board_arch) == 0;
}

const char *probe_kernels_for_arch(const char *board_arch)
{
	if (strcmp(board_arch, "x86_64") == 0)
		return "an x86 bzImage or an x86-64 ELF vmlinux";
	if (strcmp(board_arch, "i386") == 0)
		return "an x86 bzImage or an i386 ELF vmlinux";
	if (strcmp(board_arch, "arm64") == 0)
		return "an arm64 Image or an arm64 ELF vmlinux";
	return "a kernel image for it";
}

const char *probe_class_name(enum probe_class c)
{
	switch (c) {
	case PROBE_KERNEL: return "kernel";
	case PROBE_ROOTFS: return "rootfs";
	default: return "unknown";
	}
}
