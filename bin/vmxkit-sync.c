/*
 * vmxkit-sync: the sync subcommands of vmxkit (push, power, unregister),
 * the only program that links libvmxkit-sync. vmxkit runs it as
 * "vmxkit-sync COMMAND ARGS..." (bin/sync_exec.c); it is not meant to be
 * run by hand, but works the same when it is.
 */
#include "config.h"
#include "cli.h"

#include <string.h>

static const cli_command commands[] = {
    {"push", cmd_push, NULL},
    {"power", cmd_power, NULL},
    {"unregister", cmd_unregister, NULL},
};

int main(int argc, char **argv)
{
    size_t i;

    if (argc < 2) {
        fprintf(stderr, "usage: vmxkit-sync push|power|unregister [ARGS...] (run by vmxkit)\n");
        return CLI_EXIT_USAGE;
    }
    for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (strcmp(commands[i].name, argv[1]) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "%s: unknown sync command '%s'\n", cli_progname, argv[1]);
    return CLI_EXIT_USAGE;
}
