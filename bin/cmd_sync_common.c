/* Options and connection set-up shared by the sync subcommands (push, power,
 * unregister): credentials, timeouts, --answers, --trace. */
#include "config.h"
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "vmxkit/sync.h"

void cli_sync_init(cli_sync *c)
{
    memset(c, 0, sizeof(*c));
    c->timeout = 0;
}

void cli_sync_dispose(cli_sync *c)
{
    if (c->password) {
        memset(c->password, 0, strlen(c->password));
        free(c->password);
    }
    c->password = NULL;
}

static int parse_seconds(long *out, const char *cmd, const char *opt, const char *v)
{
    char *end;
    long n;

    errno = 0;
    n = strtol(v, &end, 10);
    if (errno || end == v || *end || n < 0 || n > 86400) {
        cli_usage_error(cmd, "%s takes a number of seconds (0 to 86400), not '%s'", opt,
                        v);
        return -1;
    }
    *out = n;
    return 0;
}

/* Match "--name VALUE" or "--name=VALUE"; *i moves past what was used. */
bool cli_opt_value(const char **value, int argc, char **argv, int *i, const char *name)
{
    size_t n = strlen(name);

    if (strncmp(argv[*i], name, n) != 0)
        return false;
    if (argv[*i][n] == '=') {
        *value = argv[*i] + n + 1;
        return true;
    }
    if (argv[*i][n] != '\0')
        return false;
    if (*i + 1 >= argc) {
        *value = NULL;
        return true;
    }
    *value = argv[++*i];
    return true;
}

int cli_sync_option(cli_sync *c, const char *cmd, int argc, char **argv, int *i)
{
    const char *v = NULL;

    if (strcmp(argv[*i], "--trace") == 0) {
        c->trace = true;
        return 1;
    }
    if (cli_opt_value(&v, argc, argv, i, "--password-file")) {
        if (!v) {
            cli_usage_error(cmd, "--password-file needs a file");
            return -1;
        }
        c->password_file = v;
        return 1;
    }
    if (cli_opt_value(&v, argc, argv, i, "--answers")) {
        if (!v) {
            cli_usage_error(cmd, "--answers needs a file");
            return -1;
        }
        c->answers = v;
        return 1;
    }
    if (cli_opt_value(&v, argc, argv, i, "--timeout")) {
        if (!v) {
            cli_usage_error(cmd, "--timeout needs a number of seconds");
            return -1;
        }
        return parse_seconds(&c->timeout, cmd, "--timeout", v) < 0 ? -1 : 1;
    }
    if (cli_opt_value(&v, argc, argv, i, "--connect-timeout")) {
        if (!v) {
            cli_usage_error(cmd, "--connect-timeout needs a number of seconds");
            return -1;
        }
        return parse_seconds(&c->connect_timeout, cmd, "--connect-timeout", v) < 0 ? -1
                                                                                   : 1;
    }
    return 0;
}

static void trace_cb(const char *dir, const char *text, size_t len, void *payload)
{
    (void)payload;
    fprintf(stderr, "--- %s\n%.*s\n", dir, (int)len, text);
}

/* Read a password from the terminal without echo. Echo goes off before the
 * prompt appears, so that nothing typed after the prompt is echoed. */
static char *prompt_password(void)
{
    struct termios old, quiet;
    bool restore = false;
    char line[1024];
    FILE *tty = fopen("/dev/tty", "r+");
    char *p = NULL;

    if (!tty)
        return NULL;
    if (tcgetattr(fileno(tty), &old) == 0) {
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        restore = tcsetattr(fileno(tty), TCSAFLUSH, &quiet) == 0;
    }
    fprintf(tty, "password: ");
    fflush(tty);
    if (fgets(line, sizeof(line), tty)) {
        line[strcspn(line, "\r\n")] = '\0';
        p = strdup(line);
    }
    if (restore)
        tcsetattr(fileno(tty), TCSAFLUSH, &old);
    fprintf(tty, "\n");
    fclose(tty);
    memset(line, 0, sizeof(line));
    return p;
}

int cli_sync_connect(vmx_sync_session **out, cli_sync *c, const char *uri)
{
    vmx_sync_options opts = VMX_SYNC_OPTIONS_INIT;
    vmx_error err = VMX_ERROR_INIT;
    const char *env = getenv("VMXKIT_PASSWORD");
    int rc;

    *out = NULL;
    if (c->password_file) {
        char *data = NULL;
        size_t len = 0;

        if ((rc = vmx_file_read(&data, &len, c->password_file, 4096, &err)) < 0) {
            cli_print_error(&err);
            return cli_exit_code(rc);
        }
        data[strcspn(data, "\r\n")] = '\0';
        c->password = strdup(data);
        memset(data, 0, len);
        vmx_free(data);
    } else if (env) {
        c->password = strdup(env);
    } else if (isatty(STDIN_FILENO)) {
        c->password = prompt_password();
    }
    if (!c->password) {
        fprintf(stderr,
                "%s: no password: set VMXKIT_PASSWORD, use --password-file FILE, or "
                "run on a terminal\n",
                cli_progname);
        return CLI_EXIT_USAGE;
    }
    opts.user = getenv("VMXKIT_USER");
    opts.password = c->password;
    opts.timeout_ms = c->timeout * 1000;
    opts.connect_timeout_ms = c->connect_timeout * 1000;
    opts.answers_file = c->answers;
    if (c->trace)
        opts.trace = trace_cb;
    if (vmx_sync_global_init() < 0) {
        fprintf(stderr, "%s: cannot initialise libcurl\n", cli_progname);
        return CLI_EXIT_FAIL;
    }
    if ((rc = vmx_sync_connect(out, uri, &opts, &err)) < 0) {
        cli_print_error(&err);
        return cli_exit_code(rc);
    }
    return CLI_EXIT_OK;
}

void cli_sync_disconnect(vmx_sync_session *s)
{
    vmx_sync_session_free(s);
    vmx_sync_global_cleanup();
}

const char *cli_sync_options_help =
    "connection options:\n"
    "  --password-file FILE   read the password from FILE (first line); otherwise\n"
    "                         VMXKIT_PASSWORD, or a prompt on a terminal\n"
    "  --timeout SECONDS      give up after this long overall (default: never)\n"
    "  --connect-timeout SECONDS  per connection attempt (default 10)\n"
    "  --answers FILE         answers to VM questions: 'msg.id = choice' per line\n"
    "  --trace                dump SOAP requests and responses on stderr (password "
    "hidden)\n"
    "The user comes from the URI (esx://user@host/) or VMXKIT_USER.\n"
    "URI: esx://host/, vpx://vcenter/dc/[folder/...][cluster/]host, gsx://host/ with\n"
    "?transport=http|https&no_verify=0|1&auto_answer=0|1&proxy=...&thumbprint=...&cafile="
    "...\n";
