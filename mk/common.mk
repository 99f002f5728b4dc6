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
