/* vmxkit push URI [--datastore DS] [--folder PATH] [--name NAME] [--power-on]
 *                 [--dry-run] FILE... */
#include "config.h"
#include "cli.h"

#include <stdlib.h>
#include <string.h>

#include "vmxkit/sync.h"

static void push_usage(FILE *f)
{
    fprintf(
        f,
        "usage: vmxkit push URI [--datastore DS] [--folder PATH] [--name NAME]\n"
        "                  [--power-on] [--dry-run] [connection options] FILE...\n\n"
        "Put VM definitions (.vmx, or libvirt .xml / .yaml converted to VMX) on an ESX\n"
        "host or vCenter: upload and register a new VM, reconfigure an existing one\n"
        "with only the keys that differ, or leave it alone when nothing differs.\n\n"
        "  --datastore DS   datastore for new VMs (default: the host's first)\n"
        "  --folder PATH    VM folder below the datacenter's (e.g. prod/web)\n"
        "  --name NAME      VM name (default: displayName; one FILE only)\n"
        "  --power-on       power the VMs on afterwards\n"
        "  --dry-run        print the plan (create / update KEYS / unchanged) only\n\n"
        "Device keys (ethernetN.*, scsiN:N.*, ...) and other keys a host ignores in\n"
        "extraConfig are written into the VM's .vmx, which the host then reloads:\n"
        "the VM must be powered off (\"update NAME (reload): KEYS\").\n\n");
    fputs(cli_sync_options_help, f);
}

/* The definition as VMX bytes: .vmx as it is, XML and YAML converted with
 * the host's default virtual hardware version. */
static int load_vmx(char **out, size_t *len, vmx_sync_session *s, const char *path,
                    vmx_error *err)
{
    vmx_convert_options co = VMX_CONVERT_OPTIONS_INIT;
    vmx_format fmt = vmx_format_from_path(path);
    char *data = NULL;
    size_t n = 0;
    int rc;

    *out = NULL;
    if ((rc = vmx_file_read(&data, &n, path, 0, err)) < 0)
        return rc;
    if (fmt == VMX_FORMAT_XML || fmt == VMX_FORMAT_YAML) {
        if ((rc = vmx_sync_default_hw_version(&co.hw_version, s, err)) == 0)
            rc = vmx_convert(out, len, data, n, path, fmt, VMX_FORMAT_VMX, &co, err);
        vmx_free(data);
        return rc;
    }
    *out = data;
    *len = n;
    return 0;
}

static void print_result(const vmx_sync_push_result *r, bool dry_run)
{
    switch (r->action) {
    case VMX_SYNC_CREATE:
        printf("%s %s (%s)\n", dry_run ? "create" : "created", r->name,
               r->datastore_path);
        break;
    case VMX_SYNC_UPDATE:
        if (r->answered && !dry_run)
            printf("answered a pending question of %s; update not started (%s): push "
                   "again\n",
                   r->name, r->changed_keys);
        else
            printf("%s %s%s: %s\n", dry_run ? "update" : "updated", r->name,
                   r->reloaded ? " (reload)" : "", r->changed_keys);
        break;
    case VMX_SYNC_UNCHANGED:
        printf("unchanged %s\n", r->name);
        break;
    case VMX_SYNC_NONE:
        break;
    }
    if (r->powered_on)
        printf("powered on %s\n", r->name);
    else if (r->answered && r->action != VMX_SYNC_UPDATE)
        printf("answered a pending question of %s; power-on not started\n", r->name);
}

int cmd_push(int argc, char **argv)
{
    vmx_sync_push_options po = VMX_SYNC_PUSH_OPTIONS_INIT;
    vmx_sync_session *s = NULL;
    cli_sync c;
    const char *uri = NULL, **files = NULL;
    int nfiles = 0, i, status = CLI_EXIT_OK;

    cli_sync_init(&c);
    files = calloc((size_t)argc + 1, sizeof(*files));
    if (!files) {
        fprintf(stderr, "%s: out of memory\n", cli_progname);
        return CLI_EXIT_FAIL;
    }
    for (i = 1; i < argc; i++) {
        const char *v = NULL;
        int r;

        if (cli_is_help(argv[i])) {
            push_usage(stdout);
            goto out;
        }
        if ((r = cli_sync_option(&c, "push", argc, argv, &i)) != 0) {
            if (r < 0) {
                status = CLI_EXIT_USAGE;
                goto out;
            }
            continue;
        }
        if (strcmp(argv[i], "--power-on") == 0) {
            po.power_on = true;
        } else if (strcmp(argv[i], "--dry-run") == 0) {
            po.dry_run = true;
        } else if (cli_opt_value(&v, argc, argv, &i, "--datastore") ||
                   cli_opt_value(&v, argc, argv, &i, "--folder") ||
                   cli_opt_value(&v, argc, argv, &i, "--name")) {
            const char *opt = argv[i - (strchr(argv[i], '=') ? 0 : 1)];

            if (!v) {
                status = cli_usage_error("push", "%s needs a value", argv[i]);
                goto out;
            }
            if (strncmp(opt, "--datastore", 11) == 0)
                po.datastore = v;
            else if (strncmp(opt, "--folder", 8) == 0)
                po.folder = v;
            else
                po.name = v;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            status = cli_usage_error("push", "unknown option '%s'", argv[i]);
            goto out;
        } else if (!uri) {
            uri = argv[i];
        } else {
            files[nfiles++] = argv[i];
        }
    }
    if (!uri || nfiles == 0) {
        status = cli_usage_error("push", "needs a URI and at least one file");
        goto out;
    }
    if (po.name && nfiles > 1) {
        status = cli_usage_error("push", "--name takes one file only");
        goto out;
    }
    if ((status = cli_sync_connect(&s, &c, uri)) != CLI_EXIT_OK)
        goto out;
    for (i = 0; i < nfiles; i++) {
        vmx_sync_push_result r = VMX_SYNC_PUSH_RESULT_INIT;
        vmx_error err = VMX_ERROR_INIT;
        char *vmx = NULL;
        size_t len = 0;
        int rc;

        if ((rc = load_vmx(&vmx, &len, s, files[i], &err)) == 0)
            rc = vmx_sync_push(&r, s, vmx, len, files[i], &po, &err);
        if (rc < 0) {
            if (!err.source[0])
                snprintf(err.source, sizeof(err.source), "%s", files[i]);
            cli_print_error(&err);
            if (status == CLI_EXIT_OK)
                status = cli_exit_code(rc);
        } else {
            print_result(&r, po.dry_run);
        }
        fflush(stdout);
        vmx_free(vmx);
        vmx_sync_push_result_dispose(&r);
    }
out:
    if (s)
        cli_sync_disconnect(s);
    cli_sync_dispose(&c);
    free(files);
    return status;
}
