#include "config.h"
#include "cli.h"

#include <stdarg.h>
#include <string.h>

const char *cli_progname = "vmxkit";

void cli_print_error(const vmx_error *err)
{
    char line[VMX_ERROR_SOURCE_MAX + VMX_ERROR_KEY_MAX + VMX_ERROR_MESSAGE_MAX + 64];

    vmx_error_format(line, sizeof(line), err);
    fprintf(stderr, "%s: %s\n", cli_progname, line);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "%s %s: ", cli_progname, cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry '%s %s --help'.\n", cli_progname, cmd);
    return CLI_EXIT_USAGE;
}

int cli_exit_code(int rc)
{
    if (rc >= 0)
        return CLI_EXIT_OK;
    if (rc == VMX_EIO)
        return CLI_EXIT_IO;
    return CLI_EXIT_FAIL;
}

void cli_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", f);
        else if (c == '\r')
            fputs("\\r", f);
        else if (c == '\t')
            fputs("\\t", f);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

bool cli_is_help(const char *arg)
{
    return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}
