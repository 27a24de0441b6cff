/* vmxkit power on|off|reset|suspend URI NAME...
 * vmxkit unregister URI NAME... */
#include "config.h"
#include "cli.h"

#include <stdlib.h>
#include <string.h>

#include "vmxkit/sync.h"

static void power_usage(FILE *f)
{
    fprintf(
        f,
        "usage: vmxkit power on|off|reset|suspend URI [connection options] NAME...\n\n"
        "Run a power operation on each named VM and wait for it. A pending question\n"
        "is answered instead (auto_answer=1 or --answers) and the operation not\n"
        "started, or reported; pending tasks are reported and nothing is started.\n\n");
    fputs(cli_sync_options_help, f);
}

static void unregister_usage(FILE *f)
{
    fprintf(
        f,
        "usage: vmxkit unregister URI [connection options] NAME...\n\n"
        "Remove each named VM from the inventory; its files stay on the datastore.\n\n");
    fputs(cli_sync_options_help, f);
}

/* Parse "[op] URI NAME..." with connection options anywhere. */
static int parse(cli_sync *c, const char *cmd, int argc, char **argv, int first,
                 const char **uri, const char **names, int *nnames, void (*usage)(FILE *))
{
    int i, r;

    for (i = first; i < argc; i++) {
        if (cli_is_help(argv[i])) {
            usage(stdout);
            return -1;
        }
        if ((r = cli_sync_option(c, cmd, argc, argv, &i)) != 0) {
            if (r < 0)
                return CLI_EXIT_USAGE;
            continue;
        }
        if (argv[i][0] == '-' && argv[i][1] != '\0')
            return cli_usage_error(cmd, "unknown option '%s'", argv[i]);
        if (!*uri)
            *uri = argv[i];
        else
            names[(*nnames)++] = argv[i];
    }
    if (!*uri || *nnames == 0)
        return cli_usage_error(cmd, "needs a URI and at least one VM name");
    return 0;
}

static int run(const char *cmd, int argc, char **argv, int first, vmx_sync_power_op op,
               const char *done, bool unregister, void (*usage)(FILE *))
{
    vmx_sync_session *s = NULL;
    const char *uri = NULL, **names;
    int nnames = 0, i, status;
    cli_sync c;

    cli_sync_init(&c);
    names = calloc((size_t)argc + 1, sizeof(*names));
    if (!names) {
        fprintf(stderr, "%s: out of memory\n", cli_progname);
        return CLI_EXIT_FAIL;
    }
    status = parse(&c, cmd, argc, argv, first, &uri, names, &nnames, usage);
    if (status != 0) {
        status = status < 0 ? CLI_EXIT_OK : status;
        goto out;
    }
    if ((status = cli_sync_connect(&s, &c, uri)) != CLI_EXIT_OK)
        goto out;
    for (i = 0; i < nnames; i++) {
        vmx_error err = VMX_ERROR_INIT;
        bool answered = false;
        int rc;

        if (unregister)
            rc = vmx_sync_unregister(s, names[i], &err);
        else
            rc = vmx_sync_power(s, names[i], op, &answered, &err);
        if (rc < 0) {
            cli_print_error(&err);
            if (status == CLI_EXIT_OK)
                status = cli_exit_code(rc);
        } else if (answered) {
            printf("answered the pending question of %s; %s not started\n", names[i],
                   argv[0]);
        } else {
            printf("%s %s\n", done, names[i]);
        }
        fflush(stdout);
    }
out:
    if (s)
        cli_sync_disconnect(s);
    cli_sync_dispose(&c);
    free(names);
    return status;
}

int cmd_power(int argc, char **argv)
{
    static const struct {
        const char *name, *done;
        vmx_sync_power_op op;
    } ops[] = {{"on", "powered on", VMX_SYNC_POWER_ON},
               {"off", "powered off", VMX_SYNC_POWER_OFF},
               {"reset", "reset", VMX_SYNC_POWER_RESET},
               {"suspend", "suspended", VMX_SYNC_POWER_SUSPEND}};
    size_t k;

    if (argc < 2 || cli_is_help(argv[1])) {
        power_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
    }
    for (k = 0; k < sizeof(ops) / sizeof(ops[0]); k++)
        if (strcmp(argv[1], ops[k].name) == 0)
            return run("power", argc - 1, argv + 1, 1, ops[k].op, ops[k].done, false,
                       power_usage);
    return cli_usage_error("power", "unknown operation '%s' (on, off, reset or suspend)",
                           argv[1]);
}

int cmd_unregister(int argc, char **argv)
{
    return run("unregister", argc, argv, 1, VMX_SYNC_POWER_ON, "unregistered", true,
               unregister_usage);
}
