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
int cmd_batch(int argc, char **argv);
int cmd_roundtrip(int argc, char **argv);

#ifdef VMX_WITH_SYNC
/* In vmxkit: run "vmxkit-sync ARGV..." in place of this process
 * (bin/sync_exec.c); returns only on failure, with an exit code. */
int cli_sync_exec(int argc, char **argv);

/* Sync subcommands (bin/cmd_push.c, bin/cmd_sync_power.c) and their shared
 * connection options (bin/cmd_sync_common.c). */
int cmd_push(int argc, char **argv);
int cmd_power(int argc, char **argv);
int cmd_unregister(int argc, char **argv);

struct vmx_sync_session;
typedef struct cli_sync {
    const char *password_file;
    const char *answers;
    long timeout;         /* seconds, 0: none */
    long connect_timeout; /* seconds, 0: default */
    bool trace;
    char *password;
} cli_sync;
extern const char *cli_sync_options_help;
void cli_sync_init(cli_sync *c);
void cli_sync_dispose(cli_sync *c);
/* 1 when argv[*i] was a connection option (consumed), 0 when not, -1 after
 * a usage error was printed. */
int cli_sync_option(cli_sync *c, const char *cmd, int argc, char **argv, int *i);
/* Read the password and connect; prints errors, returns an exit code. */
int cli_sync_connect(struct vmx_sync_session **out, cli_sync *c, const char *uri);
void cli_sync_disconnect(struct vmx_sync_session *s);
/* Match argv[*i] as "--name VALUE" or "--name=VALUE" (*value NULL when the
 * value is missing); *i moves past what was used. */
bool cli_opt_value(const char **value, int argc, char **argv, int *i, const char *name);
#endif

#endif
