# SPDX-License-Identifier: GPL-2.0-or-later
# mk/boot.mk: (being written).
