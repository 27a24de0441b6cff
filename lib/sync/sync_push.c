/* vmx_sync_push: upload + RegisterVM_Task for a new VM, ReconfigVM_Task with
 * only the differing keys for an existing one (the merged file written back
 * and Reload when keys a host ignores in extraConfig differ), nothing when
 * nothing differs; and vmx_sync_download over /folder. */
#include "config.h"
#include "sync_private.h"

#include <string.h>

#include <libxml/tree.h>

#include "vmxkit/escape.h"
#include "vmxkit/io.h"

void vmx_sync_push_result_dispose(vmx_sync_push_result *r)
{
    if (!r)
        return;
    vmx__free(r->name);
    vmx__free(r->datastore_path);
    vmx__free(r->changed_keys);
    r->name = r->datastore_path = r->changed_keys = NULL;
    r->action = VMX_SYNC_NONE;
    r->powered_on = r->answered = r->reloaded = false;
}

/* "[ds] dir/file" -> ds, "dir/file" */
static int split_ds_path(char **ds, char **rel, const char *path, vmx_error *err)
{
    const char *close;

    *ds = *rel = NULL;
    if (path[0] != '[' || !(close = strchr(path, ']')))
        return vmx_error_set(err, VMX_EINVAL, NULL, 0, NULL,
                             "'%s' is not a datastore path ([datastore] directory/file)",
                             path);
    *ds = vmx__strndup(path + 1, (size_t)(close - path - 1));
    close++;
    while (*close == ' ')
        close++;
    *rel = vmx__strdup(close);
    if (!*ds || !*rel) {
        vmx__free(*ds);
        vmx__free(*rel);
        *ds = *rel = NULL;
        return vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
    }
    return 0;
}

/* /folder/<rel>?dcPath=<dc>&dsName=<ds> */
static int folder_url(vmx_buf *b, const char *dc, const char *ds, const char *rel)
{
    vmx_buf_puts(b, "/folder/");
    vmx__url_escape(b, rel, true);
    vmx_buf_puts(b, "?dcPath=");
    vmx__url_escape(b, dc, false);
    vmx_buf_puts(b, "&dsName=");
    vmx__url_escape(b, ds, false);
    return b->failed ? VMX_ENOMEM : 0;
}

static int folder_transfer(vmx_sync_session *s, const char *method, const char *dc,
                           const char *dspath, const char *data, size_t len,
                           vmx_buf *resp, vmx_error *err)
{
    vmx_buf url = VMX_BUF_INIT;
    char *ds = NULL, *rel = NULL;
    long status = 0;
    int rc;

    if ((rc = split_ds_path(&ds, &rel, dspath, err)) < 0)
        goto out;
    if (folder_url(&url, dc, ds, rel) < 0) {
        rc = vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
        goto out;
    }
    if ((rc = vmx__http_request(s, method, url.ptr,
                                data ? "application/octet-stream" : NULL, data, len,
                                &status, resp, err)) < 0)
        goto out;
    if (status < 200 || status > 299)
        rc = vmx_error_set(err, VMX_EIO, NULL, 0, NULL, "%s %s: HTTP status %ld",
                           strcmp(method, "GET") == 0 ? "download of" : "upload to",
                           dspath, status);
out:
    vmx__free(ds);
    vmx__free(rel);
    vmx_buf_dispose(&url);
    return rc;
}

int vmx_sync_download(char **out, size_t *len, vmx_sync_session *s, const char *dspath,
                      vmx_error *err)
{
    const vmx__placement *pl;
    vmx_buf resp = VMX_BUF_INIT;
    int rc;

    *out = NULL;
    if (len)
        *len = 0;
    if ((rc = vmx__placement_get(&pl, s, err)) < 0 ||
        (rc = folder_transfer(s, "GET", pl->dc_path, dspath, NULL, 0, &resp, err)) < 0) {
        vmx_buf_dispose(&resp);
        return rc;
    }
    *out = vmx_buf_detach(&resp, len);
    return *out ? 0 : vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
}

static int run_task(vmx_sync_session *s, const char *method, const vmx__moref *this_ref,
                    const char *args, const vmx__moref *vm, const char *name,
                    const char *what, vmx_error *err)
{
    xmlDoc *doc = NULL;
    xmlNode *resp = NULL;
    vmx__moref task;
    int rc;

    if ((rc = vmx__soap_call(s, method, this_ref, args, &doc, &resp, err)) < 0)
        goto out;
    if (vmx__xml_moref(&task, vmx__xml_child(resp, "returnval")) < 0) {
        rc = vmx_error_set(err, VMX_EPARSE, NULL, 0, method, "invalid task reference");
        goto out;
    }
    rc = vmx__task_wait(s, &task, vm, name, what, err);
out:
    xmlFreeDoc(doc);
    return rc;
}

/* ReconfigVM_Task with @spec, waited for. */
static int reconfigure(vmx_sync_session *s, const vmx__moref *vm, const char *name,
                       const char *spec, vmx_error *err)
{
    vmx_buf what = VMX_BUF_INIT;
    int rc;

    vmx_buf_printf(&what, "reconfigure '%s'", name);
    if (what.failed)
        rc = vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
    else
        rc = run_task(s, "ReconfigVM_Task", vm, spec, vm, name, what.ptr, err);
    vmx_buf_dispose(&what);
    return rc;
}

static int first_datastore(char **out, vmx_sync_session *s, const vmx__placement *pl,
                           vmx_error *err)
{
    const char *props[] = {"datastore", NULL}, *nprops[] = {"name", NULL};
    const vmx__moref *from = pl->have_host ? &pl->host : &pl->datacenter;
    xmlDoc *doc = NULL, *ndoc = NULL;
    xmlNode *objects = NULL, *nobj = NULL;
    vmx__moref ds;
    int rc;

    *out = NULL;
    if ((rc = vmx__props_get(s, from, props, &doc, &objects, err)) < 0)
        return rc;
    if (vmx__xml_moref(&ds, vmx__xml_child(vmx__props_val(objects, "datastore"),
                                           "ManagedObjectReference")) < 0) {
        rc = vmx_error_set(err, VMX_EINVAL, NULL, 0, NULL, "%s has no datastore",
                           from->value);
        goto out;
    }
    if ((rc = vmx__props_get(s, &ds, nprops, &ndoc, &nobj, err)) < 0)
        goto out;
    if (!(*out = vmx__strdup(vmx__xml_text(vmx__props_val(nobj, "name")))))
        rc = vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
out:
    xmlFreeDoc(doc);
    xmlFreeDoc(ndoc);
    return rc;
}

/* Keys that a reconfiguration does not carry. */
static bool skip_key(const char *key)
{
    return vmx__strcasecmp(key, ".encoding") == 0 ||
           vmx__strcasecmp(key, "config.version") == 0;
}

static int unpipe(char **out, const char *raw, vmx_error *err)
{
    return vmx_unescape_pipe(out, raw, VMX_UNESCAPE_LENIENT, NULL, err);
}

/* VirtualMachineConfigSpec with the changed keys: the few with typed
 * fields go there, the rest into extraConfig (in the schema's order).
 * @typed gets a spec with the typed fields only, @reload the changed keys a
 * host ignores in extraConfig (vmx__kv_needs_reload). */
static int build_spec(vmx_buf *a, vmx_buf *typed_spec, const vmx__kvlist *want,
                      const vmx__kvlist *have, vmx_buf *changed, vmx_buf *reload,
                      vmx_error *err)
{
    static const struct {
        const char *key, *field;
        bool numeric;
    } typed[] = {{"displayName", "name", false},
                 {"guestOS", "guestId", false},
                 {"annotation", "annotation", false},
                 {"numvcpus", "numCPUs", true},
                 {"memsize", "memoryMB", true}};
    size_t i, t;
    int rc = 0;

    vmx_buf_puts(a, "<spec>");
    vmx_buf_puts(typed_spec, "<spec>");
    for (t = 0; t < VMX_ARRAY_SIZE(typed); t++) {
        const char *v = vmx__kv_get(want, typed[t].key),
                   *h = vmx__kv_get(have, typed[t].key);
        char *plain = NULL;

        if (!v || (h && strcmp(v, h) == 0))
            continue;
        if (typed[t].numeric) {
            long long n;

            if (vmx__parse_llong(&n, v) < 0 || n <= 0)
                return vmx_error_set(err, VMX_EPARSE, NULL, 0, typed[t].key,
                                     "%s must be a positive number, not '%s'",
                                     typed[t].key, v);
        }
        if ((rc = unpipe(&plain, v, err)) < 0)
            return rc;
        vmx_buf_printf(a, "<%s>", typed[t].field);
        vmx__xml_put(a, plain);
        vmx_buf_printf(a, "</%s>", typed[t].field);
        vmx_buf_printf(typed_spec, "<%s>", typed[t].field);
        vmx__xml_put(typed_spec, plain);
        vmx_buf_printf(typed_spec, "</%s>", typed[t].field);
        vmx_buf_printf(changed, "%s%s", changed->len ? "," : "", typed[t].key);
        vmx_free(plain);
    }
    for (i = 0; i < want->n; i++) {
        const char *k = want->items[i].key, *v = want->items[i].value;
        const char *h = vmx__kv_get(have, k);
        char *plain = NULL;
        bool is_typed = false;

        for (t = 0; t < VMX_ARRAY_SIZE(typed); t++)
            if (vmx__strcasecmp(k, typed[t].key) == 0)
                is_typed = true;
        if (is_typed || skip_key(k) || (h && strcmp(v, h) == 0))
            continue;
        if (vmx__strcasecmp(k, "virtualHW.version") == 0)
            return vmx_error_set(
                err, VMX_EUNSUPPORTED, NULL, 0, k,
                "virtualHW.version differs (host %s, definition %s): push "
                "does not upgrade virtual hardware",
                h ? h : "unset", v);
        if ((rc = unpipe(&plain, v, err)) < 0)
            return rc;
        vmx_buf_puts(a, "<extraConfig><key>");
        vmx__xml_put(a, k);
        vmx_buf_puts(a, "</key><value xsi:type=\"xsd:string\">");
        vmx__xml_put(a, plain);
        vmx_buf_puts(a, "</value></extraConfig>");
        vmx_buf_printf(changed, "%s%s", changed->len ? "," : "", k);
        if (vmx__kv_needs_reload(k))
            vmx_buf_printf(reload, "%s%s", reload->len ? "," : "", k);
        vmx_free(plain);
    }
    vmx_buf_puts(a, "</spec>");
    vmx_buf_puts(typed_spec, "</spec>");
    return a->failed || typed_spec->failed || changed->failed || reload->failed
               ? vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory")
               : 0;
}

static int delete_file(vmx_sync_session *s, const vmx__placement *pl, const char *dspath,
                       vmx_error *err)
{
    vmx_buf a = VMX_BUF_INIT;
    int rc;

    vmx_buf_puts(&a, "<name>");
    vmx__xml_put(&a, dspath);
    vmx_buf_puts(&a, "</name><datacenter type=\"Datacenter\">");
    vmx__xml_put(&a, pl->datacenter.value);
    vmx_buf_puts(&a, "</datacenter>");
    if (a.failed)
        rc = vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
    else
        rc = run_task(s, "DeleteDatastoreFile_Task", &s->file_manager, a.ptr, NULL, NULL,
                      "delete", err);
    vmx_buf_dispose(&a);
    return rc;
}

static int create_vm(vmx_sync_session *s, const vmx__placement *pl,
                     const vmx__moref *folder, const char *dspath, const char *name,
                     const char *vmx, size_t len, vmx_error *err)
{
    vmx_buf a = VMX_BUF_INIT, what = VMX_BUF_INIT, resp = VMX_BUF_INIT;
    vmx_error rerr = VMX_ERROR_INIT, derr = VMX_ERROR_INIT;
    int rc;

    if ((rc = folder_transfer(s, "PUT", pl->dc_path, dspath, vmx, len, &resp, err)) < 0)
        goto out;
    vmx_buf_puts(&a, "<path>");
    vmx__xml_put(&a, dspath);
    vmx_buf_puts(&a, "</path><name>");
    vmx__xml_put(&a, name);
    vmx_buf_puts(&a, "</name><asTemplate>false</asTemplate><pool type=\"ResourcePool\">");
    vmx__xml_put(&a, pl->pool.value);
    vmx_buf_puts(&a, "</pool>");
    if (pl->have_host) {
        vmx_buf_puts(&a, "<host type=\"HostSystem\">");
        vmx__xml_put(&a, pl->host.value);
        vmx_buf_puts(&a, "</host>");
    }
    vmx_buf_printf(&what, "register '%s'", name);
    if (a.failed || what.failed) {
        rc = vmx_error_set(&rerr, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
    } else {
        rc = run_task(s, "RegisterVM_Task", folder, a.ptr, NULL, name, what.ptr, &rerr);
    }
    if (rc < 0) {
        /* leave no litter: remove what was uploaded */
        if (delete_file(s, pl, dspath, &derr) == 0)
            vmx_error_set(err, rerr.code, NULL, 0, rerr.key,
                          "%s (after the upload; the uploaded %s was removed)",
                          rerr.message, dspath);
        else
            vmx_error_set(
                err, rerr.code, NULL, 0, rerr.key,
                "%s (after the upload; removing the uploaded %s did not work: %s)",
                rerr.message, dspath, derr.message);
    }
out:
    vmx_buf_dispose(&a);
    vmx_buf_dispose(&what);
    vmx_buf_dispose(&resp);
    return rc;
}

/* runtime.powerState of @vm ("poweredOff", "poweredOn", "suspended"). */
static int power_state(char *out, size_t size, vmx_sync_session *s, const vmx__moref *vm,
                       vmx_error *err)
{
    const char *props[] = {"runtime.powerState", NULL};
    xmlDoc *doc = NULL;
    xmlNode *objects = NULL;
    int rc;

    if ((rc = vmx__props_get(s, vm, props, &doc, &objects, err)) < 0)
        return rc;
    snprintf(out, size, "%s",
             vmx__xml_text(vmx__props_val(objects, "runtime.powerState")));
    xmlFreeDoc(doc);
    return 0;
}

/* An update with keys a host takes only from the file: the host's VMX with
 * the definition's keys applied goes back over /folder, Reload makes the
 * host read it again, then the typed fields go through ReconfigVM_Task as
 * in any update (the VM's name is the inventory's, which a reload of the
 * file does not rename; the others are written again with the same value). */
static int reload_vm(vmx_sync_session *s, const vmx__placement *pl, const vmx__moref *vm,
                     const char *name, const char *dspath, const char *remote,
                     size_t remote_len, const vmx__kvlist *want, const char *typed_spec,
                     vmx_error *err)
{
    vmx_buf merged = VMX_BUF_INIT, resp = VMX_BUF_INIT;
    vmx_error rerr = VMX_ERROR_INIT;
    xmlDoc *doc = NULL;
    xmlNode *r = NULL;
    int rc;

    if ((rc = vmx__kv_merge(&merged, remote, remote_len, want, skip_key, err)) < 0 ||
        (rc = folder_transfer(s, "PUT", pl->dc_path, dspath, merged.ptr, merged.len,
                              &resp, err)) < 0)
        goto out;
    if ((rc = vmx__soap_call(s, "Reload", vm, "", &doc, &r, &rerr)) < 0) {
        rc = vmx_error_set(err, rc, NULL, 0, rerr.key,
                           "reload of '%s': %s (after the upload: %s holds the new "
                           "definition, which the host has not read yet)",
                           name, rerr.message, dspath);
        goto out;
    }
    if (strcmp(typed_spec, "<spec></spec>") != 0)
        rc = reconfigure(s, vm, name, typed_spec, err);
out:
    xmlFreeDoc(doc);
    vmx_buf_dispose(&merged);
    vmx_buf_dispose(&resp);
    return rc;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');

    return slash ? slash + 1 : path;
}

int vmx_sync_push(vmx_sync_push_result *out, vmx_sync_session *s, const char *vmx,
                  size_t len, const char *source, const vmx_sync_push_options *opts,
                  vmx_error *err)
{
    static const vmx_sync_push_options defaults = VMX_SYNC_PUSH_OPTIONS_INIT;
    const vmx__placement *pl;
    vmx__kvlist want = {0}, have = {0};
    vmx_buf path = VMX_BUF_INIT, a = VMX_BUF_INIT, changed = VMX_BUF_INIT,
            typed = VMX_BUF_INIT, reload = VMX_BUF_INIT;
    char *name = NULL, *ds = NULL, *dir = NULL, *remote_path = NULL, *remote = NULL;
    size_t remote_len = 0;
    vmx__moref vm, folder;
    bool found = false;
    int rc;

    if (!out || !s || (!vmx && len))
        return vmx_error_set(err, VMX_EINVAL, NULL, 0, NULL, "NULL argument");
    if (!opts)
        opts = &defaults;
    if (opts->version != VMX_SYNC_PUSH_OPTIONS_VERSION)
        return vmx_error_set(err, VMX_EINVAL, NULL, 0, NULL,
                             "unsupported vmx_sync_push_options version %u",
                             opts->version);
    vmx_sync_push_result_dispose(out);
    if (len > VMX__MAX_VMX)
        return vmx_error_set(err, VMX_ELIMIT, source, 0, NULL,
                             "definition larger than 4 MiB");
    if ((rc = vmx__kv_parse(&want, vmx, len, source, err)) < 0)
        goto out;

    /* the name: option, displayName, or the file name */
    if (opts->name) {
        name = vmx__strdup(opts->name);
    } else if (vmx__kv_get(&want, "displayName")) {
        if ((rc = unpipe(&name, vmx__kv_get(&want, "displayName"), err)) < 0)
            goto out;
    } else if (source) {
        const char *b = base_name(source);
        size_t n = strlen(b);

        if (vmx__str_has_suffix_ci(b, ".vmx"))
            n -= 4;
        name = vmx__strndup(b, n);
    }
    if (!name) {
        rc = vmx_error_set(err, VMX_EINVAL, source, 0, "displayName",
                           "the definition has no displayName: give the VM a name");
        goto out;
    }
    if (!*name) {
        rc = vmx_error_set(err, VMX_EINVAL, source, 0, "displayName", "empty VM name");
        goto out;
    }

    if ((rc = vmx__placement_get(&pl, s, err)) < 0)
        goto out;
    folder = pl->vm_folder;
    if (opts->folder && *opts->folder) {
        bool ffound;

        vmx_buf_printf(&a, "%s/vm/%s", pl->dc_path, opts->folder);
        if (a.failed) {
            rc = vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
            goto out;
        }
        if ((rc = vmx__find_by_path(&folder, &ffound, s, a.ptr, err)) < 0)
            goto out;
        if (!ffound || strcmp(folder.type, "Folder") != 0) {
            rc = vmx_error_set(err, VMX_EINVAL, NULL, 0, NULL,
                               "no VM folder '%s' in datacenter '%s'", opts->folder,
                               pl->dc_path);
            goto out;
        }
        vmx_buf_clear(&a);
    }
    if (opts->datastore)
        ds = vmx__strdup(opts->datastore);
    else if ((rc = first_datastore(&ds, s, pl, err)) < 0)
        goto out;
    if (!ds) {
        rc = vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
        goto out;
    }
    /* "[ds] <escaped name>/<escaped name>.vmx", as libvirt names them */
    if ((rc = vmx_escape_datastore_item(&dir, name, err)) < 0)
        goto out;
    vmx_buf_printf(&path, "[%s] %s/%s.vmx", ds, dir, dir);
    if (path.failed) {
        rc = vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
        goto out;
    }

    if ((rc = vmx__vm_find(&vm, &found, &remote_path, s, pl, name, path.ptr, err)) < 0)
        goto out;
    out->name = vmx__strdup(name);
    out->datastore_path = vmx__strdup(found && remote_path ? remote_path : path.ptr);
    if (!out->name || !out->datastore_path) {
        rc = vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
        goto out;
    }

    if (!found) {
        out->action = VMX_SYNC_CREATE;
        if (opts->dry_run)
            goto out;
        if ((rc = create_vm(s, pl, &folder, path.ptr, name, vmx, len, err)) < 0)
            goto out;
        if ((rc = vmx__vm_find(&vm, &found, NULL, s, pl, name, NULL, err)) < 0)
            goto out;
        if (!found) {
            rc = vmx_error_set(err, VMX_EFAULT, NULL, 0, NULL,
                               "registered '%s' but cannot find it in the inventory",
                               name);
            goto out;
        }
    } else {
        vmx_error derr = VMX_ERROR_INIT;

        if ((rc = vmx_sync_download(&remote, &remote_len, s, out->datastore_path,
                                    &derr)) < 0) {
            rc = vmx_error_set(err, rc, NULL, 0, NULL, "read back of the existing VM: %s",
                               derr.message);
            goto out;
        }
        if ((rc = vmx__kv_parse(&have, remote, remote_len, out->datastore_path, err)) < 0)
            goto out;
        if ((rc = build_spec(&a, &typed, &want, &have, &changed, &reload, err)) < 0)
            goto out;
        if (changed.len == 0) {
            out->action = VMX_SYNC_UNCHANGED;
        } else {
            out->action = VMX_SYNC_UPDATE;
            if (!(out->changed_keys = vmx__strdup(changed.ptr))) {
                rc = vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
                goto out;
            }
            if (reload.len) {
                /* a dry run says so too: the plan could not be carried out */
                char state[32];

                if ((rc = power_state(state, sizeof(state), s, &vm, err)) < 0)
                    goto out;
                if (strcmp(state, "poweredOff") != 0) {
                    rc = vmx_error_set(
                        err, VMX_EINVAL, NULL, 0, NULL,
                        "'%s' is %s: %s change only in the .vmx file of a powered-off "
                        "VM (a host ignores them in extraConfig); power it off and push "
                        "again (nothing was changed)",
                        name, state, reload.ptr);
                    goto out;
                }
            }
            if (opts->dry_run) {
                out->reloaded = reload.len > 0;
                goto out;
            }
            if ((rc = vmx__task_precheck(s, &vm, name, err)) < 0)
                goto out;
            if (rc == 1) {
                /* the question policy: answered, nothing started */
                out->answered = true;
                rc = 0;
                goto out;
            }
            if (reload.len) {
                if ((rc = reload_vm(s, pl, &vm, name, out->datastore_path, remote,
                                    remote_len, &want, typed.ptr, err)) < 0)
                    goto out;
                out->reloaded = true;
            } else if ((rc = reconfigure(s, &vm, name, a.ptr, err)) < 0) {
                goto out;
            }
        }
    }
    if (opts->power_on && !opts->dry_run) {
        const char *props[] = {"runtime.powerState", NULL};
        xmlDoc *doc = NULL;
        xmlNode *objects = NULL;
        bool on;

        if ((rc = vmx__props_get(s, &vm, props, &doc, &objects, err)) < 0)
            goto out;
        on = strcmp(vmx__xml_text(vmx__props_val(objects, "runtime.powerState")),
                    "poweredOn") == 0;
        xmlFreeDoc(doc);
        if (!on) {
            if ((rc = vmx__power(s, &vm, name, VMX_SYNC_POWER_ON, &out->answered, err)) <
                0)
                goto out;
            out->powered_on = !out->answered;
        }
    }
out:
    vmx__kv_dispose(&want);
    vmx__kv_dispose(&have);
    vmx_buf_dispose(&path);
    vmx_buf_dispose(&a);
    vmx_buf_dispose(&changed);
    vmx_buf_dispose(&typed);
    vmx_buf_dispose(&reload);
    vmx__free(name);
    vmx__free(ds);
    vmx_free(dir);
    vmx__free(remote_path);
    vmx_free(remote);
    return rc;
}
