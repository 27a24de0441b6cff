/* vmxkit convert: one file from VMX to libvirt domain XML or back.
 *
 * The input is read whole, converted through the domain model, and the
 * result written to standard output or, atomically, to the -o file: when
 * anything fails no output file is created and an existing one is left as
 * it was. */
#include "config.h"
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static int usage(FILE *f)
{
    fprintf(
        f,
        "usage: vmxkit convert [-f vmx|xml|yaml] [-t xml|yaml|vmx] [-o OUT]\n"
        "                      [--hw-version N] [--datacenter-path P]\n"
        "                      [--datastore-map libvirt|none] [--lossless]\n"
        "                      [--strict] [--warnings] INPUT\n\n"
        "Convert between VMX, libvirt domain XML and YAML. VMX <-> XML is what\n"
        "libvirt's VMware driver does, byte for byte. INPUT '-' is standard input\n"
        "and needs -f. Formats come from the file extensions (.vmx, .xml,\n"
        ".yaml/.yml); without -t, VMX converts to XML and XML/YAML to VMX.\n\n"
        "  -f, --from FORMAT          input format (vmx, xml or yaml)\n"
        "  -t, --to FORMAT            output format (xml, yaml or vmx)\n"
        "  -o, --output OUT           write OUT atomically instead of standard output\n"
        "      --hw-version N         virtualHW.version of VMX output (default 4)\n"
        "      --datacenter-path P    add <vmware:datacenterpath>P</...> to XML output\n"
        "      --datastore-map MAP    file names: libvirt ('/vmfs/volumes/DS/f' <->\n"
        "                             '[DS] f', the default) or none (unchanged)\n"
        "      --lossless             keep what libvirt drops\n"
        "      --strict               refuse VMX files libvirt refuses, with its error\n"
        "      --warnings             list on stderr each VMX key that is not mapped\n"
        "  -h, --help                 show this help\n\n"
        "Exit status: 0 converted, 1 the input could not be converted, 2 usage\n"
        "error, 3 a file could not be read or written.\n");
    return f == stdout ? CLI_EXIT_OK : CLI_EXIT_USAGE;
}

/* --warnings: one line per VMX key the conversion does not map. */
static void warn_unmapped(const char *source, unsigned long line, const char *key,
                          const char *value, void *payload)
{
    (void)value;
    (void)payload;
    fprintf(stderr, "%s:%lu: warning: key not mapped [%s]\n", source ? source : "<stdin>",
            line, key);
}

/* Parse a -f/-t argument; returns VMX_FORMAT_UNKNOWN after a usage error. */
static vmx_format parse_format(const char *option, const char *arg)
{
    vmx_format fmt = vmx_format_from_name(arg);

    if (fmt == VMX_FORMAT_UNKNOWN)
        cli_usage_error("convert",
                        "unknown format '%s' for %s (expected vmx, xml or yaml)", arg,
                        option);
    return fmt;
}

int cmd_convert(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"from", required_argument, NULL, 'f'},
        {"to", required_argument, NULL, 't'},
        {"output", required_argument, NULL, 'o'},
        {"hw-version", required_argument, NULL, 'H'},
        {"datacenter-path", required_argument, NULL, 'D'},
        {"datastore-map", required_argument, NULL, 'M'},
        {"lossless", no_argument, NULL, 'L'},
        {"warnings", no_argument, NULL, 'W'},
        {"strict", no_argument, NULL, 'S'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    vmx_convert_options opts = VMX_CONVERT_OPTIONS_INIT;
    vmx_error err = VMX_ERROR_INIT;
    vmx_format from = VMX_FORMAT_UNKNOWN, to = VMX_FORMAT_UNKNOWN;
    const char *input, *output = NULL, *source;
    char *data = NULL, *result = NULL;
    size_t datalen = 0, resultlen = 0;
    int c, rc;

    opterr = 0; /* messages are ours, in the usual form */
    optind = 1;
    while ((c = getopt_long(argc, argv, ":f:t:o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if ((from = parse_format("-f", optarg)) == VMX_FORMAT_UNKNOWN)
                return CLI_EXIT_USAGE;
            break;
        case 't':
            if ((to = parse_format("-t", optarg)) == VMX_FORMAT_UNKNOWN)
                return CLI_EXIT_USAGE;
            break;
        case 'o':
            output = optarg;
            break;
        case 'H': {
            char *end;
            long v;

            errno = 0;
            v = strtol(optarg, &end, 10);
            if (errno || end == optarg || *end || v < 1 || v > 99)
                return cli_usage_error("convert", "invalid --hw-version '%s'", optarg);
            opts.hw_version = (int)v;
            break;
        }
        case 'D':
            opts.datacenter_path = optarg;
            break;
        case 'M':
            if (strcmp(optarg, "libvirt") == 0)
                opts.datastore_map = VMX_DATASTORE_MAP_LIBVIRT;
            else if (strcmp(optarg, "none") == 0)
                opts.datastore_map = VMX_DATASTORE_MAP_NONE;
            else
                return cli_usage_error("convert",
                                       "invalid --datastore-map '%s' (expected libvirt "
                                       "or none)",
                                       optarg);
            break;
        case 'L':
            opts.flags |= VMX_CONVERT_LOSSLESS;
            break;
        case 'W':
            opts.on_unmapped = warn_unmapped;
            break;
        case 'S':
            opts.flags |= VMX_CONVERT_STRICT;
            break;
        case 'h':
            return usage(stdout);
        case ':':
            return cli_usage_error("convert", "option '%s' needs an argument",
                                   argv[optind - 1]);
        default:
            if (optopt)
                return cli_usage_error("convert", "unknown option '-%c'", optopt);
            return cli_usage_error("convert", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return cli_usage_error("convert", "missing INPUT");
    if (optind + 1 < argc)
        return cli_usage_error("convert", "only one INPUT is accepted, got '%s' too",
                               argv[optind + 1]);
    input = argv[optind];
    if (from == VMX_FORMAT_UNKNOWN) {
        if (strcmp(input, "-") == 0)
            return cli_usage_error("convert",
                                   "reading standard input needs -f vmx|xml|yaml");
        from = vmx_format_from_path(input);
        if (from == VMX_FORMAT_UNKNOWN)
            return cli_usage_error("convert",
                                   "cannot tell the format of '%s' from its name: use -f "
                                   "vmx|xml|yaml",
                                   input);
    }
    if (to == VMX_FORMAT_UNKNOWN && output && strcmp(output, "-") != 0)
        to = vmx_format_from_path(output);
    if (to == VMX_FORMAT_UNKNOWN)
        to = from == VMX_FORMAT_VMX ? VMX_FORMAT_XML : VMX_FORMAT_VMX;

    source = strcmp(input, "-") == 0 ? "<stdin>" : input;
    if ((rc = vmx_file_read(&data, &datalen, input, 0, &err)) < 0 ||
        (rc = vmx_convert(&result, &resultlen, data, datalen, source, from, to, &opts,
                          &err)) < 0 ||
        (rc = vmx_file_write_atomic(output ? output : "-", result, resultlen, &err)) <
            0) {
        /* errors of the writers carry no file name: name the input */
        if (!err.source[0])
            snprintf(err.source, sizeof(err.source), "%s", source);
        if (!err.message[0])
            snprintf(err.message, sizeof(err.message), "%s to %s: %s",
                     vmx_format_extension(from), vmx_format_extension(to),
                     vmx_strerror(rc));
        cli_print_error(&err);
    }
    vmx_free(result);
    vmx_free(data);
    return cli_exit_code(rc);
}
