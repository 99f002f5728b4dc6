# SPDX-License-Identifier: GPL-2.0-or-later
# Root filesystems and their images (GNU make; included after mk/kernel.mk).
# Root filesystems are declared, not scripted: `vmbundle rootfs` reads the
# rootfs type, templates, board and guest declarations and writes
#   rootfs/NAME/tree/         the assembled tree (rebuilt from declarations:
#                             lasting changes belong in overlays)
#   rootfs/NAME/permissions   its owners, modes and device nodes (makedevs)
#   rootfs/NAME/deps.mk       every file it read, so an edited declaration,
#                             overlay file or imported host program rebuilds it
# and the stamp rootfs/NAME/.assembled. NAME is host or a guest.
#
# Images: DEPLOY/NAME-BOARD.rootfs.FMT for every guest that carries no other
# guest, in each of its formats (doc/pipeline.md). The host's images and
# carrier guests' images are written by the stager (mk/stage.mk).

VMB_RDIR := rootfs
VMB_ROOTFS_NAMES := host $(if $(filter 1,$(MULTI_KVM_GUEST_TRIGGER)),$(VMB_GUESTS))
# The host's hostname: the board name unless the make command line says.
VMB_HOST_HOSTNAME ?= $(VMB_BOARD)
# Build products installed into a tree (SRC:DEST[:MODE], SRC relative to the
# build directory): the on-target guest launcher goes into the host, with the
# init script that autostarts guests (rcS runs /etc/init.d/S??* start).
# A board of another architecture gets the launcher cross-built for it.
VMB_VMGUEST_TARGET = $(if $(VMB_CROSS_COMPILE),vmguest-cross,vmguest$(EXEEXT))
VMB_ROOTFS_ADD_host = $(if $(filter vmguest$(EXEEXT),$(noinst_PROGRAMS)),$(VMB_VMGUEST_TARGET):/usr/bin/vmguest:0755 \
	$(abs_top_srcdir)/src/launcher/vmguest.init:/etc/init.d/S90vmguest:0755)

# VMB_TEMPLATE_DIRS (config.mk): templates/ of the external layers first,
# then the project's own, as configure searched them.
vmb_reverse = $(if $(1),$(call vmb_reverse,$(wordlist 2,$(words $(1)),$(1))) $(firstword $(1)))

# Which kernel a root filesystem's modules come from: a guest's own kernel,
# the host's (kernel = host), or none (a prebuilt kernel file).
vmb_rkernel = $(if $(filter host,$(1)),host,$(if $(filter own,$(or $(VMB_GUEST_$(1)_KERNEL),own)),$(1),$(if $(filter host,$(VMB_GUEST_$(1)_KERNEL)),host)))
vmb_rkstamp = $(if $(call vmb_rkernel,$(1)),$(VMB_DEPLOY)/.kernel-$(call vmb_rkernel,$(1)))
vmb_rmodules = $(wildcard $(VMB_DEPLOY)/modules-$(call vmb_rkernel,$(1)).tgz)

# What each root filesystem is made of, as `vmbundle rootfs` arguments.
VMB_ROOTFS_ARGS_host = --type=$(VMB_ROOTFS) $(foreach t,$(VMB_TEMPLATES),--template=$(t)) \
	--board=$(VMB_BOARD_CONF) --hostname=$(VMB_HOST_HOSTNAME) \
	$(foreach f,$(VMB_ROOTFS_ADD_host),--add=$(f))
$(foreach g,$(VMB_GUESTS),$(eval VMB_ROOTFS_ARGS_$(g) = \
	$(if $(VMB_GUEST_$(g)_ROOTFS),--type=$(VMB_GUEST_$(g)_ROOTFS)) \
	$$(foreach d,$$(call vmb_reverse,$$(or $$(VMB_GUEST_$(g)_DECLS),$$(VMB_GUEST_$(g)_CONF))),--guest=$$(d)) \
	$$(foreach f,$$(VMB_ROOTFS_ADD_$(g)),--add=$$(f))))

# Image formats: the guest's (configure resolved them), ext4 otherwise.
vmb_rformats = $(or $(VMB_GUEST_$(1)_FORMATS),ext4)
VMB_IMAGE_GUESTS = $(filter-out $(VMB_CARRIERS),$(filter-out host,$(VMB_ROOTFS_NAMES)))
vmb_rimages = $(foreach f,$(call vmb_rformats,$(1)),$(VMB_DEPLOY)/$(1)-$(VMB_BOARD).rootfs.$(f))
# Their versioned files (every epoch's), for cleaning.
vmb_rimages_versioned = $(foreach f,$(call vmb_rformats,$(1)),$(VMB_DEPLOY)/$(1)-$(VMB_BOARD)-[0-9]*.rootfs.$(f))

# What configure decides about a root filesystem: rootfs/NAME/inputs,
# rewritten only when it changes (mk/common.mk).
vmb_rinputs_text = $(strip $(VMB_ROOTFS_ARGS_$(1)) $(foreach d,$(VMB_TEMPLATE_DIRS),--templates-dir=$(d)) \
	$(foreach o,$(VMB_ROOTFS_OVERLAYS),--overlay=$(o)) $(VMB_POST_BUILD_SCRIPT) $(vmb_rtarget_args))
# Where the target's software comes from (mk/sysroot.mk), and which
# KEY:ARCH declarations apply.
vmb_rtarget_args = $(or $(vmb_sysroot_args),--arch=$(VMB_ARCH))

# $(1) = NAME
define vmb_rootfs_rules
$(VMB_RDIR)/$(1)/inputs: vmb-force
	$$(call vmb_update_file,$$@,$$(call vmb_rinputs_text,$(1)))

$(VMB_RDIR)/$(1)/.assembled: $(VMB_RDIR)/$(1)/inputs $(VMB_TOOL_DEP) $(call vmb_rkstamp,$(1)) $(VMB_SYSROOT_DEP) \
		$(foreach f,$(VMB_ROOTFS_ADD_$(1)),$(firstword $(subst :, ,$(f))))
	$(AM_V_at)mkdir -p $(VMB_RDIR)/$(1) && rm -f $(VMB_RDIR)/$(1)/rootfs.log
	$(AM_V_at)$$(call vmb_step,ROOTFS,$(1),$(VMB_RDIR)/$(1)/rootfs.log) $(VMB_TOOL) rootfs \
		--out=$(VMB_RDIR)/$(1) --name=$(1) $(foreach d,$(VMB_TEMPLATE_DIRS),--templates-dir=$(d)) \
		$$(VMB_ROOTFS_ARGS_$(1)) $(vmb_rtarget_args) $$(if $$(call vmb_rmodules,$(1)),--modules=$$(call vmb_rmodules,$(1))) \
		$(foreach o,$(VMB_ROOTFS_OVERLAYS),--overlay=$(o)) \
		$(if $(VMB_POST_BUILD_SCRIPT),--post-build=$(VMB_POST_BUILD_SCRIPT)) \
		--depfile=$(VMB_RDIR)/$(1)/deps.mk --depfile-target=$(VMB_RDIR)/$(1)/.assembled
	$(AM_V_at)touch $$@
-include $(VMB_RDIR)/$(1)/deps.mk

rootfs-$(1): $(VMB_RDIR)/$(1)/.assembled $(if $(filter $(1),$(VMB_IMAGE_GUESTS)),$(call vmb_rimages,$(1)))
clean-rootfs-$(1):
	rm -rf $(VMB_RDIR)/$(1) $(call vmb_rimages,$(1)) $(call vmb_rimages_versioned,$(1))
.PHONY: rootfs-$(1) clean-rootfs-$(1)
endef
$(foreach n,$(VMB_ROOTFS_NAMES),$(eval $(call vmb_rootfs_rules,$(n))))

# The formats whose image --name means something to (it seeds the ext UUID or
# names the uImage): the handlers with IMAGE_CAP_NAMED, which mkimage
# --help marks; mkimage refuses --name for the others (cpio, tar.bz2: no
# field to put it in). tests/functional/mkimage-errors.test keeps the two in step.
VMB_NAMED_IMAGE_FORMATS := ext4 ext3 ext2 ext2.gz qcow2 uImage

# One image of a guest that carries nothing: $(1) = NAME, $(2) = FORMAT.
define vmb_image_rule
$(VMB_DEPLOY)/$(1)-$(VMB_BOARD).rootfs.$(2): $(VMB_RDIR)/$(1)/.assembled
	$(AM_V_at)mkdir -p $(VMB_DEPLOY) && rm -f $(VMB_RDIR)/$(1)/image-$(2).log
	$(AM_V_at)$$(call vmb_step,IMAGE,$$(notdir $$@),$(VMB_RDIR)/$(1)/image-$(2).log) $(VMB_TOOL) mkimage \
		--tree=$(VMB_RDIR)/$(1)/tree --permissions=$(VMB_RDIR)/$(1)/permissions \
		--format=$(2) $(if $(filter $(2),$(VMB_NAMED_IMAGE_FORMATS)),--name=$$(notdir $$@)) --output=$(VMB_DEPLOY)/$$(call vmb_versioned_image,$(1),$(2))
	$(AM_V_at)$$(call vmb_deploy_link_images,$(1),$(2))
endef
$(foreach g,$(VMB_IMAGE_GUESTS),$(foreach f,$(call vmb_rformats,$(g)),$(eval $(call vmb_image_rule,$(g),$(f)))))

rootfs: $(foreach n,$(VMB_ROOTFS_NAMES),rootfs-$(n))
clean-rootfs:
	rm -rf $(VMB_RDIR) $(foreach g,$(VMB_IMAGE_GUESTS),$(call vmb_rimages,$(g)) $(call vmb_rimages_versioned,$(g)))
.PHONY: rootfs clean-rootfs
clean-local: clean-rootfs
