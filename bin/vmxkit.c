/* vmxkit: read, check and convert VMware VMX files. */
#include "config.h"
#include "cli.h"

#include <string.h>

static int cmd_help(int argc, char **argv);
static int cmd_version(int argc, char **argv);

/* One line per subcommand; keep the order of the man page. */
static const cli_command commands[] = {
    {"help", cmd_help, "show this help, or a subcommand's (vmxkit help CMD)"},
    {"version", cmd_version, "print the version"},
    {"lint", cmd_lint, "check VMX files and report problems (file:line: message)"},
    {"escape", cmd_escape, "encode or decode VMware's percent, pipe and datastore escaping"},
    {"datastore-path", cmd_datastore_path, "split '[datastore] directory/file' paths"},
    {"convert", cmd_convert, "convert a VMX file to libvirt domain XML or back"},
    {"batch", cmd_batch, "convert many files and directory trees in parallel"},
    {"roundtrip", cmd_roundtrip, "check that VMX or XML files survive conversion and back"},
#ifdef VMX_WITH_SYNC
    /* run by the vmxkit-sync program (bin/sync_exec.c) */
    {"push", cli_sync_exec, "put VM definitions on an ESX host or vCenter (create/update)"},
    {"power", cli_sync_exec, "power VMs on, off, reset or suspend them on a host"},
    {"unregister", cli_sync_exec, "remove VMs from a host's inventory"},
#endif
};

static void usage(FILE *f)
{
    size_t i;

    fprintf(f, "usage: vmxkit [--version] [--help] COMMAND [ARGS...]\n\n"
               "Read, check and convert VMware VMX files.\n\ncommands:\n");
    for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(f, "  %-16s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n'vmxkit COMMAND --help' describes a command; see also vmxkit(1).\n");
}

static const cli_command *find_command(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

static int cmd_help(int argc, char **argv)
{
    const cli_command *cmd;
    char *help_argv[3];

    if (argc < 2 || cli_is_help(argv[1])) {
        usage(stdout);
        return CLI_EXIT_OK;
    }
    cmd = find_command(argv[1]);
    if (!cmd)
        return cli_usage_error("help", "unknown command '%s'", argv[1]);
    help_argv[0] = argv[1];
    help_argv[1] = (char *)"--help";
    help_argv[2] = NULL;
    return cmd->run(2, help_argv);
}

static int cmd_version(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("vmxkit %s\n", vmx_version());
    return CLI_EXIT_OK;
}

int main(int argc, char **argv)
{
    const cli_command *cmd;

    if (argc < 2) {
        usage(stderr);
        return CLI_EXIT_USAGE;
    }
    if (cli_is_help(argv[1])) {
        usage(stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0)
        return cmd_version(argc - 1, argv + 1);
    cmd = find_command(argv[1]);
    if (!cmd) {
        fprintf(stderr, "vmxkit: unknown command '%s'\n", argv[1]);
        usage(stderr);
        return CLI_EXIT_USAGE;
    }
    return cmd->run(argc - 1, argv + 1);
}
