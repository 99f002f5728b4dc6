/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The Kconfig helper's source (kconfig-why.c), as one string; make generates
 * kconfig-why.inc from it. */
#include "audit/helper.h"

const char kconfig_why_source[] =
#include "src/audit/kconfig-why.inc"
	;
