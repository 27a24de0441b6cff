/* Reading object properties (RetrievePropertiesEx) and inventory lookups. */
#include "config.h"
#include "sync_private.h"

#include <string.h>

bool vmx__props_not_authenticated(const xmlNode *resp)
{
    const xmlNode *ret, *obj, *ms;

    for (ret = vmx__xml_child(resp, "returnval"); ret;
         ret = vmx__xml_next(ret, "returnval"))
        for (obj = vmx__xml_child(ret, "objects"); obj;
             obj = vmx__xml_next(obj, "objects"))
            for (ms = vmx__xml_child(obj, "missingSet"); ms;
                 ms = vmx__xml_next(ms, "missingSet")) {
                const xmlNode *f = vmx__xml_child(vmx__xml_child(ms, "fault"), "fault");
                const char *t = vmx__xml_xsi_type(f);

                if (t && strcmp(t, "NotAuthenticated") == 0)
                    return true;
            }
    return false;
}

int vmx__props_get(vmx_sync_session *s, const vmx__moref *obj, const char *const *props,
                   xmlDoc **doc, xmlNode **objects, vmx_error *err)
{
    vmx_buf args = VMX_BUF_INIT;
    xmlNode *resp = NULL;
    int rc;

    *doc = NULL;
    *objects = NULL;
    vmx_buf_puts(&args, "<specSet><propSet><type>");
    vmx__xml_put(&args, obj->type);
    vmx_buf_puts(&args, "</type>");
    for (; *props; props++) {
        vmx_buf_puts(&args, "<pathSet>");
        vmx__xml_put(&args, *props);
        vmx_buf_puts(&args, "</pathSet>");
    }
    vmx_buf_puts(&args, "</propSet><objectSet><obj type=\"");
    vmx_buf_put_xml_escaped(&args, obj->type, 1);
    vmx_buf_puts(&args, "\">");
    vmx__xml_put(&args, obj->value);
    vmx_buf_puts(&args,
                 "</obj><skip>false</skip></objectSet></specSet><options></options>");
    if (args.failed) {
        rc = vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
        goto out;
    }
    if ((rc = vmx__soap_call(s, "RetrievePropertiesEx", &s->property_collector, args.ptr,
                             doc, &resp, err)) < 0)
        goto out;
    if (vmx__props_not_authenticated(resp)) {
        rc = vmx_error_set(
            err, VMX_EFAULT, NULL, 0, NULL,
            "RetrievePropertiesEx: NotAuthenticated: session not authenticated");
        goto out;
    }
    *objects = vmx__xml_child(vmx__xml_child(resp, "returnval"), "objects");
    if (!*objects) {
        rc = vmx_error_set(err, VMX_EINVAL, NULL, 0, NULL, "object %s %s not found",
                           obj->type, obj->value);
        goto out;
    }
out:
    if (rc < 0) {
        xmlFreeDoc(*doc);
        *doc = NULL;
        *objects = NULL;
    }
    vmx_buf_dispose(&args);
    return rc;
}

xmlNode *vmx__props_val(const xmlNode *objects, const char *name)
{
    xmlNode *ps;

    for (ps = vmx__xml_child(objects, "propSet"); ps; ps = vmx__xml_next(ps, "propSet"))
        if (strcmp(vmx__xml_text(vmx__xml_child(ps, "name")), name) == 0)
            return vmx__xml_child(ps, "val");
    return NULL;
}

int vmx__find_by_path(vmx__moref *out, bool *found, vmx_sync_session *s, const char *path,
                      vmx_error *err)
{
    vmx_buf args = VMX_BUF_INIT;
    xmlDoc *doc = NULL;
    xmlNode *resp = NULL, *ret;
    int rc;

    *found = false;
    memset(out, 0, sizeof(*out));
    vmx_buf_puts(&args, "<inventoryPath>");
    vmx__xml_put(&args, path);
    vmx_buf_puts(&args, "</inventoryPath>");
    if (args.failed) {
        rc = vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
        goto out;
    }
    if ((rc = vmx__soap_call(s, "FindByInventoryPath", &s->search_index, args.ptr, &doc,
                             &resp, err)) < 0)
        goto out;
    ret = vmx__xml_child(resp, "returnval");
    if (ret) {
        if (vmx__xml_moref(out, ret) < 0) {
            rc = vmx_error_set(err, VMX_EPARSE, NULL, 0, "FindByInventoryPath",
                               "invalid object reference in the answer");
            goto out;
        }
        *found = true;
    }
out:
    xmlFreeDoc(doc);
    vmx_buf_dispose(&args);
    return rc;
}
