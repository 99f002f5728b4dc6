# SPDX-License-Identifier: GPL-2.0-or-later
# Staging (GNU make): each carrier's images with its guests inside, written
# by `vmbundle stage` (src/stage/) from the carrier's assembled tree, its
# guests' kernels and images, and their declarations. The selection comes
# from config.mk (configure resolved extends and carries):
#
#   VMB_HOST_CARRIES        guests the host carries directly
#   VMB_CARRIERS            guests that carry others, inner first
#   VMB_GUEST_g_CARRIES     what guest g carries
#   VMB_GUEST_g_KERNEL      own, host, or a file
#   VMB_GUEST_g_FORMATS     g's image formats; the first is staged
#   VMB_GUEST_g_DECLS       the declarations g is read from (extends chain)
#
# Outputs (doc/pipeline.md): DEPLOY/NAME-BOARD.rootfs.FMT for the host and
# every carrier, DEPLOY/manifest.json. The stamp stage/NAME/.staged depends
# on everything the stager reads, so a guest's memory setting restages the
# host without touching any kernel (the kernel plans never read guests/).

VMB_STAGE_DIR := stage
VMB_ROOTFS_DIR ?= rootfs
# The host's image formats: configure writes its rootfs type's image_formats.
VMB_HOST_IMAGE_FORMATS ?= ext4

.DELETE_ON_ERROR:

# $(1) = guest: its kernel as make knows it.
vmb_gkernel = $(if $(filter own,$(VMB_GUEST_$(1)_KERNEL)),$(VMB_DEPLOY)/.kernel-$(1),$(if \
	$(filter host,$(VMB_GUEST_$(1)_KERNEL)),$(VMB_DEPLOY)/.kernel-host,$(VMB_GUEST_$(1)_KERNEL)))
# Its staged image: a carrier's comes from its own staging, a leaf's from mk/rootfs.mk.
vmb_gimage = $(if $(VMB_GUEST_$(1)_CARRIES),$(VMB_STAGE_DIR)/$(1)/.staged,$(VMB_DEPLOY)/$(1)-$(VMB_BOARD).rootfs.$(firstword $(VMB_GUEST_$(1)_FORMATS)))
vmb_gdeps = $(call vmb_gkernel,$(1)) $(call vmb_gimage,$(1)) $(VMB_GUEST_$(1)_DECLS)

# Prebuilt guests go to the host: --with-kvm-guest-kernel/-img (guest
# "external"), --with-bundled-guests (relative paths in DEPLOY), and
# --with-xen-guest-configs.
vmb_bundled_files = $(foreach p,$(subst :, ,$(VMB_BUNDLED_GUESTS)),$(if $(filter /%,$(p)),$(p),$(VMB_DEPLOY)/$(p)))
vmb_host_extra_deps = $(VMB_EXTERNAL_GUEST_KERNEL) $(VMB_EXTERNAL_GUEST_IMG) $(vmb_bundled_files) \
	$(if $(VMB_XEN_GUEST_CONFIGS),$(wildcard $(VMB_XEN_GUEST_CONFIGS)/xen-guest-bundle*.cfg))
vmb_host_extra_args = \
	$(if $(VMB_EXTERNAL_GUEST_KERNEL),'--external=external:$(VMB_EXTERNAL_GUEST_KERNEL):$(VMB_EXTERNAL_GUEST_IMG)') \
	$(if $(strip $(VMB_BUNDLED_GUESTS)),'--bundled=$(strip $(VMB_BUNDLED_GUESTS))') \
	$(if $(VMB_XEN_GUEST_CONFIGS),'--xen-configs=$(VMB_XEN_GUEST_CONFIGS)') \
	--manifest=$(VMB_DEPLOY)/manifest.json $(if $(VMB_SYSROOT_DEP),--packages=$(VMB_SYSROOT_DEP))

vmb_count = $(words $(1)) guest$(if $(filter-out 1,$(words $(1))),s)

# What `vmbundle stage` is told about carrier $(1): $(2) = the guests it
# carries, $(3) = its image formats, $(5) = extra arguments. Also the text
# of stage/NAME/inputs (mk/common.mk): a guest dropped by configure restages.
vmb_stage_args = --carrier=$(1) --tree=$(VMB_ROOTFS_DIR)/$(1)/tree \
	--permissions=$(VMB_ROOTFS_DIR)/$(1)/permissions --deploy=$(VMB_DEPLOY) \
	--board=$(VMB_BOARD) --work=$(VMB_STAGE_DIR)/$(1)/work --hypervisor=$(or $(VMB_HYPERVISOR),kvm) \
	$(if $(VMB_CONSOLE),--console=$(VMB_CONSOLE)) $(if $(VMB_QEMU_MACHINE),--machine=$(VMB_QEMU_MACHINE)) \
	$(if $(filter-out bzImage,$(VMB_KERNEL_IMAGE)),--kernel-image=$(VMB_KERNEL_IMAGE)) \
	$(if $(filter-out x86_64,$(VMB_ARCH)),--arch=$(VMB_ARCH)) \
	$(foreach d,$(VMB_GUEST_DIRS),--guests-dir=$(d)) $(foreach f,$(3),--format=$(f)) \
	$(foreach g,$(2),--guest=$(g)) $(5) \
	--source-root=$(abs_top_builddir) --source-root=$(abs_top_srcdir)

# $(1) = carrier, $(2) = the guests it carries, $(3) = its image formats,
# $(4) = extra dependencies, $(5) = extra arguments
define vmb_stage_rules
VMB_STAGE_INPUTS_$(1) := $$(strip $$(call vmb_stage_args,$(1),$(2),$(3),,$(5)))
$(VMB_STAGE_DIR)/$(1)/inputs: vmb-force
	$$(call vmb_update_file,$$@,$$(VMB_STAGE_INPUTS_$(1)))

$(VMB_STAGE_DIR)/$(1)/.staged: $(VMB_STAGE_DIR)/$(1)/inputs $(VMB_ROOTFS_DIR)/$(1)/.assembled $(VMB_SYSROOT_DEP) \
		$(VMB_TOOL_DEP) $(foreach g,$(2),$(call vmb_gdeps,$(g))) $(4)
	$(AM_V_at)mkdir -p $(VMB_STAGE_DIR)/$(1)/work
	$(AM_V_at)$(call vmb_step,STAGE,'$(1) ($(call vmb_count,$(2)))',$(VMB_STAGE_DIR)/$(1)/stage.log) \
		$(VMB_TOOL) stage $(call vmb_stage_args,$(1),$(2),$(3),,$(5)) \
		--depfile=$(VMB_STAGE_DIR)/$(1)/deps.mk --dep-target=$$@
	$(AM_V_at)$$(call vmb_deploy_link_images,$(1),$(3))
	$(AM_V_at)touch $$@

$(foreach f,$(3),$(VMB_DEPLOY)/$(1)-$(VMB_BOARD).rootfs.$(f)): $(VMB_STAGE_DIR)/$(1)/.staged ;

stage-$(1): $(VMB_STAGE_DIR)/$(1)/.staged
clean-stage-$(1):
	rm -rf $(VMB_STAGE_DIR)/$(1) $(foreach f,$(3),$(VMB_DEPLOY)/$(1)-$(VMB_BOARD).rootfs.$(f) \
		$(VMB_DEPLOY)/$(1)-$(VMB_BOARD)-[0-9]*.rootfs.$(f))
.PHONY: stage-$(1) clean-stage-$(1)
endef

$(foreach c,$(VMB_CARRIERS),$(eval $(call vmb_stage_rules,$(c),$(VMB_GUEST_$(c)_CARRIES),$(VMB_GUEST_$(c)_FORMATS))))
$(eval $(call vmb_stage_rules,host,$(VMB_HOST_CARRIES),$(VMB_HOST_IMAGE_FORMATS),$(vmb_host_extra_deps),$(vmb_host_extra_args)))

# The manifest comes with the host's staging.
$(VMB_DEPLOY)/manifest.json: $(VMB_STAGE_DIR)/host/.staged ;

# What the stager read last time (declarations, xl files), should it read more.
-include $(wildcard $(VMB_STAGE_DIR)/*/deps.mk)

stage: stage-host
clean-stage:
	rm -rf $(VMB_STAGE_DIR) $(VMB_DEPLOY)/manifest.json
.PHONY: stage clean-stage
