# SPDX-License-Identifier: GPL-2.0-or-later
# mk/rootfs.mk: (being written).
