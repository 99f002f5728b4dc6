# SPDX-License-Identifier: GPL-2.0-or-later
# SBOMs and package manifests (GNU make; included after mk/stage.mk).
# For every image the build makes (the host, each guest, carriers too),
# `vmbundle sbom` reads the finished image back and writes
#   DEPLOY/NAME-BOARD-DATETIME.rootfs.spdx.json   its SPDX 2.3 document
#   DEPLOY/NAME-BOARD-DATETIME.rootfs.manifest    its packages, Yocto's way
# with the stable names NAME-BOARD.rootfs.spdx.json and .manifest linking
# to them (doc/deploy.md). A carrier's document refers to the documents of
# the guests it carries, so those are written first.

vmb_comma := ,
# The target's Debian architecture (doc/packages.md's VMB_DEB_ARCH when
# configure writes it).
VMB_SBOM_ARCH = $(or $(VMB_DEB_ARCH),$(if $(filter x86_64,$(VMB_ARCH)),amd64,$(VMB_ARCH)))
# Each image's formats, the guests it carries and the image a guest stages.
vmb_sformats = $(if $(filter host,$(1)),$(VMB_HOST_IMAGE_FORMATS),$(call vmb_rformats,$(1)))
vmb_scarries = $(if $(filter host,$(1)),$(VMB_HOST_CARRIES),$(VMB_GUEST_$(1)_CARRIES))
vmb_sbom_file = $(VMB_DEPLOY)/$(1)-$(VMB_BOARD).rootfs.spdx.json
# A carried guest's kernel: a kernel built here (own, host), or a prebuilt file.
# Guests may share one (two on kernel = host): each is named once ($(sort)),
# as the SBOM has one element per kernel.
vmb_sgkernel = $(if $(filter own,$(or $(VMB_GUEST_$(1)_KERNEL),own)),--kernel=$(1),$(if \
	$(filter host,$(VMB_GUEST_$(1)_KERNEL)),--kernel=host,--prebuilt=$(VMB_GUEST_$(1)_KERNEL)))

# What `vmbundle sbom` (and graph-size) is told about image $(1).
vmb_sbom_args = --name=$(1) --board=$(VMB_BOARD) --deploy=$(VMB_DEPLOY) --arch=$(VMB_SBOM_ARCH) \
	$(foreach f,$(call vmb_sformats,$(1)),--format=$(f)) \
	--imports=$(VMB_RDIR)/$(1)/imports --decls=$(VMB_RDIR)/$(1)/deps.mk \
	$(if $(VMB_SYSROOT),--sysroot=$(VMB_SYSROOT)) \
	--kernel-dir=$(VMB_KDIR) --kernel-image=$(VMB_KERNEL_IMAGE) --kernel-source=$(VMB_KERNEL_SOURCE) \
	$(if $(call vmb_rkernel,$(1)),--own-kernel=$(call vmb_rkernel,$(1))) \
	$(foreach g,$(call vmb_scarries,$(1)),--guest=$(g):$(subst $(vmb_space),$(vmb_comma),$(strip \
		$(call vmb_rformats,$(g))))) \
	$(sort $(foreach g,$(call vmb_scarries,$(1)),$(call vmb_sgkernel,$(g)))) \
	$(if $(filter host,$(1)),$(foreach p,$(VMB_EXTERNAL_GUEST_KERNEL) $(VMB_EXTERNAL_GUEST_IMG) \
		$(vmb_bundled_files),--prebuilt=$(p))) \
	$(foreach f,$(VMB_ROOTFS_ADD_$(1)),--product=$(word 2,$(subst :, ,$(f)))) \
	--source-root=$(abs_top_builddir) --source-root=$(abs_top_srcdir) \
	$(foreach l,$(VMB_EXTERNAL_LAYERS),--source-root=$(l))

# The image an SBOM is read from is finished: a carrier's by its staging,
# a leaf guest's by mk/rootfs.mk.
vmb_sbom_deps = $(if $(or $(filter host,$(1)),$(VMB_GUEST_$(1)_CARRIES)),$(VMB_STAGE_DIR)/$(1)/.staged,$(call \
	vmb_rimages,$(1))) $(VMB_RDIR)/$(1)/.assembled $(call vmb_rkstamp,$(1)) \
	$(foreach g,$(call vmb_scarries,$(1)),$(call vmb_sbom_file,$(g)))

# $(1) = NAME
define vmb_sbom_rules
$(call vmb_sbom_file,$(1)): $(call vmb_sbom_deps,$(1)) $(VMB_TOOL_DEP)
	$(AM_V_at)rm -f $(VMB_RDIR)/$(1)/sbom.log
	$(AM_V_at)$$(call vmb_step,SBOM,$(1),$(VMB_RDIR)/$(1)/sbom.log) $(VMB_TOOL) sbom $$(call vmb_sbom_args,$(1)) \
		--spdx=$(VMB_DEPLOY)/$$(call vmb_versioned_image,$(1),spdx.json) \
		--manifest=$(VMB_DEPLOY)/$$(call vmb_versioned_image,$(1),manifest)
	$(AM_V_at)$$(call vmb_deploy_link_images,$(1),spdx.json manifest)
$(VMB_DEPLOY)/$(1)-$(VMB_BOARD).rootfs.manifest: $(call vmb_sbom_file,$(1)) ;
sbom-$(1): $(call vmb_sbom_file,$(1))
.PHONY: sbom-$(1)
endef
$(foreach n,$(VMB_ROOTFS_NAMES),$(eval $(call vmb_sbom_rules,$(n))))

sbom: $(foreach n,$(VMB_ROOTFS_NAMES),sbom-$(n))
.PHONY: sbom
