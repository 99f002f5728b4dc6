/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The subcommands of the multi-call vmbundle tool, one file each. */
#ifndef VMB_COMMANDS_H
#define VMB_COMMANDS_H

/* A subcommand's one-line usage: on stdout with exit status 0 for --help
 * (@help), else on stderr with 2 (bad usage). */
int cmd_usage(const char *usage, int help);

struct vmb_subcommand {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

int cmd_probe(int argc, char **argv);
int cmd_conf(int argc, char **argv);
int cmd_suggest(int argc, char **argv);
int cmd_step(int argc, char **argv);
int cmd_kconfig(int argc, char **argv);
int cmd_kernel_plan(int argc, char **argv);
int cmd_kernel_deploy(int argc, char **argv);
int cmd_kernel_store(int argc, char **argv);
int cmd_kernel_fetch(int argc, char **argv);
int cmd_kernel_publish(int argc, char **argv);
int cmd_patch_tree(int argc, char **argv);
int cmd_diffconfig(int argc, char **argv);
int cmd_mkimage(int argc, char **argv);
int cmd_rootfs(int argc, char **argv);
int cmd_scc(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_stage(int argc, char **argv);
int cmd_guests(int argc, char **argv);
int cmd_kernel_find(int argc, char **argv);
int cmd_kvm_probe(int argc, char **argv);
int cmd_sysroot(int argc, char **argv);
int cmd_deploy_link(int argc, char **argv);
int cmd_sbom(int argc, char **argv);
int cmd_graph_build(int argc, char **argv);
int cmd_graph_size(int argc, char **argv);
int cmd_graph_depends(int argc, char **argv);

#endif
