/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "accel.h"
#include "kvmdev.h"
#include "shared/run.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define KVM_DEV "/dev/kvm"

/* When KVM is a module (the project's host kernels build it so), nothing
 * loads it before the first guest: load the one this CPU needs. */
static void load_kvm_module(void)
{
	const char *module;
	char *err = NULL;

	if (access(KVM_DEV, F_OK) == 0)
		return;
	module = kvm_module_for_cpu("/proc/cpuinfo");
	if (!module)
		return;
	const char *const argv[] = { "modprobe", module, NULL };
	const struct run_opts quiet = { .in = { RUN_NULL, NULL, 0 }, .out = { RUN_NULL, NULL, 0 },
					.err = { RUN_NULL, NULL, 0 } };

	if (run(argv, &quiet, &err) < 0) {
		vmb_warn("loading %s: %s", module, err);
		free(err);
	}
}

int accel_choose(const char *want, const char *guest, enum accel *out, char **fallback,
		 char **err)
{
	char *why = NULL;

	if (streq(want, "tcg")) {
		*out = ACCEL_TCG;
		return 0;
	}
	load_kvm_module();
	if (kvm_dev_probe(KVM_DEV, &why) == 0) {
		*out = ACCEL_KVM;
		return 0;
	}
	if (streq(want, "kvm")) {
		*err = xasprintf("guest %s asks for accel = kvm, but KVM does not work: %s", guest, why);
		free(why);
		return -1;
	}
	*fallback = why;
	*out = ACCEL_TCG;
	return 0;
}
