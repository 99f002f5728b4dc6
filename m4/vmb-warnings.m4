dnl SPDX-License-Identifier: GPL-2.0-or-later
dnl VMB_WARNINGS: the project's warning set, and --enable-werror (on by
dnl default when CI=true, because warnings are errors in CI builds).
AC_DEFUN([VMB_WARNINGS], [
  AC_ARG_ENABLE([werror],
    [AS_HELP_STRING([--enable-werror], [treat compiler warnings as errors @<:@yes when CI=true, else no@:>@])],
    [], [AS_IF([test "x$CI" = xtrue], [enable_werror=yes], [enable_werror=no])])
  WARN_CFLAGS="-std=gnu11 -Wall -Wextra -Wformat=2 -Wshadow -Wmissing-prototypes -Wstrict-prototypes -Wundef"
  AS_IF([test "x$enable_werror" = xyes], [WARN_CFLAGS="$WARN_CFLAGS -Werror"])
  AC_SUBST([WARN_CFLAGS])
])

dnl VMB_SANITIZERS: --enable-sanitizers builds with AddressSanitizer and
dnl UndefinedBehaviorSanitizer, stopping at the first report (CI runs the unit
dnl tests a second time this way).
AC_DEFUN([VMB_SANITIZERS], [
  AC_ARG_ENABLE([sanitizers],
    [AS_HELP_STRING([--enable-sanitizers], [build with -fsanitize=address,undefined @<:@no@:>@])],
    [], [enable_sanitizers=no])
  SANITIZER_CFLAGS=
  AS_IF([test "x$enable_sanitizers" = xyes], [
    SANITIZER_CFLAGS=" -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g"
    vmb_save_CFLAGS=$CFLAGS
    CFLAGS="$CFLAGS $SANITIZER_CFLAGS"
    vmb_save_LDFLAGS=$LDFLAGS
    LDFLAGS="$LDFLAGS $SANITIZER_CFLAGS"
    AC_MSG_CHECKING([whether $CC can build with sanitizers])
    AC_LINK_IFELSE([AC_LANG_PROGRAM([], [])], [AC_MSG_RESULT([yes])],
      [AC_MSG_RESULT([no]); AC_MSG_ERROR([--enable-sanitizers: $CC cannot link with -fsanitize=address,undefined (Debian: install libasan8 and libubsan1, which come with gcc)])])
    CFLAGS=$vmb_save_CFLAGS
    LDFLAGS=$vmb_save_LDFLAGS
  ])
  AC_SUBST([SANITIZER_CFLAGS])
])
