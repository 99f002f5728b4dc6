# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers the pipeline's make fragments share (GNU make 4.2 or later).

# A step's settings as a file that changes only when they do (like
# kbuild's filechk), for the step to depend on instead of config.mk:
# configure rewrites config.mk on every run, and running it again with the
# same options must not redo anything. The text is written to FILE.new when
# the recipe is expanded and replaces FILE only if it differs, compared by
# cmp as kbuild's filechk does (a comparison inside make with $(file <) gave
# false mismatches in the generated Makefile, though not in a small one).
#   TARGET: vmb-force
#   	$(call vmb_update_file,$@,TEXT)
vmb_update_file = $(shell mkdir -p $(dir $(1)))$(file >$(1).new,$(2))@cmp -s $(1).new $(1) && \
	rm -f $(1).new || mv -f $(1).new $(1)
vmb-force:
.PHONY: vmb-force

# Build statistics (src/buildstats): every step records itself into
# DEPLOY/buildstats/BUILD, BUILD being when this top-level make started
# (YYYYMMDDHHMMSS, UTC; Yocto's BUILDNAME). It is taken from make's own
# process start time, which stays the same when make restarts itself after
# remaking an included makefile (key.mk), so one make run is one build.
# Sub-makes inherit it.
ifndef VMB_BUILD_ID
VMB_BUILD_ID := $(shell t=$$(( $$(sed -n 's/^btime //p' /proc/stat 2>/dev/null) + \
	$$(cut -d' ' -f22 /proc/$$PPID/stat 2>/dev/null) / $$(getconf CLK_TCK) )) 2>/dev/null && \
	date -u -d @$$t +%Y%m%d%H%M%S 2>/dev/null || date -u +%Y%m%d%H%M%S)
endif
export VMB_BUILD_ID
VMB_BUILDSTATS_ROOT = $(VMB_DEPLOY)/buildstats
VMB_BUILDSTATS = $(VMB_BUILDSTATS_ROOT)/$(VMB_BUILD_ID)
# How a rule runs its command as a recorded step: "  LABEL NAME" and the
# output into LOG (V=1 shows everything); $(1) LABEL, $(2) NAME, $(3) LOG,
# $(4) more step options (--progress=...).
vmb_step = $(VMB_TOOL) step $(if $(filter 1,$(V)),--verbose) --stats=$(VMB_BUILDSTATS) --log=$(3) $(4) $(1) $(2) --
# A command that prints its own line (the audit, PATCH): recorded only.
vmb_record = $(VMB_TOOL) step --direct --stats=$(VMB_BUILDSTATS) $(1) $(2) --

# Versioned deploy names (src/deploy/deploy.h): SOURCE_DATE_EPOCH as
# YYYYMMDDHHMMSS, UTC, so the same inputs give the same names.
VMB_DATETIME := $(if $(SOURCE_DATE_EPOCH),$(shell date -u -d @$(SOURCE_DATE_EPOCH) +%Y%m%d%H%M%S))
# An image's versioned name: $(1) = NAME, $(2) = FORMAT (or another
# suffix: spdx.json, manifest), as Yocto's IMAGE_NAME.rootfs.FMT.
vmb_versioned_image = $(1)-$(VMB_BOARD)-$(VMB_DATETIME).rootfs.$(2)
# Give files just written to DEPLOY their versioned names and make their
# stable names links: $(1) = NAME, $(2) = suffixes (formats).
vmb_deploy_link_images = $(VMB_TOOL) deploy-link --dir=$(VMB_DEPLOY) \
	$(foreach f,$(2),$(1)-$(VMB_BOARD).rootfs.$(f) $(call vmb_versioned_image,$(1),$(f)))

# The programs configure found (precious variables: MKE2FS=... ./configure,
# or make MKE2FS=...), handed to every vmbundle this build runs
# (src/shared/tool.h); make check's test scripts unset them again
# (tests/Makemodule.am) so each test chooses its own.
export VMBUNDLE_MKE2FS = $(MKE2FS)
export VMBUNDLE_E2FSCK = $(E2FSCK)
export VMBUNDLE_QEMU_IMG = $(QEMU_IMG)
export VMBUNDLE_GZIP = $(GZIP_PROG)
export VMBUNDLE_BZIP2 = $(BZIP2_PROG)
export VMBUNDLE_TAR = $(TAR)
export VMBUNDLE_PATCH = $(PATCH)
export VMBUNDLE_DEPMOD = $(DEPMOD)
export VMBUNDLE_MKIMAGE = $(UBOOT_MKIMAGE)
export VMBUNDLE_CURL = $(CURL)
export VMBUNDLE_DPKG_DEB = $(DPKG_DEB)
export VMBUNDLE_APT_GET = $(APT_GET)
