/* Where VMs live: the datacenter, VM folder, resource pool and host named by
 * the URI, and lookups of VMs by name or datastore path. */
#include "config.h"
#include "sync_private.h"

#include <string.h>

#include <libxml/tree.h>

static int get_moref_prop(vmx__moref *out, vmx_sync_session *s, const vmx__moref *obj,
                          const char *prop, bool first_of_list, vmx_error *err)
{
    const char *props[] = {prop, NULL};
    xmlDoc *doc = NULL;
    xmlNode *objects = NULL, *val;
    int rc;

    if ((rc = vmx__props_get(s, obj, props, &doc, &objects, err)) < 0)
        return rc;
    val = vmx__props_val(objects, prop);
    if (val && first_of_list) /* ArrayOfManagedObjectReference */
        val = vmx__xml_child(val, "ManagedObjectReference");
    if (!val || vmx__xml_moref(out, val) < 0)
        rc = vmx_error_set(err, VMX_EINVAL, NULL, 0, prop, "%s %s has no %s", obj->type,
                           obj->value, prop);
    xmlFreeDoc(doc);
    return rc;
}

/* The first child of @folder of type @type (or any compute resource). */
static int first_child(vmx__moref *out, bool *found, vmx_sync_session *s,
                       const vmx__moref *folder, const char *type, vmx_error *err)
{
    const char *props[] = {"childEntity", NULL};
    xmlDoc *doc = NULL;
    xmlNode *objects = NULL, *val, *c;
    int rc;

    *found = false;
    if ((rc = vmx__props_get(s, folder, props, &doc, &objects, err)) < 0)
        return rc;
    val = vmx__props_val(objects, "childEntity");
    for (c = vmx__xml_child(val, "ManagedObjectReference"); c;
         c = vmx__xml_next(c, "ManagedObjectReference")) {
        vmx__moref m;

        if (vmx__xml_moref(&m, c) < 0)
            continue;
        if (strcmp(m.type, type) == 0 ||
            (strcmp(type, "ComputeResource") == 0 &&
             strcmp(m.type, "ClusterComputeResource") == 0)) {
            *out = m;
            *found = true;
            break;
        }
    }
    xmlFreeDoc(doc);
    return 0;
}

static int get_name(char **out, vmx_sync_session *s, const vmx__moref *obj,
                    vmx_error *err)
{
    const char *props[] = {"name", NULL};
    xmlDoc *doc = NULL;
    xmlNode *objects = NULL;
    int rc;

    *out = NULL;
    if ((rc = vmx__props_get(s, obj, props, &doc, &objects, err)) < 0)
        return rc;
    *out = vmx__strdup(vmx__xml_text(vmx__props_val(objects, "name")));
    xmlFreeDoc(doc);
    return *out ? 0 : vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
}

/* Pool (and host) from a compute resource, cluster or host. */
static int from_compute(vmx__placement *p, vmx_sync_session *s, const vmx__moref *obj,
                        vmx_error *err)
{
    vmx__moref cr;
    int rc;

    if (strcmp(obj->type, "HostSystem") == 0) {
        p->host = *obj;
        p->have_host = true;
        if ((rc = get_moref_prop(&cr, s, obj, "parent", false, err)) < 0)
            return rc;
    } else if (strcmp(obj->type, "ComputeResource") == 0 ||
               strcmp(obj->type, "ClusterComputeResource") == 0) {
        cr = *obj;
        if (strcmp(obj->type, "ComputeResource") == 0 &&
            get_moref_prop(&p->host, s, obj, "host", true, NULL) == 0)
            p->have_host = true;
    } else {
        return vmx_error_set(err, VMX_EINVAL, NULL, 0, NULL,
                             "%s is a %s, not a host or cluster", obj->value, obj->type);
    }
    p->compute = cr;
    return get_moref_prop(&p->pool, s, &cr, "resourcePool", false, err);
}

static void placement_dispose(vmx__placement *p);

static int placement_resolve(vmx__placement *p, vmx_sync_session *s, vmx_error *err)
{
    vmx__moref host_folder, cr;
    bool found = false;
    int rc = 0;

    memset(p, 0, sizeof(*p));
    if (strcmp(s->uri.scheme, "vpx") != 0) {
        if ((rc = first_child(&p->datacenter, &found, s, &s->root_folder, "Datacenter",
                              err)) < 0)
            goto fail;
        if (!found) {
            rc = vmx_error_set(err, VMX_EINVAL, NULL, 0, NULL, "%s has no datacenter",
                               s->uri.host);
            goto fail;
        }
        if ((rc = get_name(&p->dc_path, s, &p->datacenter, err)) < 0 ||
            (rc = get_moref_prop(&host_folder, s, &p->datacenter, "hostFolder", false,
                                 err)) < 0 ||
            (rc = first_child(&cr, &found, s, &host_folder, "ComputeResource", err)) < 0)
            goto fail;
        if (!found) {
            rc = vmx_error_set(err, VMX_EINVAL, NULL, 0, NULL,
                               "%s has no compute resource", s->uri.host);
            goto fail;
        }
        if ((rc = from_compute(p, s, &cr, err)) < 0)
            goto fail;
    } else {
        /* the shortest prefix of the path that is a datacenter */
        const char *path = s->uri.path, *slash = path;
        vmx_buf b = VMX_BUF_INIT;

        for (;;) {
            vmx__moref m;
            size_t n;

            slash = strchr(slash, '/');
            n = slash ? (size_t)(slash - path) : strlen(path);
            vmx_buf_clear(&b);
            vmx_buf_put(&b, path, n);
            if (b.failed) {
                vmx_buf_dispose(&b);
                rc = vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
                goto fail;
            }
            if ((rc = vmx__find_by_path(&m, &found, s, b.ptr, err)) < 0) {
                vmx_buf_dispose(&b);
                goto fail;
            }
            if (found && strcmp(m.type, "Datacenter") == 0) {
                p->datacenter = m;
                p->dc_path = vmx_buf_detach(&b, NULL);
                break;
            }
            if (!slash) {
                vmx_buf_dispose(&b);
                rc = vmx_error_set(err, VMX_EINVAL, NULL, 0, NULL,
                                   "no datacenter in the URI path '%s'", path);
                goto fail;
            }
            slash++;
        }
        vmx_buf_dispose(&b);
        if (!slash || !*slash) {
            rc = vmx_error_set(
                err, VMX_EINVAL, NULL, 0, NULL,
                "the URI path '%s' names no host or cluster after datacenter "
                "'%s'",
                path, p->dc_path);
            goto fail;
        }
        vmx_buf_printf(&b, "%s/host/%s", p->dc_path, slash);
        if (b.failed) {
            vmx_buf_dispose(&b);
            rc = vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
            goto fail;
        }
        rc = vmx__find_by_path(&cr, &found, s, b.ptr, err);
        vmx_buf_dispose(&b);
        if (rc < 0)
            goto fail;
        if (!found) {
            rc = vmx_error_set(err, VMX_EINVAL, NULL, 0, NULL,
                               "no host or cluster '%s' in datacenter '%s'", slash,
                               p->dc_path);
            goto fail;
        }
        if ((rc = from_compute(p, s, &cr, err)) < 0)
            goto fail;
    }
    if ((rc = get_moref_prop(&p->vm_folder, s, &p->datacenter, "vmFolder", false, err)) <
        0)
        goto fail;
    return 0;
fail:
    placement_dispose(p);
    return rc;
}

int vmx__placement_get(const vmx__placement **out, vmx_sync_session *s, vmx_error *err)
{
    vmx__placement *p;
    int rc;

    *out = NULL;
    if (!s->placement) {
        if (!(p = vmx__calloc(1, sizeof(*p))))
            return vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
        if ((rc = placement_resolve(p, s, err)) < 0) {
            vmx__free(p);
            return rc;
        }
        s->placement = p;
    }
    *out = s->placement;
    return 0;
}

void vmx__placement_free(vmx__placement *p)
{
    placement_dispose(p);
    vmx__free(p);
}

int vmx__vm_lookup(vmx__moref *out, vmx_sync_session *s, const char *name, vmx_error *err)
{
    const vmx__placement *pl;
    bool found = false;
    int rc;

    if ((rc = vmx__placement_get(&pl, s, err)) < 0 ||
        (rc = vmx__vm_find(out, &found, NULL, s, pl, name, NULL, err)) < 0)
        return rc;
    if (!found)
        return vmx_error_set(err, VMX_EINVAL, NULL, 0, NULL,
                             "no virtual machine '%s' in datacenter '%s'", name,
                             pl->dc_path);
    return 0;
}

static void placement_dispose(vmx__placement *p)
{
    if (!p)
        return;
    vmx__free(p->dc_path);
    memset(p, 0, sizeof(*p));
}

int vmx__vm_find(vmx__moref *out, bool *found, char **vmx_path, vmx_sync_session *s,
                 const vmx__placement *pl, const char *name, const char *path,
                 vmx_error *err)
{
    vmx_buf args = VMX_BUF_INIT;
    xmlDoc *doc = NULL;
    xmlNode *resp = NULL, *ret, *obj;
    vmx__moref view;
    int rc;

    *found = false;
    if (vmx_path)
        *vmx_path = NULL;
    vmx_buf_puts(&args, "<container type=\"Folder\">");
    vmx__xml_put(&args, pl->vm_folder.value);
    vmx_buf_puts(&args,
                 "</container><type>VirtualMachine</type><recursive>true</recursive>");
    if (args.failed)
        goto nomem;
    if ((rc = vmx__soap_call(s, "CreateContainerView", &s->view_manager, args.ptr, &doc,
                             &resp, err)) < 0)
        goto out;
    if (vmx__xml_moref(&view, vmx__xml_child(resp, "returnval")) < 0) {
        rc = vmx_error_set(err, VMX_EPARSE, NULL, 0, "CreateContainerView",
                           "invalid view reference in the answer");
        goto out;
    }
    xmlFreeDoc(doc);
    doc = NULL;
    vmx_buf_clear(&args);
    vmx_buf_puts(&args,
                 "<specSet><propSet><type>VirtualMachine</type><pathSet>name</pathSet>"
                 "<pathSet>config.files.vmPathName</pathSet></propSet>"
                 "<objectSet><obj type=\"ContainerView\">");
    vmx__xml_put(&args, view.value);
    vmx_buf_puts(&args, "</obj><skip>true</skip><selectSet xsi:type=\"TraversalSpec\">"
                        "<name>view</name><type>ContainerView</type><path>view</path>"
                        "<skip>false</skip></selectSet></objectSet></specSet>"
                        "<options></options>");
    if (args.failed)
        goto nomem;
    rc = vmx__soap_call(s, "RetrievePropertiesEx", &s->property_collector, args.ptr, &doc,
                        &resp, err);
    if (rc == 0) {
        for (ret = vmx__xml_child(resp, "returnval"); ret && !*found;
             ret = vmx__xml_next(ret, "returnval")) {
            for (obj = vmx__xml_child(ret, "objects"); obj;
                 obj = vmx__xml_next(obj, "objects")) {
                const char *n = vmx__xml_text(vmx__props_val(obj, "name"));
                const char *p =
                    vmx__xml_text(vmx__props_val(obj, "config.files.vmPathName"));

                if ((name && strcmp(n, name) == 0) || (path && strcmp(p, path) == 0)) {
                    if (vmx__xml_moref(out, vmx__xml_child(obj, "obj")) < 0)
                        continue;
                    *found = true;
                    if (vmx_path && !(*vmx_path = vmx__strdup(p)))
                        rc = vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL,
                                           "out of memory");
                    break;
                }
            }
        }
    }
    {
        xmlDoc *d2 = NULL;
        xmlNode *r2 = NULL;

        if (vmx__soap_call(s, "DestroyView", &view, NULL, &d2, &r2, NULL) == 0)
            xmlFreeDoc(d2);
    }
    goto out;
nomem:
    rc = vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
out:
    xmlFreeDoc(doc);
    vmx_buf_dispose(&args);
    return rc;
}

/* "vmx-19" -> 19 */
static int parse_hw_key(int *out, const char *key)
{
    long long n;

    if (strncmp(key, "vmx-", 4) != 0 || vmx__parse_llong(&n, key + 4) < 0 || n < 3 ||
        n > 999)
        return VMX_EPARSE;
    *out = (int)n;
    return 0;
}

/* QueryConfigOptionDescriptor: the key of the descriptor flagged
 * defaultConfigOption; *out stays 0 when none is (hosts before 6.7). */
static int flagged_default(int *out, vmx_sync_session *s, const vmx__moref *browser,
                           vmx_error *err)
{
    xmlDoc *doc = NULL;
    xmlNode *resp = NULL, *ret;
    int rc;

    *out = 0;
    if ((rc = vmx__soap_call(s, "QueryConfigOptionDescriptor", browser, NULL, &doc, &resp,
                             err)) < 0)
        return rc;
    for (ret = vmx__xml_child(resp, "returnval"); ret;
         ret = vmx__xml_next(ret, "returnval")) {
        const char *key = vmx__xml_text(vmx__xml_child(ret, "key"));

        if (strcmp(vmx__xml_text(vmx__xml_child(ret, "defaultConfigOption")), "true") !=
            0)
            continue;
        if (parse_hw_key(out, key) < 0)
            rc = vmx_error_set(err, VMX_EPARSE, NULL, 0, "QueryConfigOptionDescriptor",
                               "unreadable hardware version '%s' in the answer", key);
        break;
    }
    xmlFreeDoc(doc);
    return rc;
}

int vmx_sync_default_hw_version(int *out, vmx_sync_session *s, vmx_error *err)
{
    const vmx__placement *pl;
    vmx__moref browser;
    xmlDoc *doc = NULL;
    xmlNode *resp = NULL;
    const char *version;
    int rc, hw = 0;

    if (!out || !s)
        return vmx_error_set(err, VMX_EINVAL, NULL, 0, NULL, "NULL argument");
    *out = 0;
    if (s->default_hw_version) {
        *out = s->default_hw_version;
        return 0;
    }
    if ((rc = vmx__placement_get(&pl, s, err)) < 0 ||
        (rc = get_moref_prop(&browser, s, &pl->compute, "environmentBrowser", false,
                             err)) < 0 ||
        (rc = flagged_default(&hw, s, &browser, err)) < 0)
        return rc;
    if (!hw) {
        /* no descriptor flagged: the default config option's version */
        if ((rc = vmx__soap_call(s, "QueryConfigOption", &browser, NULL, &doc, &resp,
                                 err)) < 0)
            return rc;
        version =
            vmx__xml_text(vmx__xml_child(vmx__xml_child(resp, "returnval"), "version"));
        if (parse_hw_key(&hw, version) < 0)
            rc = vmx_error_set(err, VMX_EPARSE, NULL, 0, "QueryConfigOption",
                               "unreadable hardware version '%s' in the answer", version);
        xmlFreeDoc(doc);
        if (rc < 0)
            return rc;
    }
    s->default_hw_version = hw;
    *out = hw;
    return 0;
}
