# SPDX-License-Identifier: GPL-2.0-or-later
# Booting (GNU make): the launcher for the target, runqemu, check-kvm.
#
#   make runqemu           boot the host image (DEPLOY/runqemu does the work)
#   make runqemu-NAME      boot guest NAME's kernel and image directly
#   make check-kvm         can this machine use KVM, is nested enabled, and
#                          what the project uses otherwise
#
# RUNQEMU_ARGS (snapshot, kvm, tcg, mem=, sshport=), QEMU_PARAMS and
# BOOT_PARAMS pass through to runqemu.

VMB_RUNQEMU := $(VMB_DEPLOY)/runqemu
VMB_RUNQEMU_CONF := $(VMB_DEPLOY)/runqemu.conf
VMB_BOOT_TARGETS := host $(if $(filter 1,$(MULTI_KVM_GUEST_TRIGGER)),$(VMB_GUESTS))
# Enough for the host and its guests side by side.
VMB_RUNQEMU_HOST_MEM ?= 1024

# ---- runqemu ----------------------------------------------------------------
# What runqemu needs to know about this build, beside the images it boots
# (rewritten when this fragment changes what it records, too).
$(VMB_RUNQEMU_CONF): config.mk $(top_srcdir)/mk/boot.mk
	$(AM_V_at)mkdir -p $(@D)
	$(AM_V_at){ echo '# Written by make (mk/boot.mk) for runqemu: what this build made.'; \
	  echo 'RUNQEMU_BOARD=$(VMB_BOARD)'; \
	  echo 'RUNQEMU_MACHINE=$(VMB_QEMU_MACHINE)'; \
	  echo 'RUNQEMU_HOST_MACHINE=$(or $(VMB_QEMU_HOST_MACHINE),$(VMB_QEMU_MACHINE))'; \
	  echo 'RUNQEMU_KERNEL_IMAGE=$(VMB_KERNEL_IMAGE)'; \
	  echo 'RUNQEMU_ARCH=$(VMB_ARCH)'; \
	  echo 'RUNQEMU_CONSOLE=$(VMB_CONSOLE)'; \
	  echo 'RUNQEMU_QEMU=$(VMB_QEMU_SYSTEM)'; \
	  echo 'RUNQEMU_GUESTS="$(filter-out host,$(VMB_BOOT_TARGETS))"'; \
	  echo 'RUNQEMU_HOST_MEM=$(VMB_RUNQEMU_HOST_MEM)'; \
	  echo 'RUNQEMU_HYPERVISOR=$(VMB_HYPERVISOR)'; \
	  echo 'RUNQEMU_XEN_BOOT=$(VMB_XEN_BOOT)'; \
	  echo 'RUNQEMU_VMBUNDLE=$(vmb_runqemu_tool)'; } >$@.tmp && mv $@.tmp $@
# The tool relative to the deploy directory (deploy/images/BOARD is three
# levels below the build tree), so runqemu.conf names no build path.
vmb_runqemu_tool = $(subst $(vmb_space),,$(foreach d,$(subst /, ,$(VMB_DEPLOY)),../))vmbundle$(EXEEXT)

$(VMB_RUNQEMU): $(top_srcdir)/mk/runqemu.sh $(VMB_RUNQEMU_CONF)
	$(AM_V_at)mkdir -p $(@D)
	$(AM_V_at)cp $< $@.tmp && chmod 755 $@.tmp && mv $@.tmp $@
	@echo "  RUNQEMU $@"

runqemu: $(VMB_RUNQEMU) $(VMB_TOOL_DEP)
	$(VMB_RUNQEMU) $(RUNQEMU_ARGS)

$(foreach t,$(VMB_BOOT_TARGETS),$(eval runqemu-$(t): $(VMB_RUNQEMU) $(VMB_TOOL_DEP) ; \
	$(VMB_RUNQEMU) guest=$(t) $$(RUNQEMU_ARGS)))

# Installed with every bundle build.
all-local: $(if $(filter yes,$(VMB_BUNDLE)),$(VMB_RUNQEMU))

# ---- check-kvm -----------------------------------------------------------------
# Seed 003's check, and more: whether QEMU's KVM really runs a kernel here
# (a /dev/kvm that opens proves nothing), and whether nested KVM is on.
VMB_PROBE_KERNEL = $(firstword $(wildcard $(foreach k,$(VMB_BOOT_TARGETS),$(VMB_DEPLOY)/$(VMB_KERNEL_IMAGE)-$(k))))
check-kvm: $(VMB_TOOL_DEP)
	@echo "KVM on this machine:"
	$(AM_V_at)$(VMB_TOOL) kvm-probe $(if $(VMB_PROBE_KERNEL),--kernel=$(VMB_PROBE_KERNEL)) --timeout=5 \
	  --qemu=$(VMB_QEMU_SYSTEM) --machine=$(VMB_QEMU_MACHINE) --console=$(VMB_CONSOLE) | sed 's/^/  /'
	@echo "  CPU: $$(sed -n 's/^vendor_id[^:]*: //p' /proc/cpuinfo | head -n 1)," \
	  "virtualisation flag: $$(grep -m1 -ow 'svm\|vmx' /proc/cpuinfo || echo none)" \
	  "$$(grep -qw hypervisor /proc/cpuinfo && echo '(this machine is itself a guest)')"
	@echo "  KVM modules loaded: $$(ls /sys/module | grep '^kvm' | tr '\n' ' ')"
	@for m in kvm_amd kvm_intel; do \
	  f=/sys/module/$$m/parameters/nested; \
	  if [ -r $$f ]; then echo "  nested virtualisation ($$m): $$(cat $$f)"; \
	    case $$(cat $$f) in Y|1) ;; *) echo "    to enable: echo 'options $$(echo $$m | tr _ -) nested=1' > /etc/modprobe.d/$$m.conf, then reload $$m";; esac; \
	  fi; \
	done; \
	[ -r /sys/module/kvm_amd/parameters/nested ] || [ -r /sys/module/kvm_intel/parameters/nested ] || \
	  echo "  nested virtualisation: kvm_amd/kvm_intel not loaded (no /sys/module/kvm_*/parameters/nested)"
	@echo "What the project does about it:"
	@echo "  runqemu probes the same way and uses KVM when it works, else TCG (it says which)."
	@echo "  The boot tests always use TCG for the outer QEMU, with -cpu max: TCG emulates"
	@echo "  AMD-V, so a host kernel with KVM_AMD runs its guests under its own KVM"
	@echo "  (KVM_INTEL cannot run under TCG). Set VMB_TIMEOUT_MULT on slow machines."

# Lines for the top-level help, which lists the pipeline in order.
define vmb_help_boot
	@echo '  make runqemu         boot the host image ($(VMB_RUNQEMU); RUNQEMU_ARGS=snapshot, QEMU_PARAMS=, BOOT_PARAMS=)'
	@$(foreach t,$(VMB_BOOT_TARGETS),echo '  make runqemu-$(t)';)
	@echo '  make check-kvm       can this machine use KVM? nested? what is used instead'
endef

.PHONY: runqemu check-kvm $(addprefix runqemu-,$(VMB_BOOT_TARGETS))
