/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmguest: the on-target guest launcher. Reads the stager's launch
 * configurations (/etc/vmbundle/guests/NAME.conf, doc/pipeline.md) and runs
 * each guest as one QEMU process: list, start (in the background or on the
 * console), stop, status, and autostart at boot.
 */
#include "accel.h"
#include "bridge.h"
#include "guest.h"
#include "hostclock.h"
#include "hostdev.h"
#include "monitor.h"
#include "qemu-argv.h"
#include "shared/options.h"
#include "shared/fsutil.h"
#include "shared/run.h"
#include "shared/target-paths.h"
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* How long `stop` lets QEMU end on SIGTERM before SIGKILL. */
#define STOP_GRACE_MS 10000
/* The QEMU that runs guests of the launcher's own architecture: the
 * launcher is built for the host it runs on, and KVM runs only guests of
 * the host's architecture. */
#if defined(__aarch64__)
#define VMGUEST_QEMU "qemu-system-aarch64"
#define VMGUEST_MULTIARCH "aarch64-linux-gnu"
#elif defined(__x86_64__)
#define VMGUEST_QEMU "qemu-system-x86_64"
#define VMGUEST_MULTIARCH "x86_64-linux-gnu"
#else
#error "vmguest: no QEMU known for this architecture; add it beside aarch64 and x86_64"
#endif
/* A background QEMU has started when its monitor answers; one that ends
 * before failed (bad option, unreadable file, no accelerator, a missing
 * keymap): reported now, not at the next list. Checked every 100 ms for at
 * most a minute (QEMU under TCG inside TCG starts in seconds). */
#define START_POLL_MS 100
#define START_READY_MS 60000

/* How long vmguest monitor waits for QEMU's answer. */
#define MONITOR_TIMEOUT_MS 30000
/* Where Debian's QEMU keeps the curses display (a module since QEMU 5). */
#define QEMU_UI_CURSES "/usr/lib/" VMGUEST_MULTIARCH "/qemu/ui-curses.so"

struct launcher {
	struct vmguest_dirs dirs;
	const char *qemu;
	const char *accel; /* NULL: each guest's own setting */
	struct hostdev_env env;
};

static void usage(FILE *f)
{
	fputs("usage: vmguest [OPTION...] COMMAND [ARG...]\n"
	      "Run the guests staged in this host.\n\n"
	      "commands:\n"
	      "  list                     every staged guest: name, memory, vcpus, image, state\n"
	      "  status [NAME]            the running guests (or NAME's state; exit 3 when stopped)\n"
	      "  start [--console] NAME   start NAME in the background (console on a socket and a\n"
	      "                           log), or with --console in the foreground on this terminal\n"
	      "                           (Ctrl-a x ends QEMU)\n"
	      "  stop NAME                stop NAME (SIGTERM, then SIGKILL after 10 s)\n"
	      "  autostart                start every guest with autostart = yes, by autostart_order\n"
	      "                           then name\n"
	      "  monitor NAME COMMAND...  run a QEMU monitor command in NAME's QEMU, print its output\n"
	      "  screendump NAME FILE     write NAME's screen (display = vga) to FILE, as PPM\n\n"
	      "options:\n"
	      "  --accel=auto|kvm|tcg     override the guests' accel setting\n"
	      "  --conf-dir=DIR           launch configurations (default " TARGET_GUESTS_DIR ")\n"
	      "  --run-dir=DIR            pid files and console sockets (default " TARGET_RUN_DIR ")\n"
	      "  --log-dir=DIR            console logs (default " TARGET_LOG_DIR ")\n"
	      "  --qemu=PROGRAM           QEMU to run (default " VMGUEST_QEMU ")\n",
	      f);
}

static int fail_with(char *err)
{
	vmb_error("%s", err);
	free(err);
	return 1;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* The staged guests. Configurations that cannot be read are reported, one
 * line each, and left out; *bad says how many (their commands end with exit
 * status 1). Returns -1 only when none can be read at all. */
static int load_all(const struct launcher *l, struct launch_guest **v, size_t *n, int *bad)
{
	char *err = NULL, *save = NULL;
	int r = launch_guests_load_dir(l->dirs.conf, v, n, &err);

	for (char *line = err ? strtok_r(err, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save))
		vmb_error("%s", line);
	free(err);
	*bad = r > 0 ? r : 0;
	return r < 0 ? -1 : 0;
}

/* Guest @name among @v, or an error listing the staged ones. */
static struct launch_guest *find_guest(const struct launcher *l, struct launch_guest *v, size_t n, const char *name)
{
	char *names = NULL;

	for (size_t i = 0; i < n; i++)
		if (streq(v[i].name, name))
			return &v[i];
	for (size_t i = 0; i < n; i++)
		strappendf(&names, "%s%s", i ? ", " : "", v[i].name);
	vmb_error("no guest '%s' is staged in %s (staged: %s)", name, l->dirs.conf, names ? names : "none");
	free(names);
	return NULL;
}

static const char *image_of(const struct launch_guest *g)
{
	if (g->ndisks)
		return g->disks[0];
	return g->initrd ? g->initrd : "-";
}

static int cmd_list(const struct launcher *l)
{
	struct launch_guest *v;
	size_t n;
	int bad;

	if (load_all(l, &v, &n, &bad))
		return 1;
	printf("%-20s %7s %5s %-8s %s\n", "NAME", "MEMORY", "VCPUS", "STATE", "IMAGE");
	for (size_t i = 0; i < n; i++) {
		pid_t pid = state_running(&l->dirs, v[i].name, NULL);

		printf("%-20s %6uM %5u %-8s %s\n", v[i].name, v[i].memory, v[i].vcpus,
		       pid ? "running" : "stopped", image_of(&v[i]));
	}
	launch_guests_free(v, n);
	return bad ? 1 : 0;
}

static int cmd_status(const struct launcher *l, const char *name)
{
	struct launch_guest *v;
	size_t n, shown = 0;
	int rc = 0, bad;

	if (load_all(l, &v, &n, &bad))
		return 1;
	if (name && !find_guest(l, v, n, name)) {
		launch_guests_free(v, n);
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		char *accel;
		pid_t pid;

		if (name && !streq(v[i].name, name))
			continue;
		pid = state_running(&l->dirs, v[i].name, &accel);
		if (pid) {
			printf("%s: running (pid %ld, %s), console %s/%s.console, log %s/%s.log\n", v[i].name,
			       (long)pid, accel, l->dirs.run, v[i].name, l->dirs.log, v[i].name);
			shown++;
		} else if (name) {
			printf("%s: stopped\n", v[i].name);
			rc = 3;
		}
		free(accel);
	}
	if (!name && !shown)
		printf("no guest is running (%zu staged)\n", n);
	launch_guests_free(v, n);
	return rc ? rc : bad ? 1 : 0;
}

static int make_dirs(const struct launcher *l)
{
	const char *dirs[] = { l->dirs.run, l->dirs.log };

	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		int r = mkdir_p(dirs[i], 0755);

		if (r < 0) {
			vmb_error("%s: cannot create: %s", dirs[i], strerror(-r));
			return -1;
		}
	}
	return 0;
}

/* Print the end of a guest's log after a failed start, so the user sees
 * QEMU's own complaint. */
static void show_log_tail(const char *log)
{
	char *data = NULL;
	size_t len = 0, start;
	int lines = 0;

	if (read_file(log, &data, &len) < 0 || !len) {
		free(data);
		return;
	}
	for (start = len; start > 0 && lines < 11; start--)
		lines += data[start - 1] == '\n';
	fprintf(stderr, "---- end of %s ----\n%s", log, data + (start ? start + 1 : 0));
	free(data);
}

/* Background: QEMU in its own session. It has started when its monitor
 * answers (QEMU serves it from its main loop, after every device and
 * display came up); a QEMU that ends before that failed to start. */
static int run_detached(const struct launcher *l, const struct launch_guest *g, struct strv *argv,
			const char *accel_name, const char *log, const char *mon)
{
	/* Its own session: the guest outlives the shell that started it and
	 * no terminal's signals reach it. */
	const struct run_opts bg = { .in = { RUN_NULL, NULL, 0 }, .out = { RUN_FILE, log, 0 },
				     .err = { RUN_STDOUT, NULL, 0 }, .append = true,
				     .new_session = true };
	char *err = NULL, *out = NULL;
	pid_t pid = run_background((const char *const *)argv->v, &bg, &err);
	int status;
	bool up = false;

	if (pid < 0)
		return fail_with(err);
	for (long waited = 0; !up && waited < START_READY_MS; waited += START_POLL_MS) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			vmb_error("guest %s: QEMU ended at once (%s %d); its output:", g->name,
				  WIFEXITED(status) ? "exit status" : "signal",
				  WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
			show_log_tail(log);
			return 1;
		}
		up = monitor_command(mon, "info status", START_POLL_MS * 10, &out, &err) == 0;
		free(out);
		free(err);
		out = err = NULL;
		if (!up)
			sleep_ms(START_POLL_MS);
	}
	if (!up)
		vmb_warn("guest %s: QEMU (pid %ld) runs but its monitor did not answer within %d s",
			 g->name, (long)pid, START_READY_MS / 1000);
	if (state_record(&l->dirs, g->name, pid, accel_name, &err) < 0) {
		kill(pid, SIGKILL);
		return fail_with(err);
	}
	printf("%s: started %s (pid %ld, %s); console socket %s/%s.console, log %s\n", vmb_progname,
	       g->name, (long)pid, accel_name, l->dirs.run, g->name, log);
	return 0;
}

/* Foreground: the console is this terminal; the guest's end is ours. */
static int run_attached(const struct launcher *l, const struct launch_guest *g, struct strv *argv,
			const char *accel_name, int screen_fd)
{
	/* A curses display draws on its stdio: the screen's terminal. The
	 * console the launcher runs on stays reachable as fd 3, which the
	 * serial console opens as /proc/self/fd/3. */
	static const char *const term[] = { "TERM=linux", NULL };
	struct run_opts fg = { 0 };
	struct run_child child;
	char *err = NULL;
	int r;

	if (screen_fd >= 0) {
		fg.in = fg.out = (struct run_io){ RUN_FD, NULL, screen_fd };
		fg.fd3 = (struct run_io){ RUN_FD, NULL, STDIN_FILENO };
		fg.env = term;
	}
	if (run_start((const char *const *)argv->v, &fg, &child, &err) < 0)
		return fail_with(err);
	if (state_record(&l->dirs, g->name, child.pid, accel_name, &err) < 0) {
		vmb_warn("%s (vmguest list will not show %s running)", err, g->name);
		free(err);
		err = NULL;
	}
	/* Ctrl-C belongs to the guest's console, not to us. */
	signal(SIGINT, SIG_IGN);
	r = run_wait(&child, &err);
	state_forget(&l->dirs, g->name);
	if (r < 0)
		return fail_with(err);
	/* Says the console is the host's again (scripts wait for it). */
	printf("%s: guest %s ended\n", vmb_progname, g->name);
	return 0;
}

/* The target's own devices a guest is given: checked (and PCI functions
 * bound to vfio-pci) before QEMU starts, so a refusal names the guest. */
static int prepare_host_devices(const struct launcher *l, const struct launch_guest *g)
{
	char *why = NULL;

	for (size_t i = 0; i < g->nhost_disks; i++)
		if (hostdev_check_disk(&l->env, g->host_disks[i], &why) < 0)
			goto fail;
	for (size_t i = 0; i < g->npci; i++)
		if (hostdev_prepare_pci(&l->env, g->pci[i], &why) < 0)
			goto fail;
	for (size_t i = 0; i < g->nusb; i++)
		if (hostdev_find_usb(&l->env, g->usb[i][0], g->usb[i][1], &why) < 0)
			goto fail;
	return 0;
fail:
	vmb_error("%s: guest %s not started: %s", g->conf_path, g->name, why);
	free(why);
	return -1;
}

/* The virtual terminal on the machine's screen now (/dev/tty1 as a rule),
 * or NULL when there is none. *is_console: it is also /dev/console (a
 * machine without a serial line), so the serial console cannot go there. */
static char *screen_tty(bool *is_console)
{
	char *active = NULL, *console = NULL, *tty = NULL, *last;
	size_t len;

	*is_console = false;
	if (read_file("/sys/class/tty/tty0/active", &active, &len) < 0 || !len)
		goto out;
	active[strcspn(active, " \n")] = '\0';
	if (!startswith(active, "tty"))
		goto out;
	/* /dev/console is the last console= of the command line. */
	if (read_file("/sys/class/tty/console/active", &console, &len) == 0 && len) {
		console[strcspn(console, "\n")] = '\0';
		last = strrchr(console, ' ') ? strrchr(console, ' ') + 1 : console;
		*is_console = streq(last, active) || streq(last, "tty0");
	}
	tty = xasprintf("/dev/%s", active);
out:
	free(active);
	free(console);
	return tty;
}

/* A guest with a screen: on the machine's own screen with curses when it
 * runs on the console (HAL mode), with the machine's mice, else on a VNC
 * server at RUN/NAME.vnc. *tty_fd gets the screen's terminal for QEMU's
 * stdio, or -1. */
static void choose_screen(const struct launcher *l, const struct launch_guest *g, bool console,
			  struct qemu_plan *plan, int *tty_fd, char **vnc, char **tty)
{
	bool screen_is_console = false;

	*tty_fd = -1;
	*vnc = NULL;
	*tty = NULL;
	if (g->display == DISPLAY_NONE)
		return;
	if (console && access(QEMU_UI_CURSES, R_OK) == 0 && (*tty = screen_tty(&screen_is_console)) &&
	    (*tty_fd = open(*tty, O_RDWR | O_NOCTTY | O_CLOEXEC)) >= 0) {
		plan->screen = SCREEN_CURSES;
		/* The serial console stays on the terminal the launcher was
		 * started on, unless that is the screen: then it goes to the
		 * console socket and log, as in the background. */
		plan->console_tty = !screen_is_console && isatty(STDIN_FILENO) ? "/proc/self/fd/3" : NULL;
		/* A guest on the machine's screen takes its mice too (QEMU
		 * grabs them); a background guest must not. */
		plan->nmice = hostdev_mice(&l->env, &plan->mice);
		return;
	}
	if (console)
		vmb_warn("guest %s: its screen is on VNC at %s/%s.vnc: %s", g->name, l->dirs.run, g->name,
			 access(QEMU_UI_CURSES, R_OK) ? "this host has no " QEMU_UI_CURSES
			 " (the HAL rootfs type carries it)" : "no virtual terminal to show it on");
	plan->screen = SCREEN_VNC;
	*vnc = state_path(l->dirs.run, g->name, "vnc");
	plan->vnc_socket = *vnc;
}

static int start_guest(const struct launcher *l, struct launch_guest *g, bool console)
{
	struct qemu_plan plan = { .qemu = l->qemu, .console_stdio = console };
	struct strv argv = { 0 };
	char *err = NULL, *no_kvm = NULL, tap[14], *sock, *log, *mon, *vnc, *tty;
	const char *accel_name;
	int rc, tty_fd;

	if (state_running(&l->dirs, g->name, NULL)) {
		vmb_error("guest %s is already running (vmguest stop %s first)", g->name, g->name);
		return 1;
	}
	if (launch_guest_check_files(g, &err) < 0 || launch_guest_check_shares(g, &err) < 0 ||
	    accel_choose(l->accel ? l->accel : g->accel, g->name, &plan.accel, &no_kvm, &err) < 0)
		return fail_with(err);
	if (no_kvm) {
		/* The one line that says why a guest is slow. */
		printf("%s: KVM unavailable (%s): %s runs under TCG emulation (much slower)\n",
		       vmb_progname, no_kvm, g->name);
		fflush(stdout);
		free(no_kvm);
	}
	if (plan.accel == ACCEL_KVM && hostclock_wait_settled(HOSTCLOCK_CURRENT, HOSTCLOCK_WAIT_MS) < 0) {
		printf("%s: the host's TSC rate is still being measured after %d s (clocksource "
		       "tsc-early): %s may run with late timers\n", vmb_progname, HOSTCLOCK_WAIT_MS / 1000,
		       g->name);
		fflush(stdout);
	}
	if (prepare_host_devices(l, g) < 0 || make_dirs(l) < 0)
		return 1;
	accel_name = plan.accel == ACCEL_KVM ? "kvm" : "tcg";
	guest_tap_name(g->name, tap);
	if (g->network == GUEST_NET_BRIDGE) {
		if (bridge_add_tap(tap, &err) < 0)
			return fail_with(err);
		plan.tap = tap;
	}
	sock = state_path(l->dirs.run, g->name, "console");
	log = state_path(l->dirs.log, g->name, "log");
	mon = state_path(l->dirs.run, g->name, "monitor");
	plan.console_socket = sock;
	plan.console_log = log;
	plan.monitor_socket = mon;
	unlink(sock);
	unlink(mon);
	choose_screen(l, g, console, &plan, &tty_fd, &vnc, &tty);
	if (vnc)
		unlink(vnc);
	qemu_argv(g, &plan, &argv);
	rc = console ? run_attached(l, g, &argv, accel_name, tty_fd)
		     : run_detached(l, g, &argv, accel_name, log, mon);
	if ((console || rc) && g->network == GUEST_NET_BRIDGE)
		bridge_remove_tap(tap);
	if (tty_fd >= 0)
		close(tty_fd);
	for (size_t i = 0; i < plan.nmice; i++)
		free(plan.mice[i]);
	free(plan.mice);
	strv_free(&argv);
	free(sock);
	free(log);
	free(mon);
	free(vnc);
	free(tty);
	return rc;
}

static int cmd_start(const struct launcher *l, const char *name, bool console)
{
	struct launch_guest *v, *g;
	size_t n;
	int rc = 1, bad;

	if (load_all(l, &v, &n, &bad))
		return 1;
	g = find_guest(l, v, n, name);
	if (g)
		rc = start_guest(l, g, console);
	launch_guests_free(v, n);
	return rc;
}

static bool wait_gone(pid_t pid, long ms)
{
	for (long waited = 0; waited < ms; waited += 100) {
		if (kill(pid, 0) < 0 && errno == ESRCH)
			return true;
		sleep_ms(100);
	}
	return false;
}

static int cmd_stop(const struct launcher *l, const char *name)
{
	struct launch_guest *v, *g;
	size_t n;
	pid_t pid;
	char tap[14];
	int bad;

	if (load_all(l, &v, &n, &bad))
		return 1;
	g = find_guest(l, v, n, name);
	if (!g) {
		launch_guests_free(v, n);
		return 1;
	}
	pid = state_running(&l->dirs, name, NULL);
	if (!pid) {
		vmb_error("guest %s is not running", name);
		launch_guests_free(v, n);
		return 1;
	}
	/* QEMU ends cleanly on SIGTERM; SIGKILL only if it does not. */
	kill(pid, SIGTERM);
	if (!wait_gone(pid, STOP_GRACE_MS)) {
		vmb_warn("guest %s (pid %ld) ignored SIGTERM for %d s: killing it", name, (long)pid,
			 STOP_GRACE_MS / 1000);
		kill(pid, SIGKILL);
		wait_gone(pid, 2000);
	}
	state_forget(&l->dirs, name);
	guest_tap_name(name, tap);
	if (g->network == GUEST_NET_BRIDGE)
		bridge_remove_tap(tap);
	printf("%s: stopped %s\n", vmb_progname, name);
	launch_guests_free(v, n);
	return 0;
}

static int cmd_autostart(const struct launcher *l)
{
	struct launch_guest *v;
	size_t n, started = 0;
	int rc = 0, bad;

	if (load_all(l, &v, &n, &bad))
		return 1;
	qsort(v, n, sizeof(*v), launch_guest_cmp_autostart);
	for (size_t i = 0; i < n; i++) {
		if (!v[i].autostart)
			continue;
		/* One guest that cannot start must not keep the others down. */
		if (start_guest(l, &v[i], false) != 0)
			rc = 1;
		else
			started++;
	}
	printf("%s: autostart: %zu guest(s) started%s\n", vmb_progname, started,
	       bad ? " (some configurations could not be read: see above)" : "");
	launch_guests_free(v, n);
	return rc || bad ? 1 : 0;
}

/* The running guest @name's monitor socket (malloc'd), or NULL after an error. */
static char *monitor_of(const struct launcher *l, const char *name)
{
	struct launch_guest *v;
	size_t n;
	int bad;
	char *sock = NULL;

	if (load_all(l, &v, &n, &bad))
		return NULL;
	if (find_guest(l, v, n, name)) {
		if (state_running(&l->dirs, name, NULL))
			sock = state_path(l->dirs.run, name, "monitor");
		else
			vmb_error("guest %s is not running (vmguest start %s)", name, name);
	}
	launch_guests_free(v, n);
	return sock;
}

static int cmd_monitor(const struct launcher *l, const char *name, int argc, char **argv)
{
	char *sock = monitor_of(l, name), *line = NULL, *out = NULL, *err = NULL;
	int r;

	if (!sock)
		return 1;
	for (int i = 0; i < argc; i++) {
		if (strpbrk(argv[i], "\n\r")) {
			vmb_error("monitor: a command is one line");
			free(sock);
			free(line);
			return 2;
		}
		strappendf(&line, "%s%s", i ? " " : "", argv[i]);
	}
	r = monitor_command(sock, line, MONITOR_TIMEOUT_MS, &out, &err);
	free(sock);
	free(line);
	if (r < 0)
		return fail_with(err);
	fputs(out, stdout);
	free(out);
	return 0;
}

static int cmd_screendump(const struct launcher *l, const char *name, const char *file)
{
	char *sock, *path, *cwd, *cmd, *out = NULL, *err = NULL;
	int r;

	/* HMP takes the file name as one word and opens it in QEMU's own
	 * working directory: give it an absolute path without blanks. */
	if (!file[0] || strpbrk(file, " \t\n\r\"'\\")) {
		vmb_error("screendump: '%s': give a file name without blanks, quotes or '\\'", file);
		return 2;
	}
	sock = monitor_of(l, name);
	if (!sock)
		return 1;
	cwd = file[0] == '/' ? NULL : getcwd(NULL, 0);
	path = cwd ? xasprintf("%s/%s", cwd, file) : xstrdup(file);
	cmd = xasprintf("screendump %s", path);
	r = monitor_command(sock, cmd, MONITOR_TIMEOUT_MS, &out, &err);
	if (r == 0 && out[strspn(out, " \n")]) {
		/* QEMU said why not ("There is no console to take a screendump from"). */
		out[strcspn(out, "\n")] = '\0';
		err = xasprintf("guest %s: screendump: %s (a guest has a screen with display = vga)", name, out);
		r = -1;
	}
	if (r == 0)
		printf("%s: screen of %s written to %s\n", vmb_progname, name, path);
	free(out);
	free(cmd);
	free(path);
	free(cwd);
	free(sock);
	return r < 0 ? fail_with(err) : 0;
}

static int one_name(int argc, char **argv, const char *cmd, const char **name)
{
	if (argc != 1) {
		vmb_error("'%s' takes one guest name (vmguest list shows them)", cmd);
		return -1;
	}
	*name = argv[0];
	return 0;
}

static int dispatch(const struct launcher *l, int argc, char **argv)
{
	const char *cmd = argv[0], *name = NULL;

	argc--;
	argv++;
	if (streq(cmd, "list") && argc == 0)
		return cmd_list(l);
	if (streq(cmd, "status") && argc <= 1)
		return cmd_status(l, argc ? argv[0] : NULL);
	if (streq(cmd, "autostart") && argc == 0)
		return cmd_autostart(l);
	if (streq(cmd, "start")) {
		bool console = argc > 0 && streq(argv[0], "--console");

		if (one_name(argc - console, argv + console, cmd, &name) < 0)
			return 2;
		return cmd_start(l, name, console);
	}
	if (streq(cmd, "stop"))
		return one_name(argc, argv, cmd, &name) < 0 ? 2 : cmd_stop(l, name);
	if (streq(cmd, "monitor") && argc >= 2)
		return cmd_monitor(l, argv[0], argc - 1, argv + 1);
	if (streq(cmd, "screendump") && argc == 2)
		return cmd_screendump(l, argv[0], argv[1]);
	if (streq(cmd, "help")) {
		usage(stdout);
		return 0;
	}
	vmb_error("unknown command or wrong arguments: '%s' (try vmguest --help)", cmd);
	return 2;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "accel", required_argument, NULL, 'a' },   { "conf-dir", required_argument, NULL, 'c' },
		{ "run-dir", required_argument, NULL, 'r' }, { "log-dir", required_argument, NULL, 'l' },
		{ "qemu", required_argument, NULL, 'q' },    { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct launcher l = {
		.dirs = { TARGET_GUESTS_DIR, TARGET_RUN_DIR, TARGET_LOG_DIR },
		.qemu = VMGUEST_QEMU,
		.env = hostdev_default_env,
	};
	int c;

	vmb_progname = "vmguest";
	/* '+': options stop at the command, whose own arguments follow it. */
	struct opt_parser op = OPT_PARSER(argc, argv, "+h", opts, "");
	while ((c = opt_next(&op)) != -1) {
		switch (c) {
		case 'a':
			if (!streq(optarg, "auto") && !streq(optarg, "kvm") && !streq(optarg, "tcg")) {
				vmb_error("--accel=%s: use auto, kvm or tcg", optarg);
				return 2;
			}
			l.accel = optarg;
			break;
		case 'c': l.dirs.conf = optarg; break;
		case 'r': l.dirs.run = optarg; break;
		case 'l': l.dirs.log = optarg; break;
		case 'q': l.qemu = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	return dispatch(&l, argc - optind, argv + optind);
}
