/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one place messages are printed.
 *
 * Library code never prints an error: it returns one as a malloc'd string
 * (char **err) that names the file, line and value it is about, and each
 * caller that knows more adds its own context with err_while(), the way
 * e2fsprogs' com_err says "... while writing the inode table". The command
 * prints the result once with vmb_report() or vmb_error(), and the reporter
 * puts the program and command in front:
 *
 *   vmbundle: stage: cannot read '/x/web.ext4': Permission denied
 *     while checking guest 'web''s root filesystem image
 *     while planning the host image 'host.ext4'
 *
 * Warnings (vmb_warn) are the one thing library code may say itself: they
 * go through the same reporter, so they carry the same prefix. */
#ifndef VMB_REPORT_H
#define VMB_REPORT_H

#define _report_format_(a, b) __attribute__((format(printf, a, b)))

/* The program name ("vmbundle", "vmguest") and the command being run
 * ("stage"; NULL for a program that is its own command), set once by the
 * dispatcher: cmd files do not write their own name into messages. */
extern const char *vmb_progname;
extern const char *vmb_command;

/* "PROGRAM: COMMAND: message" on stderr (a message of several lines keeps
 * its while-lines as they are). */
void vmb_error(const char *fmt, ...) _report_format_(1, 2);
/* "PROGRAM: COMMAND: warning: message". */
void vmb_warn(const char *fmt, ...) _report_format_(1, 2);
/* vmb_error("%s", err), for an error built by the layers below; NULL is
 * "failed for an unknown reason" (a bug: every failure should say why). */
void vmb_report(const char *err);

/* Add what the caller was doing to the error @err points at, as a new
 * line "  while CONTEXT" under it (the innermost first). A NULL *err gets
 * the context alone, so a caller never loses why it failed. */
void err_while(char **err, const char *fmt, ...) _report_format_(2, 3);

#endif
