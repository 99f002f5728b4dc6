/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "kvmdev.h"
#include "shared/util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

int kvm_dev_probe(const char *dev, char **why)
{
	int fd = open(dev, O_RDWR | O_CLOEXEC), api, vm;

	if (fd < 0) {
		*why = xasprintf("%s: cannot open: %s", dev, strerror(errno));
		return -1;
	}
	api = ioctl(fd, KVM_GET_API_VERSION, 0);
	if (api != KVM_API_VERSION) {
		*why = api < 0 ? xasprintf("%s: KVM_GET_API_VERSION failed: %s", dev, strerror(errno))
			       : xasprintf("%s: KVM API version %d, not %d", dev, api, KVM_API_VERSION);
		close(fd);
		return -1;
	}
	vm = ioctl(fd, KVM_CREATE_VM, 0);
	if (vm < 0) {
		*why = xasprintf("%s: cannot create a VM: %s (virtualisation disabled in the firmware, or another hypervisor holds it?)",
				 dev, strerror(errno));
		close(fd);
		return -1;
	}
	close(vm);
	close(fd);
	return 0;
}

const char *kvm_module_for_cpu(const char *cpuinfo)
{
	FILE *f = fopen(cpuinfo, "re");
	char line[256];
	const char *module = NULL;

	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		if (!startswith(line, "vendor_id"))
			continue;
		if (strstr(line, "AuthenticAMD"))
			module = "kvm_amd";
		else if (strstr(line, "GenuineIntel"))
			module = "kvm_intel";
		break;
	}
	fclose(f);
	return module;
}
