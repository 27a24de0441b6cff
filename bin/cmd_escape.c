/* vmxkit escape: encode or decode VMware's escaping schemes.
 * vmxkit datastore-path: split "[datastore] directory/file". */
#include "config.h"
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static void escape_usage(FILE *f)
{
    fprintf(
        f,
        "usage: vmxkit escape percent|pipe|datastore [-d|--decode] [--strict] STRING...\n"
        "       vmxkit escape SCHEME [OPTIONS] -      (one STRING per line of stdin)\n"
        "\n"
        "Encode (default) or decode VMware's escaping schemes, one result per line:\n"
        "  percent    %%XX for '%%', '/' and '\\' (vSphere display names)\n"
        "  pipe       |XX for '|', '\"' and control characters (VMX displayName,\n"
        "             annotation)\n"
        "  datastore  datastore item names: \"*<>:|? become '_', then percent,\n"
        "             then +base64- runs for everything outside [A-Za-z0-9'(),. _-]\n"
        "\n"
        "options:\n"
        "  -d, --decode  decode instead of encode\n"
        "  --strict      when decoding, reject invalid escapes (default: keep them\n"
        "                literally and warn)\n"
        "  --            end of options (for strings that start with '-')\n"
        "  -h, --help    show this help\n"
        "\n"
        "Decoding a datastore name warns about each '_', which may stand for a\n"
        "character that encoding replaced and that cannot be restored.\n");
}

static void datastore_path_usage(FILE *f)
{
    fprintf(f,
            "usage: vmxkit datastore-path [--json] PATH...\n"
            "       vmxkit datastore-path [--json] -     (one PATH per line of stdin)\n"
            "\n"
            "Split datastore paths '[datastore] directory/file' as libvirt does and\n"
            "print datastore, directory, file and directory_and_file.\n"
            "\n"
            "options:\n"
            "  --json      one JSON object per line instead of text\n"
            "  -h, --help  show this help\n");
}

/* Print @s for a message: control characters as \xNN, the rest as is. */
static void print_quoted(FILE *f, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        if (c < 0x20 || c == 0x7f)
            fprintf(f, "\\x%02x", c);
        else
            fputc(c, f);
    }
}

static void print_error(const char *cmd, const vmx_error *err)
{
    char line[VMX_ERROR_SOURCE_MAX + VMX_ERROR_KEY_MAX + VMX_ERROR_MESSAGE_MAX + 64];

    vmx_error_format(line, sizeof(line), err);
    fprintf(stderr, "%s: %s: %s\n", cli_progname, cmd, line);
}

/* One line of input, with where it came from for messages. */
typedef int (*item_fn)(const char *item, const char *source, unsigned long line,
                       void *payload);

/* Run @fn on each argument, or on each line of stdin when the only argument
 * is "-". Returns the exit code. */
static int for_each_item(const char *cmd, int argc, char **argv, item_fn fn,
                         void *payload)
{
    vmx_error err = VMX_ERROR_INIT;
    char *data = NULL, *line, *end, *stop;
    unsigned long lineno = 0;
    int status = CLI_EXIT_OK, i;
    size_t len;

    if (!(argc == 1 && strcmp(argv[0], "-") == 0)) {
        for (i = 0; i < argc; i++)
            if (fn(argv[i], NULL, 0, payload) != 0)
                status = CLI_EXIT_FAIL;
        return status;
    }
    if (vmx_file_read(&data, &len, "-", 0, &err) < 0) {
        print_error(cmd, &err);
        return cli_exit_code(err.code);
    }
    stop = data + len;
    for (line = data; line < stop; line = end + 1) {
        end = memchr(line, '\n', (size_t)(stop - line));
        if (!end)
            end = stop;
        lineno++;
        if (memchr(line, '\0', (size_t)(end - line))) {
            fprintf(stderr, "%s: %s: <stdin>:%lu: line contains a NUL byte\n",
                    cli_progname, cmd, lineno);
            status = CLI_EXIT_FAIL;
            continue;
        }
        *end = '\0';
        if (end > line && end[-1] == '\r')
            end[-1] = '\0'; /* CRLF input */
        if (fn(line, "<stdin>", lineno, payload) != 0)
            status = CLI_EXIT_FAIL;
    }
    vmx_free(data);
    return status;
}

/* ---------- escape ---------- */

typedef struct escape_opts {
    int scheme; /* 0 percent, 1 pipe, 2 datastore */
    bool decode;
    bool strict;
} escape_opts;

static void warn_prefix(const char *item, const char *source, unsigned long line)
{
    fprintf(stderr, "%s: escape: ", cli_progname);
    if (source)
        fprintf(stderr, "%s:%lu: ", source, line);
    fputs("warning: '", stderr);
    print_quoted(stderr, item);
    fputs("': ", stderr);
}

static int escape_one(const char *item, const char *source, unsigned long line,
                      void *payload)
{
    const escape_opts *o = payload;
    unsigned int flags = o->strict ? VMX_UNESCAPE_STRICT : VMX_UNESCAPE_LENIENT;
    vmx_error err = VMX_ERROR_INIT;
    vmx_unescape_report rep;
    char *out = NULL;
    int rc;

    memset(&rep, 0, sizeof(rep));
    if (!o->decode)
        rc = o->scheme == 0   ? vmx_escape_percent(&out, item, &err)
             : o->scheme == 1 ? vmx_escape_pipe(&out, item, &err)
                              : vmx_escape_datastore_item(&out, item, &err);
    else
        rc = o->scheme == 0 ? vmx_unescape_percent(&out, item, flags, &rep, &err)
             : o->scheme == 1
                 ? vmx_unescape_pipe(&out, item, flags, &rep, &err)
                 : vmx_unescape_datastore_item(&out, item, flags, &rep, &err);
    if (rc < 0) {
        if (source) {
            snprintf(err.source, sizeof(err.source), "%s", source);
            err.line = line;
        }
        print_error("escape", &err);
        return -1;
    }
    printf("%s\n", out);
    vmx_free(out);
    if (rep.kept) {
        warn_prefix(item, source, line);
        fprintf(stderr, "kept %zu invalid escape%s literally (first at offset %zu)\n",
                rep.kept, rep.kept == 1 ? "" : "s", rep.first_kept);
    }
    if (rep.invalid_utf8) {
        warn_prefix(item, source, line);
        fputs("the result is not valid UTF-8\n", stderr);
    }
    if (rep.ambiguous) {
        warn_prefix(item, source, line);
        fprintf(stderr,
                "%zu '_' may stand for one of \"*<>:|? and cannot be restored "
                "(first at offset %zu)\n",
                rep.ambiguous, rep.first_ambiguous);
    }
    return 0;
}

int cmd_escape(int argc, char **argv)
{
    escape_opts o = {0, false, false};
    char **items;
    int i, n = 0, status;
    bool options_done = false;

    if (argc < 2)
        return cli_usage_error("escape", "missing scheme (percent, pipe or datastore)");
    if (cli_is_help(argv[1])) {
        escape_usage(stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(argv[1], "percent") == 0)
        o.scheme = 0;
    else if (strcmp(argv[1], "pipe") == 0)
        o.scheme = 1;
    else if (strcmp(argv[1], "datastore") == 0)
        o.scheme = 2;
    else
        return cli_usage_error(
            "escape", "unknown scheme '%s' (percent, pipe or datastore)", argv[1]);
    items = calloc((size_t)argc, sizeof(*items));
    if (!items) {
        fprintf(stderr, "%s: escape: out of memory\n", cli_progname);
        return CLI_EXIT_FAIL;
    }
    for (i = 2; i < argc; i++) {
        const char *a = argv[i];

        if (options_done || a[0] != '-' || strcmp(a, "-") == 0) {
            items[n++] = argv[i];
        } else if (strcmp(a, "--") == 0) {
            options_done = true;
        } else if (strcmp(a, "-d") == 0 || strcmp(a, "--decode") == 0) {
            o.decode = true;
        } else if (strcmp(a, "--strict") == 0) {
            o.strict = true;
        } else if (cli_is_help(a)) {
            free(items);
            escape_usage(stdout);
            return CLI_EXIT_OK;
        } else {
            free(items);
            return cli_usage_error("escape", "unknown option '%s'", a);
        }
    }
    if (n == 0) {
        free(items);
        return cli_usage_error("escape", "missing STRING");
    }
    if (n > 1)
        for (i = 0; i < n; i++)
            if (strcmp(items[i], "-") == 0) {
                free(items);
                return cli_usage_error("escape", "'-' must be the only STRING");
            }
    status = for_each_item("escape", n, items, escape_one, &o);
    free(items);
    return status;
}

/* ---------- datastore-path ---------- */

static void print_field(const char *name, const char *value, bool json, bool last)
{
    if (json) {
        printf("\"%s\": ", name);
        cli_json_string(stdout, value);
        fputs(last ? "}\n" : ", ", stdout);
    } else {
        printf("%s: %s\n", name, value);
    }
}

static int path_one(const char *item, const char *source, unsigned long line,
                    void *payload)
{
    bool json = *(const bool *)payload;
    static unsigned long printed;
    vmx_datastore_path p = VMX_DATASTORE_PATH_INIT;
    vmx_error err = VMX_ERROR_INIT;

    if (vmx_datastore_path_parse(&p, item, &err) < 0) {
        if (source) {
            snprintf(err.source, sizeof(err.source), "%s", source);
            err.line = line;
        }
        print_error("datastore-path", &err);
        vmx_datastore_path_dispose(&p);
        return -1;
    }
    if (json) {
        fputs("{\"path\": ", stdout);
        cli_json_string(stdout, item);
        fputs(", ", stdout);
    } else if (printed++ > 0) {
        fputc('\n', stdout);
    }
    print_field("datastore", p.datastore, json, false);
    print_field("directory", p.directory, json, false);
    print_field("file", p.file, json, false);
    print_field("directory_and_file", p.directory_and_file, json, true);
    vmx_datastore_path_dispose(&p);
    return 0;
}

int cmd_datastore_path(int argc, char **argv)
{
    bool json = false, options_done = false;
    char **items;
    int i, n = 0, status;

    items = calloc((size_t)argc + 1, sizeof(*items));
    if (!items) {
        fprintf(stderr, "%s: datastore-path: out of memory\n", cli_progname);
        return CLI_EXIT_FAIL;
    }
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];

        if (options_done || a[0] != '-' || strcmp(a, "-") == 0) {
            items[n++] = argv[i];
        } else if (strcmp(a, "--") == 0) {
            options_done = true;
        } else if (strcmp(a, "--json") == 0) {
            json = true;
        } else if (cli_is_help(a)) {
            free(items);
            datastore_path_usage(stdout);
            return CLI_EXIT_OK;
        } else {
            free(items);
            return cli_usage_error("datastore-path", "unknown option '%s'", a);
        }
    }
    if (n == 0) {
        free(items);
        return cli_usage_error("datastore-path", "missing PATH");
    }
    if (n > 1)
        for (i = 0; i < n; i++)
            if (strcmp(items[i], "-") == 0) {
                free(items);
                return cli_usage_error("datastore-path", "'-' must be the only PATH");
            }
    status = for_each_item("datastore-path", n, items, path_one, &json);
    free(items);
    return status;
}
