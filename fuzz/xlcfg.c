/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * User-written Xen configurations (src/stage/xlcfg.c): the input is the xl
 * file (more files after "--- NAME" lines), beside a kernel, a disk and a
 * ramdisk it may name. A configuration the stager accepts must come out as
 * one that Xen's parser reads back.
 */
#include "fuzz.h"
#include "stage/stage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef HAVE_XLUTIL
#include <libxlutil.h>

static void check_rewritten(const char *text)
{
	FILE *devnull = fopen("/dev/null", "w");
	XLU_Config *cfg = devnull ? xlu_cfg_init(devnull, "rewritten") : NULL;

	if (!cfg)
		abort();
	if (xlu_cfg_readdata(cfg, text, (int)strlen(text)) != 0) {
		fprintf(stderr, "the stager wrote an xl file Xen cannot read:\n%s", text);
		abort();
	}
	xlu_cfg_destroy(cfg);
	fclose(devnull);
}
#endif

/* Xen's parser loses a string value when a syntax error follows it
 * (libxlutil 4.17: xlu__cfg_string_mk, freed by no destructor in its
 * grammar). Not ours to fix and bounded (one configuration per run): the
 * leak checker is told to ignore leaks from inside that library only. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libxlutil.so\n";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char kernel[8192];
	char *paths[8], *err = NULL;
	size_t n = fuzz_write_files(data, size, "xen-guest-bundle-g.cfg", paths, 8);
	struct stage_opts o = { .deploy = fuzz_scratch_path(), .hv = HV_XEN };
	struct staged_guest sg;

	/* An x86 boot-protocol header: what fileprobe calls a bzImage. */
	kernel[0x1fe] = 0x55, kernel[0x1ff] = (char)0xaa;
	memcpy(kernel + 0x202, "HdrS", 4);
	free(fuzz_write("vmlinuz", kernel, sizeof(kernel)));
	free(fuzz_write("root.img", "data", 4));
	free(fuzz_write("ram.gz", "ramdisk", 7));
	if (n > 0 && xlcfg_plan(&o, paths[0], &sg, &err) == 0) {
#ifdef HAVE_XLUTIL
		check_rewritten(sg.launch_text);
#endif
	}
	if (n > 0)
		staged_guest_free(&sg);
	free(err);
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	return 0;
}
