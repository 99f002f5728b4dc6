# SPDX-License-Identifier: GPL-2.0-or-later
# The kernel pipeline (GNU make). Kernels are declared, not scripted: the
# list comes from config.mk (the host plus the configured guests), and each
# kernel's facts come from kernels/NAME/key.mk, which `vmbundle kernel-plan`
# writes from its resolved description. Adding a guest never touches this file.
#
# Layout of the build tree:
#   kernel-source/linux/         the kernel source, extracted once
#   kernel-source/patched-ID/    a hard-linked copy with a patch set applied
#   kernels/NAME/                NAME's resolved description (queue, merged.cfg,
#                                patches) and key.mk
#   kernels/obj/KEY              one build per distinct configuration: KEY is
#                                the SHA-256 of everything that feeds the build,
#                                so kernels with identical configurations share it;
#                                a link to the kernel's build directory
#   kernels/build/NAME/          kernel NAME's O= build directory: it never moves
#                                (kbuild records absolute paths), so a changed
#                                configuration rebuilds only what it touches
#   kernel-store/KEY/            finished results by key (--with-kernel-store
#                                shares it between build trees, like sstate)
#   deploy/images/BOARD/         results under stable names

VMB_KDIR := kernels
VMB_KSRCDIR := kernel-source
VMB_DEPLOY := deploy/images/$(VMB_BOARD)
VMB_KSTORE := $(or $(VMB_KERNEL_STORE),$(abs_builddir)/kernel-store)
# Guests that run the host's kernel or a prebuilt one need no build.
VMB_KERNELS := host $(if $(filter 1,$(MULTI_KVM_GUEST_TRIGGER)),$(VMB_GUEST_KERNELS))

# Reproducible kernels: the build time, user and host kbuild records, and
# the "#N" of uname -v, which kbuild otherwise counts up in the build
# directory on every relink (so a kernel rebuilt in its live directory would
# differ from the same configuration built from clean).
export KBUILD_BUILD_TIMESTAMP := @$(SOURCE_DATE_EPOCH)
export KBUILD_BUILD_VERSION := 1
export KBUILD_BUILD_USER := vmbundle
export KBUILD_BUILD_HOST := vmbundle

# A recipe that fails leaves no target behind that a later make would trust
# (an audit report in error mode, for instance).
.DELETE_ON_ERROR:

# The compiler kbuild runs: with --enable-ccache, through ccache, whose
# per-build statistics go to a log of this tree's own (the user's global
# counters stay untouched). Configuration, build and audit must all see the
# same CC, or Kconfig's compiler checks would differ between them.
# distcc or icecc (--with-distcc, --with-icecc) go in front of the compiler,
# or behind ccache as its CCACHE_PREFIX, so a cache hit never leaves this
# machine. They bring their own job count: kbuild then runs with -j of what
# the hosts take (its own jobserver, not the top-level one).
VMB_KCC = $(strip $(VMB_CCACHE) $(if $(VMB_CCACHE),,$(VMB_KWRAP)) $(VMB_KERNEL_CC))
# A board of another architecture: its cross compiler's prefix, given to
# every kbuild run (CC above already carries it). CC is given to kbuild only
# when it is not kbuild's own default, $(CROSS_COMPILE)gcc.
vmb_kcc_given = $(VMB_CCACHE)$(VMB_KWRAP)$(filter-out $(VMB_CROSS_COMPILE)gcc,$(VMB_KERNEL_CC))
vmb_kcc_var = $(if $(vmb_kcc_given),'CC=$(VMB_KCC)') $(if $(VMB_CROSS_COMPILE),CROSS_COMPILE=$(VMB_CROSS_COMPILE))
vmb_kcc_opt = $(if $(vmb_kcc_given),'--make-var=CC=$(VMB_KCC)') \
	$(if $(VMB_CROSS_COMPILE),--make-var=CROSS_COMPILE=$(VMB_CROSS_COMPILE))
vmb_kjobs = $(if $(VMB_KJOBS),-j$(VMB_KJOBS))
ifneq ($(VMB_CCACHE),)
export CCACHE_STATSLOG := $(abs_builddir)/$(VMB_KDIR)/ccache-stats.log
ifneq ($(VMB_KWRAP),)
export CCACHE_PREFIX := $(VMB_KWRAP)
endif
# Paths below the build tree enter ccache's keys relative to the compile's
# directory (kbuild passes the source and build directories as absolute
# paths), so two trees at different paths, or two machines, share entries.
export CCACHE_BASEDIR := $(abs_builddir)
# --with-ccache-remote: asked after the local cache, written on a miss. An
# unreachable one costs each compile a failed connection, never the build.
ifneq ($(VMB_CCACHE_REMOTE),)
export CCACHE_REMOTE_STORAGE := $(VMB_CCACHE_REMOTE)
endif
endif
ifneq ($(VMB_DISTCC_HOSTS),)
export DISTCC_HOSTS := $(VMB_DISTCC_HOSTS)
endif

vmb_empty :=
vmb_space := $(vmb_empty) $(vmb_empty)
# The names of the kernels sharing configuration KEY, for messages.
vmb_knames = $(subst $(vmb_space),+,$(strip $(VMB_KNAMES_$(1))))
# kbuild is given the build directory itself, never the link to it.
vmb_kobj = $(abs_builddir)/$(VMB_KDIR)/$(or $(VMB_KBUILD_$(1)),obj/$(1))

# ---- the kernel source, extracted once ---------------------------------
ifeq ($(VMB_KERNEL_SOURCE_KIND),tarball)
VMB_KSRC := $(abs_builddir)/$(VMB_KSRCDIR)/linux
VMB_KSRC_STAMP := $(VMB_KSRCDIR)/.extracted
# Re-extracted only when the tarball changes; into a temporary directory
# first, so an interrupted extraction is never taken for a tree.
$(VMB_KSRC_STAMP): $(VMB_KERNEL_SOURCE) | $(VMB_TOOL_DEP)
	$(AM_V_at)rm -rf $(VMB_KSRCDIR)/linux.tmp $(VMB_KSRCDIR)/linux $@ $(VMB_KSRCDIR)/extract.log && mkdir -p $(VMB_KSRCDIR)/linux.tmp
	$(AM_V_at)$(call vmb_step,EXTRACT,$(notdir $<),$(VMB_KSRCDIR)/extract.log,--progress=lines) \
		tar -xvf $< -C $(VMB_KSRCDIR)/linux.tmp --strip-components=1
	$(AM_V_at)mv $(VMB_KSRCDIR)/linux.tmp $(VMB_KSRCDIR)/linux && touch $@
else
VMB_KSRC := $(VMB_KERNEL_SOURCE)
VMB_KSRC_STAMP := $(VMB_KERNEL_SOURCE)/Makefile
endif

# ---- planning: resolve each kernel's description ------------------------
# The .scc search path: layers' and the project's kernel-configs/, the
# --with-kernel-cache directories, then the kernel tree's own fragment
# directories (tiny.config, kvm_guest.config, the defconfigs), last.
VMB_SRCARCH = $(if $(filter x86_64 i386 x86,$(VMB_ARCH)),x86,$(VMB_ARCH))
VMB_KPLAN_ARGS = --dir=$(VMB_KDIR) --source=$(VMB_KERNEL_SOURCE) --arch=$(VMB_ARCH) \
	--image=$(VMB_KERNEL_IMAGE) --cc=$(VMB_KERNEL_CC) \
	--store=$(VMB_KSTORE) $(foreach m,$(VMB_KERNEL_STORE_MIRRORS),--mirror=$(m)) \
	$(foreach d,$(VMB_KCONF_DIRS) $(VMB_KSRC)/arch/$(VMB_SRCARCH)/configs $(VMB_KSRC)/kernel/configs,-I $(d)) \
	-D KARCH=$(VMB_KARCH) -D KTYPE=$(VMB_KTYPE)
VMB_KINPUTS_host = $(VMB_HOST_SCC) $(VMB_HOST_KERNEL_FEATURES)
$(foreach g,$(VMB_GUESTS),$(eval VMB_KINPUTS_$(g) = $(VMB_GUEST_$(g)_SCC) $(VMB_GUEST_$(g)_KERNEL_FEATURES)))

# key.mk also lists the description files it was made from as its own
# prerequisites, so editing one guest's .cfg re-plans only that guest.
$(VMB_KDIR)/%/key.mk: config.mk $(VMB_TOOL_DEP) | $(VMB_KSRC_STAMP)
	$(AM_V_at)$(VMB_TOOL) kernel-plan --name=$* $(VMB_KPLAN_ARGS) -D KMACHINE=$(if $(filter host,$*),$(VMB_KMACHINE),$*) $(VMB_KINPUTS_$*)

vmb_kplans := $(foreach k,$(VMB_KERNELS),$(VMB_KDIR)/$(k)/key.mk)
# A tree configured with --disable-bundle builds no kernel, whatever the goal:
# it never plans one, so it never extracts the source either.
# In a bundle tree, goals that need no kernel must not plan (planning waits
# for the extracted source): cleaning, help, distribution, and Automake's own
# internal goals (config.status runs "make am--depfiles" while configure runs).
VMB_NO_KERNEL_GOALS := clean distclean mostlyclean maintainer-clean help check-kvm graph-build \
	am--depfiles am--refresh Makefile config.status config.h config.mk \
	dist dist-xz dist-all distdir distcheck distcleancheck
ifeq ($(VMB_BUNDLE),yes)
ifneq ($(filter-out $(VMB_NO_KERNEL_GOALS),$(or $(MAKECMDGOALS),all)),)
-include $(vmb_kplans)
endif
endif
VMB_KEYS = $(sort $(foreach k,$(VMB_KERNELS),$(VMB_KEY_$(k))))

# ---- one O= build per distinct configuration ----------------------------
# $(1) = KEY
define vmb_kobj_rules
ifneq ($$(VMB_KPATCHSET_$(1)),)
VMB_KSRC_$(1) := $(abs_builddir)/$(VMB_KSRCDIR)/patched-$$(VMB_KPATCHSET_$(1))
VMB_KSRC_STAMP_$(1) := $(VMB_KSRCDIR)/patched-$$(VMB_KPATCHSET_$(1))/.patched
$(VMB_KSRCDIR)/patched-$$(VMB_KPATCHSET_$(1))/.patched: $(VMB_KSRC_STAMP) $$(VMB_KPATCHES_$(1))
	$(AM_V_at)$(call vmb_record,PATCH,$$(VMB_KPATCHSET_$(1))) $(VMB_TOOL) patch-tree --from=$(VMB_KSRC) --to=$$(VMB_KSRC_$(1)) $$(VMB_KPATCHES_$(1))
else
VMB_KSRC_$(1) := $(VMB_KSRC)
VMB_KSRC_STAMP_$(1) := $(VMB_KSRC_STAMP)
endif

$(VMB_KDIR)/obj/$(1)/.config.vmb-generated: $(VMB_KDIR)/obj/$(1)/merged.cfg $$(VMB_KSRC_STAMP_$(1))
	+@$$(call vmb_step,KCONFIG,$$(call vmb_knames,$(1)),$(VMB_KDIR)/obj/$(1)/build.log) \
		$(VMB_TOOL) kconfig --make=$(MAKE) $(vmb_kcc_opt) --ksrc=$$(VMB_KSRC_$(1)) --obj=$$(call vmb_kobj,$(1)) \
		--arch=$(VMB_ARCH) --mode=$$(VMB_KMODE_$(1)) --fragment=$(VMB_KDIR)/obj/$(1)/merged.cfg

# .config comes with the KCONFIG step; menuconfig may change it later.
$(VMB_KDIR)/obj/$(1)/.config: $(VMB_KDIR)/obj/$(1)/.config.vmb-generated ;

$(VMB_KDIR)/obj/$(1)/kaudit.txt: $(VMB_KDIR)/obj/$(1)/.config.vmb-generated $(VMB_KDIR)/obj/$(1)/.config
	$(AM_V_at)$$(call vmb_record,KAUDIT,$$(call vmb_knames,$(1))) $(VMB_TOOL) audit --label=$$(call vmb_knames,$(1)) --queue=$(VMB_KDIR)/obj/$(1)/queue \
		--ksrc=$$(VMB_KSRC_$(1)) --kobj=$$(call vmb_kobj,$(1)) --arch=$(VMB_ARCH) \
		$(vmb_kcc_opt) --mode=$(VMB_KAUDIT_MODE) --report=$$@

$(VMB_KDIR)/obj/$(1)/.vmb-built: $(VMB_KDIR)/obj/$(1)/.config.vmb-generated $(VMB_KDIR)/obj/$(1)/.config \
		$(VMB_KDIR)/obj/$(1)/kaudit.txt
	$(AM_V_at)rm -f $$@
	+@$$(call vmb_step,$(VMB_KERNEL_IMAGE_LABEL),$$(call vmb_knames,$(1)),$(VMB_KDIR)/obj/$(1)/build.log,$$(call vmb_kprogress,$(1))) \
		$(MAKE) $(vmb_kjobs) -C $$(VMB_KSRC_$(1)) O=$$(call vmb_kobj,$(1)) ARCH=$(VMB_ARCH) $(vmb_kcc_var) $(VMB_KERNEL_IMAGE) \
		$$(if $$(shell grep -s '^CONFIG_MODULES=y' $(VMB_KDIR)/obj/$(1)/.config),modules)
	+@rm -rf $(VMB_KDIR)/obj/$(1)/modules-staging; \
	if grep -q '^CONFIG_MODULES=y' $(VMB_KDIR)/obj/$(1)/.config; then \
	  $$(call vmb_step,MODINST,$$(call vmb_knames,$(1)),$(VMB_KDIR)/obj/$(1)/build.log) \
	    $(MAKE) $(vmb_kjobs) -C $$(VMB_KSRC_$(1)) O=$$(call vmb_kobj,$(1)) ARCH=$(VMB_ARCH) $(vmb_kcc_var) \
	    INSTALL_MOD_PATH=$$(call vmb_kobj,$(1))/modules-staging DEPMOD=true modules_install; fi
	$(AM_V_at)touch $$@

# A stored kernel is not built again, unless this tree has a live build of
# it (whose .config menuconfig may have changed since).
ifneq ($$(or $$(wildcard $(VMB_KDIR)/obj/$(1)/.config),$$(if $$(wildcard $(VMB_KSTORE)/$(1)/config),,missing)),)
$(VMB_KSTORE)/$(1)/config: $(VMB_KDIR)/obj/$(1)/.vmb-built
	$(AM_V_at)$(VMB_TOOL) kernel-store --obj=$(VMB_KDIR)/obj/$(1) --image=$(VMB_KERNEL_IMAGE_PATH) --entry=$(VMB_KSTORE)/$(1)
endif
endef
# A kernel build's progress: objects compiled, against what its last build
# from scratch compiled (or an estimate from its .config); none is expected
# when vmlinux exists already (an incremental build).
vmb_kprogress = --progress=kbuild --fresh-unless=$(call vmb_kobj,$(1))/vmlinux \
	--estimate-from=$(call vmb_kobj,$(1))/.config
VMB_KERNEL_IMAGE_LABEL = $(shell echo $(VMB_KERNEL_IMAGE) | tr a-z A-Z)
$(foreach key,$(VMB_KEYS),$(eval $(call vmb_kobj_rules,$(key))))

# ---- per kernel: results under stable names, and the user's targets ----
# $(1) = NAME
define vmb_kernel_rules
$(VMB_DEPLOY)/.kernel-$(1): $(VMB_KSTORE)/$$(VMB_KEY_$(1))/config
	$(AM_V_at)$(VMB_TOOL) kernel-deploy --name=$(1) --entry=$(VMB_KSTORE)/$$(VMB_KEY_$(1)) \
		--image=$(VMB_KERNEL_IMAGE_PATH) --to=$(VMB_DEPLOY)
	$(AM_V_at)touch $$@

kernel-$(1): $(VMB_DEPLOY)/.kernel-$(1)
# The kernel under its stable name, made by the deploy above: what a
# relative --with-bundled-guests pair may name (seed 001 bundles the build's
# own guests that way), so make builds it before staging.
$(VMB_DEPLOY)/$(VMB_KERNEL_IMAGE)-$(1): $(VMB_DEPLOY)/.kernel-$(1) ;
menuconfig-$(1): $(VMB_KDIR)/obj/$$(VMB_KEY_$(1))/.config.vmb-generated
	$(MAKE) -C $$(VMB_KSRC_$$(VMB_KEY_$(1))) O=$$(call vmb_kobj,$$(VMB_KEY_$(1))) ARCH=$(VMB_ARCH) $(vmb_kcc_var) menuconfig
diffconfig-$(1): $(VMB_KDIR)/obj/$$(VMB_KEY_$(1))/.config.vmb-generated
	$(AM_V_at)$(VMB_TOOL) diffconfig --name=$(1) --obj=$(VMB_KDIR)/obj/$$(VMB_KEY_$(1)) \
		--out=$(VMB_KDIR)/$(1)/menuconfig.cfg $$(if $$(filter 1,$$(UPDATE)),--update=$$(VMB_KUPDATE_$(1)))
# The build directory goes, and with it the plan of every kernel sharing it
# (its key.mk), or the next make would find a plan whose outputs are gone.
clean-$(1):
	rm -rf $(VMB_KDIR)/obj/$$(VMB_KEY_$(1)) $(VMB_KDIR)/build/$(1) $(VMB_KSTORE)/$$(VMB_KEY_$(1)) \
		$$(foreach k,$(VMB_KERNELS),$$(if $$(filter $$(VMB_KEY_$(1)),$$(VMB_KEY_$$(k))),$(VMB_KDIR)/$$(k)/key.mk)) \
		$(VMB_DEPLOY)/.kernel-$(1) \
		$(VMB_DEPLOY)/*-$(1) $(VMB_DEPLOY)/*-$(1).* $(VMB_DEPLOY)/*--*-$(1)-[0-9]*
.PHONY: kernel-$(1) menuconfig-$(1) diffconfig-$(1) clean-$(1)
endef
$(foreach k,$(VMB_KERNELS),$(eval $(call vmb_kernel_rules,$(k))))

# Publish this tree's finished kernels into a mirror directory (which a
# static HTTP server may serve): make kernel-store-publish DIR=/srv/kstore
kernel-store-publish: kernels
	$(AM_V_at)test -n "$(DIR)" || { echo "make kernel-store-publish: say where: DIR=/path/to/mirror" >&2; exit 2; }
	$(AM_V_at)$(VMB_TOOL) kernel-publish --store=$(VMB_KSTORE) --to=$(abspath $(DIR)) $(VMB_KEYS)
.PHONY: kernel-store-publish

kernels: $(foreach k,$(VMB_KERNELS),kernel-$(k))
ifneq ($(VMB_CCACHE),)
# The hit rate of this build's compiles; the log then starts afresh.
	$(AM_V_at)if [ -s $(CCACHE_STATSLOG) ]; then \
	  $(VMB_CCACHE) --show-log-stats | sed -n 's/^  *Hits: */  CCACHE  hits /p' | head -n 1; \
	  $(if $(VMB_CCACHE_REMOTE),$(VMB_CCACHE) --show-log-stats | $(vmb_ccache_remote_report);) \
	  : > $(CCACHE_STATSLOG); fi
endif
.PHONY: kernels

# How many of those hits came from remote storage, and, once, whether the
# remote storage failed (ccache then goes on without that remote).
vmb_ccache_remote_report = awk '/^Remote storage:/ { r = 1; next }; /^[^ ]/ { r = 0 }; \
  r && $$1 == "Hits:" { sub(/^ *Hits: */, ""); hits = $$0 }; \
  r && ($$1 == "Errors:" || $$1 == "Timeouts:") { failed += $$2 }; \
  END { print "  CCACHE  remote hits " (hits == "" ? "0" : hits); \
    if (failed) print "  CCACHE  remote storage failed " failed " times (is one of $(VMB_CCACHE_REMOTE) unreachable?): ccache went on without it" }'
