# SPDX-License-Identifier: GPL-2.0-or-later
# Xen hosts (GNU make; included after mk/stage.mk), for
# --with-hypervisor=xen.
#
# The hypervisor: DEPLOY/xen-BOARD is Debian's hypervisor
# (VMB_XEN_PACKAGE, in the sysroot because feature/xen names it) in the form
# QEMU boots, which the board's xen_boot says (mk/runqemu.sh):
#   multiboot     (x86-64) xen-*.gz gunzipped, a multiboot ELF that -kernel
#                 loads with dom0's kernel as a module. QEMU refuses the .gz
#                 ("linux kernel too old to load a ram disk") and the .efi.
#   guest-loader  (arm64) xen-*-arm64 as it is: an arm64 Image that -kernel
#                 starts at EL2 (not the .efi, which is for UEFI loaders).
ifeq ($(VMB_HYPERVISOR)$(VMB_BUNDLE),xenyes)
VMB_XEN_IMAGE := $(VMB_DEPLOY)/xen-$(VMB_BOARD)

ifeq ($(VMB_XEN_BOOT),guest-loader)
$(VMB_XEN_IMAGE): $(VMB_SYSROOT_DEP) $(VMB_TOOL_DEP)
	$(AM_V_at)mkdir -p $(@D)
	$(AM_V_at)set -- $(VMB_SYSROOT)/boot/xen-*-$(VMB_DEB_ARCH); \
	  [ $$# = 1 ] && [ -f "$$1" ] || { echo "vmbundle: $(VMB_SYSROOT)/boot has no single xen-*-$(VMB_DEB_ARCH) (is $(VMB_XEN_PACKAGE) in sysroot/packages?)" >&2; exit 1; }; \
	  $(VMB_TOOL) probe --expect=kernel "$$1" >/dev/null || { echo "vmbundle: $$1: not an arm64 Image, which QEMU's -kernel boots ($(VMB_XEN_PACKAGE) $(VMB_XEN_VERSION))" >&2; exit 1; }; \
	  cp "$$1" $@.tmp && mv -f $@.tmp $@ && echo "  XEN     $(@F) (from $${1##*/}, $(VMB_XEN_PACKAGE) $(VMB_XEN_VERSION))"
else
$(VMB_XEN_IMAGE): $(VMB_SYSROOT_DEP)
	$(AM_V_at)mkdir -p $(@D)
	$(AM_V_at)set -- $(VMB_SYSROOT)/boot/xen-*.gz; \
	  [ $$# = 1 ] && [ -f "$$1" ] || { echo "vmbundle: $(VMB_SYSROOT)/boot has no single xen-*.gz (is $(VMB_XEN_PACKAGE) in sysroot/packages?)" >&2; exit 1; }; \
	  gzip -dc "$$1" >$@.tmp && mv -f $@.tmp $@ && echo "  XEN     $(@F) (from $${1##*/}, $(VMB_XEN_PACKAGE) $(VMB_XEN_VERSION))"
endif

# x86 guests' kernels as ELF vmlinux, which is what Xen boots fastest: xl
# decompresses a bzImage's xz payload in dom0's user space, 37 s against
# 12 s for the ELF under TCG (../shared/reference/xen-under-qemu-facts.md).
# DEPLOY/vmlinux-K is the payload of bzImage-K (xz or gzip, found by its
# magic), an ELF; the stager takes it instead of the bzImage for Xen. An
# arm64 Image is not compressed: xl loads it as it is.
VMB_XEN_VMLINUX := $(if $(filter bzImage,$(VMB_KERNEL_IMAGE)),$(foreach k,host $(VMB_GUEST_KERNELS),$(VMB_DEPLOY)/vmlinux-$(k)))
$(VMB_DEPLOY)/vmlinux-%: $(VMB_DEPLOY)/.kernel-%
	$(AM_V_at)rm -f $@.tmp; b=$(VMB_DEPLOY)/bzImage-$*; \
	  for m in xz:'\xfd7zXZ\x00' gzip:'\x1f\x8b\x08\x00'; do \
	    off=$$(LC_ALL=C grep -obUaP "$${m#*:}" "$$b" | head -n 1 | cut -d: -f1); \
	    [ -n "$$off" ] || continue; \
	    tail -c +$$((off + 1)) "$$b" | $${m%%:*} -dc $$([ $${m%%:*} = xz ] && echo --single-stream) >$@.tmp 2>/dev/null; \
	    [ "$$(head -c 4 $@.tmp | od -An -c | tr -d ' ')" = '177ELF' ] && break; \
	    rm -f $@.tmp; \
	  done; \
	  [ -s $@.tmp ] || { echo "vmbundle: $$b: no xz or gzip ELF payload found (Xen guests need an ELF vmlinux)" >&2; exit 1; }; \
	  mv -f $@.tmp $@ && echo "  VMLINUX $(@F)"
$(VMB_STAGE_DIR)/host/.staged: $(VMB_XEN_VMLINUX)

xen: $(VMB_XEN_IMAGE)
all-local: $(VMB_XEN_IMAGE)
clean-xen:
	rm -f $(VMB_XEN_IMAGE) $(VMB_XEN_VMLINUX)
clean-local: clean-xen
.PHONY: xen clean-xen
endif
