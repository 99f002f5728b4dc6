/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "devspec.h"
#include "util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>

bool devspec_is_host_disk(const char *item)
{
	return startswith(item, "/dev/");
}

/* A path QEMU and the kernel take as written: absolute, no empty, "." or
 * ".." component, and none of the characters QEMU's option syntax or our
 * list syntax give a meaning (',' separates options, whitespace items). */
static const char *device_path_problem(const char *p)
{
	if (!devspec_is_host_disk(p))
		return "a host device is a path under /dev/";
	if (strstr(p, "//") || strstr(p, "/./") || strstr(p, "/../") || endswith(p, "/") ||
	    endswith(p, "/.") || endswith(p, "/.."))
		return "a device path must be normal: no empty, '.' or '..' component, no trailing '/'";
	for (const unsigned char *c = (const unsigned char *)p; *c; c++)
		if (*c <= ' ' || *c == 0x7f || *c == ',' || *c == '"' || *c == '\'' || *c == '\\')
			return "a device path must not contain spaces, control characters, ',', quotes or '\\'";
	if (strlen(p) > 255)
		return "a device path is longer than 255 bytes";
	return NULL;
}

const char *devspec_host_disk(const char *item, char **path, bool *readonly)
{
	const char *comma = strchr(item, ','), *why;
	char *p = comma ? xstrndup(item, (size_t)(comma - item)) : xstrdup(item);

	*path = NULL;
	*readonly = false;
	why = device_path_problem(p);
	if (!why && comma) {
		if (streq(comma + 1, "ro"))
			*readonly = true;
		else if (!streq(comma + 1, "rw"))
			why = "the one option of a host disk is ',ro' (read-only) or ',rw' (the default)";
	}
	if (why) {
		free(p);
		return why;
	}
	*path = p;
	return NULL;
}

/* @n hex digits exactly at @s, into *v. */
static bool hex_field(const char *s, size_t n, unsigned *v)
{
	unsigned x = 0;

	for (size_t i = 0; i < n; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return false;
		x = x * 16 + (unsigned)(isdigit((unsigned char)s[i]) ? s[i] - '0'
								    : tolower((unsigned char)s[i]) - 'a' + 10);
	}
	*v = x;
	return true;
}

const char *devspec_pci(const char *text, char out[13])
{
	static const char *const form = "a PCI function is [DOMAIN:]BUS:DEVICE.FUNCTION in hex, "
					"as lspci -D prints it (0000:03:00.0)";
	unsigned dom = 0, bus, dev, fn;
	const char *s = text;
	size_t len = strlen(text);

	if (len == 12) {
		if (!hex_field(s, 4, &dom) || s[4] != ':')
			return form;
		s += 5;
	} else if (len != 7) {
		return form;
	}
	if (!hex_field(s, 2, &bus) || s[2] != ':' || !hex_field(s + 3, 2, &dev) || s[5] != '.' ||
	    !hex_field(s + 6, 1, &fn))
		return form;
	if (dev > 0x1f || fn > 7)
		return "a PCI device number is at most 1f and a function at most 7";
	snprintf(out, 13, "%04x:%02x:%02x.%x", dom, bus, dev, fn);
	return NULL;
}

const char *devspec_usb(const char *text, unsigned *vendor, unsigned *product)
{
	if (strlen(text) != 9 || !hex_field(text, 4, vendor) || text[4] != ':' ||
	    !hex_field(text + 5, 4, product))
		return "a USB device is VENDOR:PRODUCT, four hex digits each, as lsusb prints it "
		       "(046d:c52b)";
	if (*vendor == 0)
		return "USB vendor 0000 is no device's";
	return NULL;
}

int devspec_display(const char *text, enum guest_display *out)
{
	if (streq(text, "none"))
		*out = DISPLAY_NONE;
	else if (streq(text, "vga"))
		*out = DISPLAY_VGA;
	else
		return -1;
	return 0;
}

const char *devspec_display_name(enum guest_display d)
{
	return d == DISPLAY_VGA ? "vga" : "none";
}
