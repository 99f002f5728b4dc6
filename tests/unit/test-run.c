/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "shared/run.h"
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[] = "/tmp/test-run-XXXXXX";

static char *slurp(const char *path)
{
	static char buf[4096];
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	buf[n < 0 ? 0 : n] = '\0';
	return buf;
}

/* Run @argv; return its error message (malloc'd) or NULL on success. */
static char *try_run(const char *const *argv, const struct run_opts *o)
{
	char *err = NULL;

	if (run(argv, o, &err) == 0)
		return NULL;
	return err;
}

int main(void)
{
	char *out, *in, *err;
	struct run_child c;

	if (!mkdtemp(dir))
		return 99;
	out = xasprintf("%s/out", dir);
	in = xasprintf("%s/in", dir);

	{
		const char *argv[] = { "true", NULL };

		is_str(try_run(argv, NULL), NULL, "exit status 0 is success");
	}
	{
		const char *argv[] = { "false", NULL };

		err = try_run(argv, NULL);
		is_str(err, "'false' failed with exit status 1", "a non-zero exit is a failure naming the program");
		free(err);
	}
	{
		const char *argv[] = { "/bin/sh", "-c", "exit 7", NULL };

		err = try_run(argv, NULL);
		is_str(err, "'sh' failed with exit status 7", "the program is named without its directory");
		free(err);
	}
	{
		const char *argv[] = { "vmbundle-no-such-program", NULL };

		err = try_run(argv, NULL);
		is_str(err, "cannot run 'vmbundle-no-such-program': No such file or directory",
		       "a missing program is reported as such");
		free(err);
	}
	{
		const char *argv[] = { "sh", "-c", "kill -TERM $$", NULL };

		err = try_run(argv, NULL);
		is_str(err, "'sh' was killed by signal SIGTERM (Terminated)",
		       "death by a signal is a failure naming the signal");
		free(err);
	}
	{
		const char *argv[] = { "sh", "-c", "echo \"$VMB_A-$VMB_B\"", NULL };
		const char *env[] = { "VMB_A=one", "VMB_B=two", NULL };
		struct run_opts o = { .out = { RUN_FILE, out, 0 }, .env = env };

		setenv("VMB_A", "parent", 1);
		is_str(try_run(argv, &o), NULL, "stdout to a file");
		is_str(slurp(out), "one-two\n", "extra environment reaches the child and overrides the caller's");
	}
	{
		const char *argv[] = { "cat", NULL };
		struct run_opts o = { .in = { RUN_FILE, in, 0 }, .out = { RUN_FILE, out, 0 } };
		int fd = open(in, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		ok(fd >= 0 && write(fd, "input\n", 6) == 6, "made an input file");
		close(fd);
		is_str(try_run(argv, &o), NULL, "stdin from a file");
		is_str(slurp(out), "input\n", "the child read the file");
	}
	{
		const char *argv[] = { "cat", NULL };
		struct run_opts o = { .in = { RUN_FILE, "/nonexistent/x", 0 } };

		err = try_run(argv, &o);
		is_str(err, "cannot open '/nonexistent/x' as standard input of 'cat': No such file or directory",
		       "a missing input file names the file and the program");
		free(err);
	}
	{
		const char *argv[] = { "tr", "a-z", "A-Z", NULL };
		struct run_opts o = { .in = { RUN_PIPE, NULL, 0 }, .out = { RUN_FILE, out, 0 } };

		ok(run_start(argv, &o, &c, &err) == 0 && c.in_fd >= 0, "a child with a stdin pipe starts");
		ok(write(c.in_fd, "piped\n", 6) == 6, "write into the pipe");
		ok(run_wait(&c, &err) == 0, "the child ends when the pipe is closed");
		is_str(slurp(out), "PIPED\n", "the child got the piped data");
	}
	{
		const char *argv[] = { "echo", "from child", NULL };
		struct run_opts o = { .out = { RUN_PIPE, NULL, 0 } };
		char buf[64] = "";
		ssize_t n;

		ok(run_start(argv, &o, &c, &err) == 0 && c.out_fd >= 0, "a child with a stdout pipe starts");
		n = read(c.out_fd, buf, sizeof(buf) - 1);
		buf[n > 0 ? n : 0] = '\0';
		ok(run_wait(&c, &err) == 0, "and succeeds");
		is_str(buf, "from child\n", "its output is read from the pipe");
	}
	{
		/* A caller ignoring SIGPIPE must not pass that on. */
		const char *argv[] = { "sh", "-c", "yes | head -n 1 >/dev/null; exit 0", NULL };
		/* SigIgn is 16 hex digits; SIGPIPE (13) is the low bit of the 13th.
		 * (glibc keeps its own internal signals 32 and 33 ignored.) */
		const char *check[] = { "sh", "-c", "sed -n 's/^SigIgn:[[:space:]]*//p' /proc/self/status | cut -c13 | grep -q '[02468ace]'", NULL };

		signal(SIGPIPE, SIG_IGN);
		is_str(try_run(argv, NULL), NULL, "children run with default signal dispositions");
		is_str(try_run(check, NULL), NULL, "SIGPIPE is not ignored in the child");
		signal(SIGPIPE, SIG_DFL);
	}
	{
		/* 2>&1 into a file, appended to: what the image checkers and the
		 * launcher's guest logs use. */
		const char *argv[] = { "sh", "-c", "echo one; echo two >&2", NULL };
		struct run_opts o = { .out = { RUN_FILE, out, 0 }, .err = { RUN_STDOUT, NULL, 0 },
				      .append = true };

		unlink(out);
		is_str(try_run(argv, &o), NULL, "stderr folded into a file output");
		is_str(try_run(argv, &o), NULL, "and again");
		is_str(slurp(out), "one\ntwo\none\ntwo\n", "both streams, appended, in order");
	}
	{
		const char *argv[] = { "sh", "-c", "echo gone >&2; exit 3", NULL };
		struct run_opts o = { .err = { RUN_NULL, NULL, 0 } };

		err = try_run(argv, &o);
		is_str(err, "'sh' failed with exit status 3", "stderr to /dev/null: the status still counts");
		free(err);
	}
	{
		/* The launcher's attached guest: fd 3 is a descriptor of the caller. */
		const char *argv[] = { "sh", "-c", "echo via-three >&3", NULL };
		int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		struct run_opts o = { .fd3 = { RUN_FD, NULL, fd } };

		is_str(try_run(argv, &o), NULL, "a descriptor passed as the child's fd 3");
		close(fd);
		is_str(slurp(out), "via-three\n", "the child wrote through it");
	}
	{
		/* fd 3 given the caller's own fd 3 must survive (no-op dup2 keeps
		 * close-on-exec; the runner duplicates above 9 first). */
		const char *argv[] = { "sh", "-c", "echo same >&3", NULL };
		int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		int three = fd == 3 ? fd : dup3(fd, 3, O_CLOEXEC);
		struct run_opts o = { .fd3 = { RUN_FD, NULL, 3 } };

		is_str(try_run(argv, &o), NULL, "the caller's fd 3 as the child's fd 3");
		is_str(slurp(out), "same\n", "reaches the child");
		if (three != fd)
			close(three);
		close(fd);
	}
	{
		/* A background child in its own session: its session id is its pid. */
		const char *argv[] = { "sh", "-c", "ps -o sid= -p $$ | tr -d ' ' >\"$0\"; echo $$ >>\"$0\"", out, NULL };
		struct run_opts o = { .in = { RUN_NULL, NULL, 0 }, .new_session = true };
		int status = -1;
		pid_t pid;

		unlink(out);
		err = NULL;
		pid = run_background(argv, &o, &err);
		ok(pid > 0, "run_background returns the child's pid");
		ok(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
		   "which the caller reaps");
		{
			char *text = slurp(out), *nl = strchr(text, '\n');

			ok(nl && strncmp(text, nl + 1, (size_t)(nl - text)) == 0,
			   "the child leads its own session (sid == pid)");
		}
		free(err);
	}
	{
		const char *argv[] = { "true", NULL };
		struct run_opts o = { .out = { RUN_PIPE, NULL, 0 } };

		err = NULL;
		ok(run_background(argv, &o, &err) == -1 && err, "a background child cannot have a pipe");
		free(err);
	}
	{
		const char *argv[] = { "true", NULL };
		struct run_opts o = { .in = { RUN_STDOUT, NULL, 0 } };

		err = try_run(argv, &o);
		ok(err && strstr(err, "bad redirection"), "RUN_STDOUT is for standard error only");
		free(err);
	}
	{
		char *s = run_describe_status("x", 0);

		ok(s == NULL, "status 0 describes as success");
	}

	unlink(out);
	unlink(in);
	rmdir(dir);
	free(out);
	free(in);
	return done_testing();
}
