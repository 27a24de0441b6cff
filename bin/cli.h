/* Shared pieces of the vmxkit command. Uses only the public API. */
#ifndef VMXKIT_CLI_H
#define VMXKIT_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "vmxkit/vmxkit.h"

/* Exit codes, documented in doc/vmxkit.1 (EXIT STATUS). */
enum {
    CLI_EXIT_OK = 0,      /* success */
    CLI_EXIT_FAIL = 1,    /* the input had errors, or a check found problems */
    CLI_EXIT_USAGE = 2,   /* bad command line */
    CLI_EXIT_IO = 3       /* a file could not be read or written */
};

/* A subcommand: argv[0] is the subcommand name. */
typedef struct cli_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} cli_command;

extern const char *cli_progname;

/* Print "vmxkit: path:line: message [key]" for @err on stderr. */
void cli_print_error(const vmx_error *err);
/* Print "vmxkit CMD: message" on stderr and return CLI_EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Map a libvmxkit error code to an exit code. */
int cli_exit_code(int rc);
/* Write @s as a JSON string (with quotes) to @f. */
void cli_json_string(FILE *f, const char *s);
/* True when @arg is -h or --help. */
bool cli_is_help(const char *arg);

/* Subcommands (bin/cmd_*.c). */
int cmd_escape(int argc, char **argv);
int cmd_datastore_path(int argc, char **argv);
int cmd_lint(int argc, char **argv);
int cmd_convert(int argc, char **argv);

#endif
