/* vmxkit lint: report what the tolerant VMX reader found in each file.
 *
 * The checks themselves live in the library: the file layer's parse records
 * its diagnostics, and later checks (escapes, ...) add theirs to the same
 * list, so this command only prints the list. */
#include "config.h"
#include "cli.h"

#include <string.h>

static void usage(FILE *f)
{
    fprintf(f, "usage: vmxkit lint [--json] [--quiet] FILE...\n\n"
               "Check VMX files and report problems, one per line:\n"
               "  FILE:LINE: warning|error: MESSAGE [KEY]\n\n"
               "options:\n"
               "  --json       print one JSON document: an array of files with their\n"
               "               diagnostics\n"
               "  -q, --quiet  print errors only\n"
               "  -h, --help   show this help\n\n"
               "A FILE of '-' is standard input. Exit status: 0 when no file has\n"
               "errors, 1 when one has (unreadable syntax or error diagnostics),\n"
               "2 for a bad command line, 3 when a file cannot be read.\n");
}

typedef struct lint_opts {
    bool json;
    bool quiet;
} lint_opts;

static const char *display_name(const char *path)
{
    return strcmp(path, "-") == 0 ? "<stdin>" : path;
}

static const char *error_code_name(int rc)
{
    switch (rc) {
    case VMX_ELIMIT:
        return "limit";
    case VMX_EIO:
        return "io";
    case VMX_ENOMEM:
        return "no-memory";
    default:
        return "syntax";
    }
}

/* Print @s with its control characters as \xNN: messages and keys quote the
 * input, and an escape sequence in a .vmx file must not reach the terminal. */
static void print_safe(const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        if (c < 0x20 || c == 0x7f)
            printf("\\x%02x", c);
        else
            putchar(c);
    }
}

static void print_text_line(const char *name, unsigned long line, const char *sev,
                            const char *msg, const char *key)
{
    print_safe(name);
    if (line)
        printf(":%lu", line);
    printf(": %s: ", sev);
    print_safe(msg);
    if (key && *key) {
        printf(" [");
        print_safe(key);
        putchar(']');
    }
    putchar('\n');
}

static void print_json_diag(bool *first, unsigned long line, unsigned long other,
                            const char *sev, const char *code, const char *key,
                            const char *msg)
{
    printf("%s\n      {\"line\": %lu, ", *first ? "" : ",", line);
    if (other)
        printf("\"other_line\": %lu, ", other);
    printf("\"severity\": \"%s\", \"code\": ", sev);
    cli_json_string(stdout, code);
    printf(", \"key\": ");
    cli_json_string(stdout, key ? key : "");
    printf(", \"message\": ");
    cli_json_string(stdout, msg);
    putchar('}');
    *first = false;
}

/* Lint one file; returns its exit status (0, 1 or 3). */
static int lint_file(const char *path, const lint_opts *o, bool first_file)
{
    const char *name = display_name(path);
    vmx_error err = VMX_ERROR_INIT;
    vmx_config *cfg = NULL;
    size_t i, n, errors = 0, warnings = 0;
    bool first = true;
    int rc = vmx_config_parse_file(&cfg, path, NULL, &err);

    if (o->json) {
        printf("%s\n  {\"file\": ", first_file ? "" : ",");
        cli_json_string(stdout, name);
        printf(", \"diagnostics\": [");
    }
    if (rc < 0) {
        errors++;
        if (o->json)
            print_json_diag(&first, err.line, 0, "error", error_code_name(rc), err.key,
                            err.message);
        else if (rc == VMX_EIO)
            cli_print_error(&err);
        else
            print_text_line(name, err.line, "error", err.message, err.key);
    }
    n = cfg ? vmx_config_diag_count(cfg) : 0;
    for (i = 0; i < n; i++) {
        const vmx_diag *d = vmx_config_diag(cfg, i);
        const char *sev = d->severity == VMX_DIAG_ERROR ? "error" : "warning";

        if (d->severity == VMX_DIAG_ERROR)
            errors++;
        else
            warnings++;
        if (o->quiet && d->severity != VMX_DIAG_ERROR)
            continue;
        if (o->json)
            print_json_diag(&first, d->line, d->other_line, sev, d->code, d->key,
                            d->message);
        else
            print_text_line(name, d->line, sev, d->message, d->key);
    }
    if (o->json)
        printf("%s], \"errors\": %zu, \"warnings\": %zu}", first ? "" : "\n    ", errors,
               warnings);
    vmx_config_free(cfg);
    if (rc == VMX_EIO)
        return CLI_EXIT_IO;
    return errors ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

static bool is_file_arg(const char *a, bool after_dashdash)
{
    return after_dashdash || a[0] != '-' || a[1] == '\0';
}

int cmd_lint(int argc, char **argv)
{
    lint_opts o = {false, false};
    int i, status = CLI_EXIT_OK, nfiles = 0;
    bool dd = false;

    /* Options may come anywhere before "--"; everything else is a file. */
    for (i = 1; i < argc; i++) {
        if (dd || is_file_arg(argv[i], false)) {
            nfiles++;
        } else if (cli_is_help(argv[i])) {
            usage(stdout);
            return CLI_EXIT_OK;
        } else if (strcmp(argv[i], "--") == 0) {
            dd = true;
        } else if (strcmp(argv[i], "--json") == 0) {
            o.json = true;
        } else if (strcmp(argv[i], "-q") == 0 || strcmp(argv[i], "--quiet") == 0) {
            o.quiet = true;
        } else {
            return cli_usage_error("lint", "unknown option '%s'", argv[i]);
        }
    }
    if (nfiles == 0)
        return cli_usage_error("lint", "no input file");
    if (o.json)
        putchar('[');
    for (i = 1, dd = false, nfiles = 0; i < argc; i++) {
        int st;

        if (!dd && strcmp(argv[i], "--") == 0) {
            dd = true;
            continue;
        }
        if (!is_file_arg(argv[i], dd))
            continue;
        st = lint_file(argv[i], &o, nfiles++ == 0);
        /* A file that cannot be read outranks one with errors. */
        if (st == CLI_EXIT_IO || (st == CLI_EXIT_FAIL && status == CLI_EXIT_OK))
            status = st;
    }
    if (o.json)
        printf("\n]\n");
    fflush(stdout);
    return status;
}
