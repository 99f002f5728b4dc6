# SPDX-License-Identifier: GPL-2.0-or-later
# The target's software (GNU make; included before mk/rootfs.mk): with
# --with-userland=packages (the default) every root filesystem takes its
# programs, libraries and busybox from one sysroot unpacked from the board
# architecture's Debian packages (doc/packages.md):
#   sysroot/wanted     the packages every root filesystem's declarations name
#   sysroot/tree/      the unpacked sysroot (their Depends closure)
#   sysroot/packages   what was resolved (rewritten only when it changes:
#                      the root filesystems depend on it)
# The package lock (VMB_PACKAGE_LOCK) pins every version; the package cache
# (VMB_PACKAGE_CACHE) keeps the verified .debs and their unpacked trees.

VMB_SYSROOT_DIR := sysroot

ifeq ($(VMB_USERLAND),packages)
VMB_SYSROOT := $(abs_builddir)/$(VMB_SYSROOT_DIR)/tree
VMB_SYSROOT_DEP := $(VMB_SYSROOT_DIR)/packages
vmb_sysroot_args = --sysroot=$(VMB_SYSROOT) --arch=$(VMB_ARCH)
vmb_sysroot_cmd = $(VMB_TOOL) sysroot --arch=$(VMB_DEB_ARCH) --cache=$(VMB_PACKAGE_CACHE) \
	--lock=$(VMB_PACKAGE_LOCK) --out=$(VMB_SYSROOT) --resolved=$(VMB_SYSROOT_DIR)/packages \
	--wanted=$(VMB_SYSROOT_DIR)/wanted

# Asked of the declarations on every make (a few milliseconds per root
# filesystem); the file changes only when the answer does.
$(VMB_SYSROOT_DIR)/wanted: vmb-force $(VMB_TOOL_DEP)
	$(AM_V_at)mkdir -p $(@D)
	$(AM_V_at): >$@.list && $(foreach n,$(VMB_ROOTFS_NAMES),$(VMB_TOOL) rootfs --list-packages \
		--arch=$(VMB_ARCH) $(foreach d,$(VMB_TEMPLATE_DIRS),--templates-dir=$(d)) \
		$(VMB_ROOTFS_ARGS_$(n)) >>$@.list &&) sort -u $@.list >$@.new && rm -f $@.list
	$(AM_V_at)cmp -s $@.new $@ && rm -f $@.new || mv -f $@.new $@

$(VMB_SYSROOT_DIR)/.unpacked: $(VMB_SYSROOT_DIR)/wanted $(VMB_TOOL_DEP) $(wildcard $(VMB_PACKAGE_LOCK))
	$(AM_V_at)$(call vmb_step,SYSROOT,$(VMB_DEB_ARCH),$(VMB_SYSROOT_DIR)/sysroot.log) $(vmb_sysroot_cmd)
	$(AM_V_at)touch $@

$(VMB_SYSROOT_DIR)/packages: $(VMB_SYSROOT_DIR)/.unpacked ;

sysroot: $(VMB_SYSROOT_DIR)/.unpacked
# Resolve every package afresh from apt's index and rewrite the lock.
packages-update: $(VMB_SYSROOT_DIR)/wanted
	$(AM_V_at)$(call vmb_step,SYSROOT,$(VMB_DEB_ARCH) (update),$(VMB_SYSROOT_DIR)/sysroot.log) \
		$(vmb_sysroot_cmd) --update
	$(AM_V_at)touch $(VMB_SYSROOT_DIR)/.unpacked
else
sysroot packages-update:
	@echo "vmbundle: configured with --with-userland=host: programs come from this machine, there is no sysroot" >&2
endif

clean-sysroot:
	rm -rf $(VMB_SYSROOT_DIR)
.PHONY: sysroot packages-update clean-sysroot
clean-local: clean-sysroot
