/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A user-written xl file rewritten by the stager is still valid xl: Xen's
 * parser reads it back, with every path now on the target. */
#include "stage/stage.h"
#include "shared/fsutil.h"
#include "shared/util.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>

#ifdef HAVE_XLUTIL
#include <libxl.h>
#include <libxlutil.h>

static char dir[] = "/tmp/test-xlcfg-XXXXXX";

/* Odd spacing, ';', both quotes, a list over two lines, positional and
 * keyword disk specs, a cdrom. */
static const char user_cfg[] =
	"name='t'\nkernel = \"vmlinuz\" ; ramdisk= 'ram.gz'\n"
	"disk = [ 'root.img,raw,xvda,rw',\n 'vdev=xvdb, access=ro, devtype=cdrom, target=root.img' ]\n"
	"extra = \"console=hvc0 it's\"\n";

static void put(const char *name, const char *text, size_t len)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");

	fwrite(text, 1, len, f);
	fclose(f);
	free(path);
}

int main(void)
{
	struct stage_opts o = { .deploy = "/nonexistent", .hv = HV_XEN };
	struct staged_guest sg;
	char kernel[8192] = { 0 }, *file, *err = NULL;
	XLU_Config *cfg;
	XLU_ConfigList *disks;
	const char *v;
	int n = 0;

	if (!mkdtemp(dir))
		return 1;
	/* An x86 boot-protocol header: what fileprobe calls a bzImage. */
	kernel[0x1fe] = 0x55, kernel[0x1ff] = (char)0xaa;
	memcpy(kernel + 0x202, "HdrS", 4);
	put("vmlinuz", kernel, sizeof(kernel));
	put("root.img", "data", 4);
	put("ram.gz", "ramdisk", 7);
	put("xen-guest-bundle-t.cfg", user_cfg, strlen(user_cfg));
	file = xasprintf("%s/xen-guest-bundle-t.cfg", dir);
	if (!ok(xlcfg_plan(&o, file, &sg, &err) == 0, "a user-written file is planned")) {
		printf("# %s\n", err);
		return done_testing();
	}
	cfg = xlu_cfg_init(stderr, "rewritten");
	ok(xlu_cfg_readdata(cfg, sg.launch_text, (int)strlen(sg.launch_text)) == 0,
	   "libxlutil parses the rewritten file");
	ok(xlu_cfg_get_string(cfg, "kernel", &v, 0) == 0 &&
	   streq(v, "/var/lib/xen/images/t/vmlinuz"), "kernel is the on-target path");
	ok(xlu_cfg_get_string(cfg, "ramdisk", &v, 0) == 0 &&
	   streq(v, "/var/lib/xen/images/t/ram.gz"), "ramdisk is the on-target path");
	ok(xlu_cfg_get_string(cfg, "extra", &v, 0) == 0 && streq(v, "console=hvc0 it's"),
	   "a value with a quote survives");
	ok(xlu_cfg_get_list(cfg, "disk", &disks, &n, 0) == 0 && n == 2, "both disks are kept");
	for (int i = 0; i < n; i++) {
		const char *spec = xlu_cfg_get_listitem(disks, i);
		libxl_device_disk d;

		libxl_device_disk_init(&d);
		ok(xlu_disk_parse(cfg, 1, &spec, &d) == 0 && d.pdev_path &&
		   streq(d.pdev_path, "/var/lib/xen/images/t/root.img") && d.vdev &&
		   streq(d.vdev, i ? "xvdb" : "xvda") && d.readwrite == !i && d.is_cdrom == i,
		   "disk %d: Xen's disk parser reads target, vdev, access and devtype back", i);
		libxl_device_disk_dispose(&d);
	}
	xlu_cfg_destroy(cfg);
	staged_guest_free(&sg);
	free(file);

	/* libxlutil asserts on a NUL inside a string (found by fuzz/xlcfg.c). */
	put("xen-guest-bundle-nul.cfg", "name = \"a\0b\"\n", 11);
	file = xasprintf("%s/xen-guest-bundle-nul.cfg", dir);
	err = NULL;
	ok(xlcfg_plan(&o, file, &sg, &err) < 0 && err && strstr(err, "byte 10 is a NUL byte") &&
	   strstr(err, "xen-guest-bundle-nul.cfg"), "a NUL byte is refused before Xen's parser sees it");
	if (err)
		printf("# %s\n", err);
	free(err);
	staged_guest_free(&sg);
	free(file);
	if (remove_tree(dir) < 0)
		printf("# cannot remove %s\n", dir);
	return done_testing();
}
#else
int main(void)
{
	puts("1..0 # SKIP built without libxlutil");
	return 0;
}
#endif
