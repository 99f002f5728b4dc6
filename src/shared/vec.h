/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Growable arrays: one macro instead of a realloc dance in every module. */
#ifndef VMB_VEC_H
#define VMB_VEC_H

#include "shared/util.h"

/* Make room for one more element in (ptr, n, cap) and return its address.
 * The element is not initialised; n is incremented. */
#define VEC_PUSH(ptr, n, cap)                                                           \
	((n) == (cap) ? ((cap) = (cap) ? 2 * (cap) : 8,                                 \
			 (ptr) = xrealloc((ptr), (cap) * sizeof(*(ptr)))) : (ptr),      \
	 &(ptr)[(n)++])

/* The same for arrays that keep no capacity, (ptr, n): grow by one and
 * return the new last element's address; n is incremented. For lists that
 * stay short (declarations, staged files); a long one wants VEC_PUSH. */
#define VEC_APPEND(ptr, n) ((ptr) = xrealloc((ptr), ((n) + 1) * sizeof(*(ptr))), &(ptr)[(n)++])

#endif
