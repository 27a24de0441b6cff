/* vmxkit roundtrip: check that VMX or XML files survive a conversion and
 * back, and list what was lost, added or changed.
 *
 * The checks are the library's (vmx_roundtrip_check, vmxkit/roundtrip.h);
 * this command only prints their reports, as text lines or one JSON
 * document. */
#include "config.h"
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(
        f, "usage: vmxkit roundtrip [--json] [--lossless] [--both-modes] [--strict]\n"
           "                        [-f vmx|xml] [--hw-version N] [--datastore-map libvirt|none]\n"
           "                        FILE...\n\n"
           "Check that each file survives a conversion and back:\n"
           "  VMX: VMX -> XML -> VMX gives the same (key, value) pairs, and\n"
           "       VMX -> XML -> VMX -> XML gives the same XML;\n"
           "  XML: XML -> VMX -> XML gives the same XML.\n"
           "Each difference is one line:\n"
           "  FILE:LINE: lost key [KEY]\n"
           "  FILE: added key [KEY]: 'VALUE'\n"
           "  FILE:LINE: changed key [KEY]: 'BEFORE' -> 'AFTER'\n"
           "  FILE: not a fixpoint in MODE mode: line N changed: 'BEFORE' -> 'AFTER'\n"
           "Values are compared after decoding escapes, by the rules of\n"
           "doc/roundtrip.md. A clean file prints nothing.\n\n"
           "options:\n"
           "  --lossless             convert in lossless mode; without it, in the\n"
           "                         libvirt-compatible mode (shows what libvirt loses)\n"
           "  --both-modes           VMX: also check the fixpoint in the other mode\n"
           "  --strict               default mode: convert as libvirt does, refusing\n"
           "                         what it refuses (shows where libvirt itself\n"
           "                         fails to convert back)\n"
           "  --json                 print one JSON document: an array of reports\n"
           "  -f, --from FORMAT      read every FILE as vmx or xml (default: by\n"
           "                         extension, .xml is XML, anything else VMX)\n"
           "      --hw-version N     virtualHW.version of the VMX made from XML\n"
           "      --datastore-map MAP  libvirt (default) or none, as for convert\n"
           "  -h, --help             show this help\n\n"
           "A FILE of '-' is standard input. Exit status: 0 when every file\n"
           "round-trips cleanly, 1 when a file loses, adds or changes anything or\n"
           "does not convert, 2 for a bad command line, 3 when a file cannot be\n"
           "read.\n");
}

typedef struct rt_opts {
    bool json;
    vmx_format format;
    vmx_roundtrip_options ro;
} rt_opts;

static const char *mode_name(bool lossless)
{
    return lossless ? "lossless" : "default";
}

/* 'value' with the quotes; control characters shown as \n, \t, ... */
static void print_quoted(const char *s)
{
    putchar('\'');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '\n')
            fputs("\\n", stdout);
        else if (c == '\r')
            fputs("\\r", stdout);
        else if (c == '\t')
            fputs("\\t", stdout);
        else if (c < 0x20)
            printf("\\x%02x", c);
        else
            putchar(c);
    }
    putchar('\'');
}

static void print_prefix(const char *name, unsigned long line)
{
    if (line)
        printf("%s:%lu: ", name, line);
    else
        printf("%s: ", name);
}

static void print_text_finding(const char *name, const vmx_roundtrip_finding *f)
{
    if (f->kind == VMX_ROUNDTRIP_ERROR) {
        print_prefix(name, f->line);
        printf("%s mode: %s", mode_name(f->lossless), f->message);
        if (f->key)
            printf(" [%s]", f->key);
        putchar('\n');
        return;
    }
    if (f->check == VMX_ROUNDTRIP_KEYS) {
        print_prefix(name, f->line);
        printf("%s key [%s]", vmx_roundtrip_kind_name(f->kind), f->key);
        if (f->kind == VMX_ROUNDTRIP_ADDED) {
            fputs(": ", stdout);
            print_quoted(f->after);
        } else if (f->kind == VMX_ROUNDTRIP_CHANGED) {
            fputs(": ", stdout);
            print_quoted(f->before);
            fputs(" -> ", stdout);
            print_quoted(f->after);
        }
        putchar('\n');
        return;
    }
    printf("%s: not a fixpoint in %s mode: line %lu %s: ", name, mode_name(f->lossless),
           f->line, vmx_roundtrip_kind_name(f->kind));
    if (f->before)
        print_quoted(f->before);
    if (f->before && f->after)
        fputs(" -> ", stdout);
    if (f->after)
        print_quoted(f->after);
    putchar('\n');
}

static void json_string_or_null(const char *s)
{
    if (s)
        cli_json_string(stdout, s);
    else
        fputs("null", stdout);
}

static void print_json_finding(const vmx_roundtrip_finding *f, bool first)
{
    printf("%s\n      {\"check\": \"%s\", \"mode\": \"%s\", \"kind\": \"%s\", \"line\": "
           "%lu, "
           "\"key\": ",
           first ? "" : ",", vmx_roundtrip_check_name(f->check), mode_name(f->lossless),
           vmx_roundtrip_kind_name(f->kind), f->line);
    json_string_or_null(f->key);
    fputs(", \"before\": ", stdout);
    json_string_or_null(f->before);
    fputs(", \"after\": ", stdout);
    json_string_or_null(f->after);
    fputs(", \"message\": ", stdout);
    json_string_or_null(f->message);
    putchar('}');
}

/* "true", "false", or "null" for a check that was not run. */
static const char *check_state(const vmx_roundtrip *rt, vmx_roundtrip_check_id check,
                               bool lossless)
{
    if (!vmx_roundtrip_checked(rt, check, lossless))
        return "null";
    return vmx_roundtrip_passed(rt, check, lossless) ? "true" : "false";
}

static void print_json_report(const char *name, vmx_format fmt, const rt_opts *o,
                              const vmx_roundtrip *rt, int rc, const vmx_error *err,
                              bool first_file)
{
    bool lossless = (o->ro.flags & VMX_CONVERT_LOSSLESS) != 0;
    bool is_vmx = fmt == VMX_FORMAT_VMX;
    size_t i, n = vmx_roundtrip_count(rt);

    printf("%s\n  {\"file\": ", first_file ? "" : ",");
    cli_json_string(stdout, name);
    printf(", \"format\": \"%s\", \"mode\": \"%s\", \"converted\": %s, \"clean\": %s,\n"
           "    \"checks\": {\"keys\": %s, \"fixpoint_default\": %s, "
           "\"fixpoint_lossless\": %s},\n    \"error\": ",
           is_vmx ? "vmx" : "xml", mode_name(lossless), rt ? "true" : "false",
           rt && n == 0 ? "true" : "false", check_state(rt, VMX_ROUNDTRIP_KEYS, lossless),
           check_state(rt, VMX_ROUNDTRIP_FIXPOINT, false),
           check_state(rt, VMX_ROUNDTRIP_FIXPOINT, true));
    if (rc < 0) {
        printf("{\"line\": %lu, \"key\": ", err->line);
        json_string_or_null(err->key[0] ? err->key : NULL);
        fputs(", \"message\": ", stdout);
        cli_json_string(stdout, err->message);
        putchar('}');
    } else {
        fputs("null", stdout);
    }
    fputs(",\n    \"findings\": [", stdout);
    for (i = 0; i < n; i++)
        print_json_finding(vmx_roundtrip_get(rt, i), i == 0);
    printf("%s]}", n ? "\n    " : "");
}

/* Check one file; returns its exit status (0, 1 or 3). */
static int check_file(const char *path, const rt_opts *o, bool first_file)
{
    const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
    vmx_error err = VMX_ERROR_INIT;
    vmx_roundtrip *rt = NULL;
    vmx_format fmt = o->format;
    size_t i, n;
    int rc;

    if (fmt == VMX_FORMAT_UNKNOWN)
        fmt = vmx_format_from_path(path) == VMX_FORMAT_XML ? VMX_FORMAT_XML
                                                           : VMX_FORMAT_VMX;
    rc = vmx_roundtrip_check_file(&rt, path, fmt, &o->ro, &err);
    if (o->json) {
        print_json_report(name, fmt, o, rt, rc, &err, first_file);
    } else if (rc < 0) {
        cli_print_error(&err);
    } else {
        n = vmx_roundtrip_count(rt);
        for (i = 0; i < n; i++)
            print_text_finding(name, vmx_roundtrip_get(rt, i));
    }
    n = vmx_roundtrip_count(rt);
    vmx_roundtrip_free(rt);
    if (rc < 0)
        return cli_exit_code(rc);
    return n ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

/* "--name VALUE" or "--name=VALUE" (also "-f VALUE" for the short form). */
static bool opt_value(const char **value, int argc, char **argv, int *i, const char *name,
                      const char *short_name)
{
    size_t n = strlen(name);
    const char *a = argv[*i];

    if (strncmp(a, name, n) == 0 && a[n] == '=') {
        *value = a + n + 1;
        return true;
    }
    if (strcmp(a, name) == 0 || (short_name && strcmp(a, short_name) == 0)) {
        *value = *i + 1 < argc ? argv[++*i] : NULL;
        return true;
    }
    return false;
}

static bool is_file_arg(const char *a)
{
    return a[0] != '-' || a[1] == '\0';
}

/* Parse the options into @o and mark the FILE arguments in @is_file;
 * returns the number of files, or -1 after a usage error, -2 for --help. */
static int parse_args(rt_opts *o, bool *is_file, int argc, char **argv)
{
    bool dd = false;
    int i, nfiles = 0;

    for (i = 1; i < argc; i++) {
        const char *v = NULL;

        if (dd || is_file_arg(argv[i])) {
            is_file[i] = true;
            nfiles++;
        } else if (cli_is_help(argv[i])) {
            return -2;
        } else if (strcmp(argv[i], "--") == 0) {
            dd = true;
        } else if (strcmp(argv[i], "--json") == 0) {
            o->json = true;
        } else if (strcmp(argv[i], "--lossless") == 0) {
            o->ro.flags |= VMX_CONVERT_LOSSLESS;
        } else if (strcmp(argv[i], "--both-modes") == 0) {
            o->ro.flags |= VMX_ROUNDTRIP_BOTH_MODES;
        } else if (strcmp(argv[i], "--strict") == 0) {
            o->ro.flags |= VMX_CONVERT_STRICT;
        } else if (opt_value(&v, argc, argv, &i, "--from", "-f")) {
            if (!v)
                return cli_usage_error("roundtrip", "option '--from' needs a value"), -1;
            o->format = vmx_format_from_name(v);
            if (o->format != VMX_FORMAT_VMX && o->format != VMX_FORMAT_XML)
                return cli_usage_error("roundtrip",
                                       "unknown format '%s' for -f (expected vmx or xml)",
                                       v),
                       -1;
        } else if (opt_value(&v, argc, argv, &i, "--hw-version", NULL)) {
            char *end;
            long n;

            if (!v)
                return cli_usage_error("roundtrip",
                                       "option '--hw-version' needs a value"),
                       -1;
            errno = 0;
            n = strtol(v, &end, 10);
            if (errno || end == v || *end || n < 3 || n > 1000)
                return cli_usage_error("roundtrip", "invalid virtualHW.version '%s'", v),
                       -1;
            o->ro.hw_version = (int)n;
        } else if (opt_value(&v, argc, argv, &i, "--datastore-map", NULL)) {
            if (v && strcmp(v, "libvirt") == 0)
                o->ro.datastore_map = VMX_DATASTORE_MAP_LIBVIRT;
            else if (v && strcmp(v, "none") == 0)
                o->ro.datastore_map = VMX_DATASTORE_MAP_NONE;
            else
                return cli_usage_error("roundtrip",
                                       "unknown datastore map '%s' (expected libvirt or "
                                       "none)",
                                       v ? v : ""),
                       -1;
        } else {
            return cli_usage_error("roundtrip", "unknown option '%s'", argv[i]), -1;
        }
    }
    return nfiles;
}

int cmd_roundtrip(int argc, char **argv)
{
    vmx_roundtrip_options ro = VMX_ROUNDTRIP_OPTIONS_INIT;
    rt_opts o;
    bool *is_file;
    int i, nfiles, status = CLI_EXIT_OK;
    bool first = true;

    o.json = false;
    o.format = VMX_FORMAT_UNKNOWN;
    o.ro = ro;
    is_file = calloc((size_t)argc + 1, sizeof(*is_file));
    if (!is_file) {
        fprintf(stderr, "%s: out of memory\n", cli_progname);
        return CLI_EXIT_FAIL;
    }
    nfiles = parse_args(&o, is_file, argc, argv);
    if (nfiles == -2) {
        usage(stdout);
        free(is_file);
        return CLI_EXIT_OK;
    }
    if (nfiles < 0) {
        free(is_file);
        return CLI_EXIT_USAGE;
    }
    if (nfiles == 0) {
        free(is_file);
        return cli_usage_error("roundtrip", "no input file");
    }
    if (o.json)
        putchar('[');
    for (i = 1; i < argc; i++) {
        int st;

        if (!is_file[i])
            continue;
        st = check_file(argv[i], &o, first);
        first = false;
        /* a file that cannot be read outranks one that does not round-trip */
        if (st == CLI_EXIT_IO || (st == CLI_EXIT_FAIL && status == CLI_EXIT_OK))
            status = st;
    }
    if (o.json)
        printf("\n]\n");
    fflush(stdout);
    free(is_file);
    return status;
}
