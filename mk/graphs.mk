# SPDX-License-Identifier: GPL-2.0-or-later
# Pictures of the build (GNU make; included after mk/sbom.mk), written to
# DEPLOY/graphs/ (doc/deploy.md):
#
#   make graph-build    the last build's timeline (buildstats) as
#                       graph-build.svg, and its critical path; BUILD=NAME
#                       draws an earlier build (a DEPLOY/buildstats/ name)
#   make graph-size     where the host image's bytes go: graph-size.svg and
#                       graph-size.csv, and its headroom
#   make graph-depends  what depends on what: graph-depends.dot, rendered by
#                       graphviz to graph-depends.svg

VMB_GRAPHS = $(VMB_DEPLOY)/graphs

# Drawing a build never builds anything: it shows the last one (or BUILD).
graph-build: $(VMB_TOOL_DEP)
	$(AM_V_at)mkdir -p $(VMB_GRAPHS)
	$(AM_V_at)$(VMB_TOOL) graph-build --stats=$(VMB_BUILDSTATS_ROOT) $(if $(BUILD),--build=$(BUILD)) \
		--svg=$(VMB_GRAPHS)/graph-build.svg

# The host image as built: the same reading as its SBOM.
graph-size: $(call vmb_sbom_file,host) $(VMB_TOOL_DEP)
	$(AM_V_at)mkdir -p $(VMB_GRAPHS)
	$(AM_V_at)$(VMB_TOOL) graph-size $(call vmb_sbom_args,host) \
		--svg=$(VMB_GRAPHS)/graph-size.svg --csv=$(VMB_GRAPHS)/graph-size.csv

# What configure resolved, and each kernel's description files (its plan).
vmb_gkname = $(if $(filter own,$(or $(VMB_GUEST_$(1)_KERNEL),own)),$(1),$(VMB_GUEST_$(1)_KERNEL))
VMB_DEPENDS_ARGS = --kernel-dir=$(VMB_KDIR) --image=host:$(VMB_ROOTFS):host \
	$(foreach t,$(VMB_TEMPLATES),--template=host:$(t)) \
	$(foreach g,$(VMB_HOST_CARRIES),--carries=host:$(g)) \
	$(if $(filter 1,$(MULTI_KVM_GUEST_TRIGGER)),$(foreach g,$(VMB_GUESTS),--image=$(g):$(or \
		$(VMB_GUEST_$(g)_ROOTFS),busybox):$(call vmb_gkname,$(g)) \
		$(foreach c,$(VMB_GUEST_$(g)_CARRIES),--carries=$(g):$(c)) \
		$(foreach d,$(or $(VMB_GUEST_$(g)_DECLS),$(VMB_GUEST_$(g)_CONF)),--decl=$(g):$(d)))) \
	$(foreach l,$(VMB_EXTERNAL_LAYERS),--layer=$(notdir $(l)):$(l)) \
	'--layer=vmbundle$(if $(VMB_LAYERS), (layers $(VMB_LAYERS))):$(abs_top_srcdir)' \
	'--layer=the kernel source:$(VMB_KSRC)'

graph-depends: $(vmb_kplans) $(VMB_TOOL_DEP)
	$(AM_V_at)mkdir -p $(VMB_GRAPHS)
	$(AM_V_at)$(VMB_TOOL) graph-depends $(VMB_DEPENDS_ARGS) --dot=$(VMB_GRAPHS)/graph-depends.dot
	$(AM_V_at)command -v dot >/dev/null || { echo "vmbundle: graph-depends: graphviz's dot is missing; install it (Debian: graphviz, build-aux/install-deps does)" >&2; exit 1; }
	$(AM_V_at)dot -Tsvg $(VMB_GRAPHS)/graph-depends.dot -o $(VMB_GRAPHS)/graph-depends.svg.tmp && \
		mv $(VMB_GRAPHS)/graph-depends.svg.tmp $(VMB_GRAPHS)/graph-depends.svg
	@echo "dependencies: $(VMB_GRAPHS)/graph-depends.svg (graphviz source: graph-depends.dot)"

.PHONY: graph-build graph-size graph-depends
