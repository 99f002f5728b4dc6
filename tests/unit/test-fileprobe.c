/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Each format is synthesised from its specification's magic numbers, so the
 * test needs no kernel or image on the machine. */
#include "probe/fileprobe.h"
#include "shared/util.h"
#include "tap.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

static char dir[] = "/tmp/vmb-probe-XXXXXX";

static char *write_file(const char *name, const void *buf, size_t len)
{
	char *path = xasprintf("%s/%s", dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0 || write(fd, buf, len) != (ssize_t)len) {
		perror(path);
		exit(99);
	}
	close(fd);
	return path;
}

static void put16(unsigned char *p, uint16_t v) { p[0] = (unsigned char)v; p[1] = (unsigned char)(v >> 8); }
static void put32(unsigned char *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }

static void expect(const char *name, const void *buf, size_t len, enum probe_class cls,
		   const char *format, const char *description)
{
	char *path = write_file(name, buf, len);
	struct probe_result r;
	int err = probe_file(path, &r);

	ok(err == 0, "%s: probe succeeds", name);
	is_str(probe_class_name(r.cls), probe_class_name(cls), "%s: class", name);
	is_str(r.format, format, "%s: format", name);
	if (description)
		is_str(r.description, description, "%s: description", name);
	unlink(path);
	free(path);
}

/* The kernel release the probe gives as a field (never parsed out of the
 * description by callers). */
static void expect_version(const char *name, const void *buf, size_t len, const char *version)
{
	char *path = write_file(name, buf, len);
	struct probe_result r;

	ok(probe_file(path, &r) == 0, "%s: probe succeeds", name);
	is_str(r.version, version, "%s: version field", name);
	unlink(path);
	free(path);
}

/* A kernel's architecture, and the boards it fits: @fits does, @misfit not. */
static void expect_arch(const char *name, const void *buf, size_t len, const char *arch,
			const char *fits, const char *misfit)
{
	char *path = write_file(name, buf, len);
	struct probe_result r;

	ok(probe_file(path, &r) == 0, "%s: probe succeeds", name);
	is_str(r.arch, arch, "%s: architecture", name);
	if (fits)
		ok(probe_kernel_fits_arch(&r, fits), "%s: fits a %s board", name, fits);
	ok(!probe_kernel_fits_arch(&r, misfit), "%s: does not fit a %s board", name, misfit);
	unlink(path);
	free(path);
}

static size_t gzip_buffer(const void *in, size_t len, unsigned char *out, size_t cap)
{
	z_stream zs;

	memset(&zs, 0, sizeof(zs));
	if (deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		exit(99);
	zs.next_in = (unsigned char *)in;
	zs.avail_in = (unsigned)len;
	zs.next_out = out;
	zs.avail_out = (unsigned)cap;
	if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
		exit(99);
	deflateEnd(&zs);
	return cap - zs.avail_out;
}

/* A minimal ELF64 executable whose only real section is @section. */
static size_t make_elf(unsigned char *b, size_t cap, const char *section, uint16_t type)
{
	Elf64_Ehdr eh;
	Elf64_Shdr sh[3];
	char names[64];
	size_t nlen;

	memset(b, 0, cap);
	memset(&eh, 0, sizeof(eh));
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = type;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_ehsize = sizeof(eh);
	eh.e_shoff = 0x200;
	eh.e_shentsize = sizeof(Elf64_Shdr);
	eh.e_shnum = 3;
	eh.e_shstrndx = 2;
	memcpy(b, &eh, sizeof(eh));

	memset(names, 0, sizeof(names));
	snprintf(names + 1, sizeof(names) - 1, "%s", section);
	nlen = 1 + strlen(section) + 1;
	memcpy(names + nlen, ".shstrtab", 10);
	memcpy(b + 0x100, names, nlen + 10);

	memset(sh, 0, sizeof(sh));
	sh[1].sh_name = 1;
	sh[1].sh_type = SHT_PROGBITS;
	sh[2].sh_name = (uint32_t)nlen;
	sh[2].sh_type = SHT_STRTAB;
	sh[2].sh_offset = 0x100;
	sh[2].sh_size = nlen + 10;
	memcpy(b + 0x200, sh, sizeof(sh));
	return 0x200 + sizeof(sh);
}

/* What probe_file says is wrong with @len bytes of @buf ("" when nothing). */
static char *problem_of(const char *name, const void *buf, size_t len, const char *format)
{
	char *path = write_file(name, buf, len);
	struct probe_result r;

	if (probe_file(path, &r) < 0 || !streq(r.format, format)) {
		fprintf(stderr, "# %s: probed as %s\n", name, r.format);
		exit(99);
	}
	unlink(path);
	free(path);
	return xstrdup(r.problem);
}

static void expect_problem(const char *name, const void *buf, size_t len, const char *format,
			   const char *want)
{
	char *got = problem_of(name, buf, len, format);

	is_str(got, want, "%s: %s", name, *want ? "the problem is named" : "no problem");
	free(got);
}

static void put32be(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static void put64be(unsigned char *p, uint64_t v)
{
	put32be(p, (uint32_t)(v >> 32));
	put32be(p + 4, (uint32_t)v);
}

/* One newc entry (header, name, data, padding) at @p; returns its length. */
static size_t newc_entry(unsigned char *p, const char *name, const char *data)
{
	size_t nl = strlen(name) + 1, dl = strlen(data), n;

	n = (size_t)sprintf((char *)p, "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X", 1u,
			    0100644u, 0u, 0u, 1u, 0u, dl, 0u, 0u, 0u, 0u, nl, 0u);
	memcpy(p + n, name, nl);
	n += nl;
	while (n % 4)
		p[n++] = 0;
	memcpy(p + n, data, dl);
	n += dl;
	while (n % 4)
		p[n++] = 0;
	return n;
}

/* Content checks beyond the magic (probe-check.c). */
static void content_checks(void)
{
	static unsigned char e[65536], q[262144], c[1024], z[1024], k[8192], zb[4096];
	unsigned char *sb = e + 1024;
	size_t n, zn;

	/* ext2: 64 blocks of 1 KiB, one group of 16 inodes. */
	put32(sb + 0x00, 16);
	put32(sb + 0x04, 64);
	put32(sb + 0x14, 1);
	put32(sb + 0x20, 8192);
	put32(sb + 0x28, 16);
	put16(sb + 0x38, 0xEF53);
	expect_problem("whole.ext2", e, sizeof(e), "ext2", "");
	expect_problem("short.ext2", e, 32768, "ext2",
		       "truncated: the superblock says 65536 bytes (64 blocks of 1024), the file has 32768");
	put32(sb + 0x00, 32);
	expect_problem("inodes.ext2", e, sizeof(e), "ext2", "corrupt superblock: 32 inodes, but 1 groups of 16 inodes");
	put32(sb + 0x00, 16);
	put32(sb + 0x28, 0);
	expect_problem("groups.ext2", e, sizeof(e), "ext2",
		       "corrupt superblock: 64 blocks, 8192 blocks and 0 inodes per group, first data block 1");
	put32(sb + 0x28, 16);
	put32(sb + 0x18, 9);
	expect_problem("blocksize.ext2", e, sizeof(e), "ext2", "corrupt superblock: block size 2^9 KiB is not 1-64 KiB");
	put32(sb + 0x18, 0);

	/* ext2.gz: the gzip stream to its end, and the filesystem all in it. */
	zn = gzip_buffer(e, sizeof(e), zb, sizeof(zb));
	expect_problem("whole.ext2.gz", zb, zn, "ext2.gz", "");
	expect_problem("short.ext2.gz", zb, zn - 6, "ext2.gz",
		       "truncated or corrupt: the gzip stream does not end cleanly (after 65536 bytes of "
		       "the filesystem's 65536)");
	zn = gzip_buffer(e, 32768, zb, sizeof(zb));
	expect_problem("half.ext2.gz", zb, zn, "ext2.gz",
		       "truncated: the superblock says 65536 bytes (64 blocks of 1024), the uncompressed "
		       "stream has 32768");

	/* qcow2 v3, 64 KiB clusters, 16 MiB: refcount table at 64 KiB, L1 at 192 KiB. */
	memcpy(q, "QFI\xfb", 4);
	put32be(q + 4, 3);
	put32be(q + 20, 16);
	put64be(q + 24, 16u << 20);
	put32be(q + 36, 1);
	put64be(q + 40, 0x30000);
	put64be(q + 48, 0x10000);
	put32be(q + 56, 1);
	put32be(q + 100, 104);
	expect_problem("whole.qcow2", q, sizeof(q), "qcow2", "");
	expect_problem("short.qcow2", q, 131072, "qcow2",
		       "truncated: its L1 table ends at byte 196616 and its refcount table at 131072, the file has 131072");
	put32be(q + 4, 7);
	expect_problem("version.qcow2", q, sizeof(q), "qcow2", "unsupported qcow2 version 7 (QEMU writes 2 and 3)");
	put32be(q + 4, 3);
	put32be(q + 20, 30);
	expect_problem("clusters.qcow2", q, sizeof(q), "qcow2", "corrupt qcow2 header: cluster_bits 30 is not 9-21");
	put32be(q + 20, 16);
	put32be(q + 36, 0);
	expect_problem("l1.qcow2", q, sizeof(q), "qcow2",
		       "corrupt qcow2 header: 16777216 bytes need 1 L1 entries, the header has 0");

	/* cpio newc: walked to TRAILER!!!, plain and gzip'd. */
	n = newc_entry(c, "init", "#!/bin/sh\n");
	n += newc_entry(c + n, "TRAILER!!!", "");
	expect_problem("whole.cpio", c, n, "cpio", "");
	expect_problem("no-trailer.cpio", c, 128, "cpio", "truncated: it ends after 1 entries, before the TRAILER!!! entry");
	expect_problem("cut-data.cpio", c, 118, "cpio", "truncated: the data of entry 1 ('init') is cut short");
	expect_problem("cut-header.cpio", c, 60, "cpio", "truncated: it ends inside the header of entry 1");
	zn = gzip_buffer(c, n, z, sizeof(z));
	expect_problem("whole.cpio.gz", z, zn, "cpio.gz", "");
	expect_problem("short.cpio.gz", z, zn - 6, "cpio.gz",
		       "truncated or corrupt: the gzip stream does not end cleanly after the archive");

	/* bzImage: setup sectors + syssize paragraphs must be in the file. */
	put16(k + 0x1fe, 0xAA55);
	memcpy(k + 0x202, "HdrS", 4);
	put16(k + 0x206, 0x20f);
	k[0x1f1] = 4;
	put32(k + 0x1f4, (8192 - 5 * 512) / 16);
	expect_problem("whole.bzImage", k, sizeof(k), "bzImage", "");
	expect_problem("short.bzImage", k, 6000, "bzImage",
		       "truncated: the boot header says 8192 bytes (4 setup sectors and the kernel), the file has 6000");
	/* An EFI stub's PE section past the end. */
	memcpy(k, "MZ", 2);
	put32(k + 0x3c, 0x80);
	memcpy(k + 0x80, "PE\0\0", 4);
	put16(k + 0x80 + 6, 1);
	put16(k + 0x80 + 20, 0);
	memcpy(k + 0x80 + 24, ".text", 5);
	put32(k + 0x80 + 24 + 16, 0x4000);
	put32(k + 0x80 + 24 + 20, 0x200);
	expect_problem("pe.bzImage", k, sizeof(k), "bzImage",
		       "truncated: its PE section '.text' ends at byte 16896, the file has 8192");
}

int main(void)
{
	static unsigned char b[8192], z[8192];
	struct probe_result r;
	size_t n;

	if (!mkdtemp(dir))
		return 99;

	/* x86 bzImage: boot flag, "HdrS", and a version string pointer. */
	memset(b, 0, sizeof(b));
	put16(b + 0x1fe, 0xAA55);
	memcpy(b + 0x202, "HdrS", 4);
	put16(b + 0x20e, 0x200);
	strcpy((char *)b + 0x400, "6.1.99-test (builder@host) #1 SMP");
	expect("bzImage", b, sizeof(b), PROBE_KERNEL, "bzImage", "x86 bzImage (Linux 6.1.99-test)");
	expect_version("bzImage-v", b, sizeof(b), "6.1.99-test");
	put16(b + 0x20e, 0);
	expect("bzImage-nover", b, sizeof(b), PROBE_KERNEL, "bzImage", "x86 bzImage");
	expect_version("bzImage-nover-v", b, sizeof(b), "");
	expect_arch("bzImage-arch", b, sizeof(b), "x86", "x86_64", "arm64");

	memset(b, 0, sizeof(b));
	memcpy(b + 0x38, "ARM\x64", 4);
	expect("Image", b, 4096, PROBE_KERNEL, "Image", "arm64 Image");
	expect_arch("Image-arch", b, 4096, "arm64", "arm64", "x86_64");
	{
		/* The banner in the data, across the scan's 1 MiB chunk boundary. */
		size_t big = 3u << 20, at = (1u << 20) - 5;
		unsigned char *img = calloc(1, big);
		const char *banner = "Linux version 6.1.192 (vmbundle@vmbundle) #1 SMP";

		memcpy(img + 0x38, "ARM\x64", 4);
		memcpy(img + at, banner, strlen(banner));
		expect("Image-banner", img, big, PROBE_KERNEL, "Image", "arm64 Image (Linux 6.1.192)");
		expect_version("Image-banner-v", img, big, "6.1.192");
		free(img);
	}
	memset(b, 0, sizeof(b));
	memcpy(b + 0x34, "RSC\x05", 4);
	expect("Image-riscv", b, 4096, PROBE_KERNEL, "Image", "RISC-V Image");
	expect_arch("Image-riscv-arch", b, 4096, "riscv64", "riscv64", "arm64");

	n = make_elf(b, sizeof(b), ".init.text", ET_EXEC);
	expect("vmlinux", b, n, PROBE_KERNEL, "vmlinux", "x86-64 ELF vmlinux");
	expect_arch("vmlinux-arch", b, n, "x86_64", "x86_64", "i386");
	n = make_elf(b, sizeof(b), ".text", ET_EXEC);
	expect("program", b, n, PROBE_UNKNOWN, "elf", "x86-64 ELF program without a kernel's .init.text section");
	expect_arch("program-arch", b, n, "", NULL, "x86_64");
	n = make_elf(b, sizeof(b), ".init.text", ET_DYN);
	expect("shared", b, n, PROBE_UNKNOWN, "elf", NULL);
	/* Section table pointing past the end of the file: no crash, not a kernel. */
	n = make_elf(b, sizeof(b), ".init.text", ET_EXEC);
	put32(b + 0x28, 0x7ffffff0);
	expect("elf-truncated", b, n, PROBE_UNKNOWN, "elf", NULL);

	/* ext superblock at 1024, magic at 0x38, features decide the flavour. */
	memset(b, 0, sizeof(b));
	put16(b + 1024 + 0x38, 0xEF53);
	expect("ext2", b, 4096, PROBE_ROOTFS, "ext2", "ext2 filesystem");
	put32(b + 1024 + 0x5c, 0x4);
	expect("ext3", b, 4096, PROBE_ROOTFS, "ext3", "ext3 filesystem");
	put32(b + 1024 + 0x60, 0x40 | 0x200);
	expect("ext4", b, 4096, PROBE_ROOTFS, "ext4", "ext4 filesystem");
	put32(b + 1024 + 0x60, 0x8);
	expect("journal-dev", b, 4096, PROBE_UNKNOWN, "ext-journal", NULL);

	/* ext2.gz, as Buildroot produces for initrds (seed 004). */
	put32(b + 1024 + 0x5c, 0);
	put32(b + 1024 + 0x60, 0);
	n = gzip_buffer(b, 4096, z, sizeof(z));
	expect("rootfs.ext2.gz", z, n, PROBE_ROOTFS, "ext2.gz", "gzip-compressed ext2 filesystem");

	memset(b, 0, sizeof(b));
	memcpy(b, "070701000000010000", 18);
	expect("initramfs.cpio", b, 512, PROBE_ROOTFS, "cpio", NULL);
	n = gzip_buffer(b, 512, z, sizeof(z));
	expect("initramfs.cpio.gz", z, n, PROBE_ROOTFS, "cpio.gz", "gzip-compressed cpio archive (initramfs)");
	memcpy(b, "070707", 6);
	expect("odc.cpio", b, 512, PROBE_ROOTFS, "cpio", NULL);
	n = gzip_buffer("hello world\n", 12, z, sizeof(z));
	expect("text.gz", z, n, PROBE_UNKNOWN, "gzip", NULL);
	/* A gzip header followed by garbage must not confuse the inflater. */
	memcpy(z + 10, "garbagegarbage", 14);
	expect("corrupt.gz", z, 24, PROBE_UNKNOWN, "gzip", NULL);

	memset(b, 0, sizeof(b));
	memcpy(b, "QFI\xfb", 4);
	expect("disk.qcow2", b, 512, PROBE_ROOTFS, "qcow2", "QEMU qcow2 disk image");

	memset(b, 0, sizeof(b));
	put16(b + 510, 0xAA55);
	b[446 + 4] = 0x83;
	put32(b + 446 + 8, 2048);
	put32(b + 446 + 12, 100000);
	expect("disk-mbr.img", b, 4096, PROBE_ROOTFS, "disk-mbr",
	       "raw disk image with an MBR partition table (1 partition)");
	b[446] = 0x12; /* not a valid status byte: a boot sector, not a table */
	expect("bootsector", b, 4096, PROBE_UNKNOWN, "data", NULL);
	memset(b + 446, 0, 64);
	expect("empty-mbr", b, 4096, PROBE_UNKNOWN, "data", NULL);
	memcpy(b + 512, "EFI PART", 8);
	expect("disk-gpt.img", b, 4096, PROBE_ROOTFS, "disk-gpt", NULL);

	memset(b, 0, sizeof(b));
	memcpy(b, "hsqs", 4);
	expect("root.squashfs", b, 512, PROBE_ROOTFS, "squashfs", NULL);
	memcpy(b, "\xfd" "7zXZ\0", 6);
	expect("thing.xz", b, 512, PROBE_UNKNOWN, "xz", NULL);

	expect("notes.txt", "just some text\n", 15, PROBE_UNKNOWN, "text", "a text file");
	expect("empty", "", 0, PROBE_UNKNOWN, "empty", "an empty file");

	ok(probe_file(dir, &r) == 0 && streq(r.format, "directory"), "a directory is reported as such");
	ok(probe_file("/nonexistent/kernel", &r) == -ENOENT, "a missing file is -ENOENT");
	ok(probe_file("/proc/self/exe", &r) == 0 && r.cls == PROBE_UNKNOWN && streq(r.format, "elf"),
	   "this test program is an ELF but not a kernel");

	content_checks();
	rmdir(dir);
	return done_testing();
}
