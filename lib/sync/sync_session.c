/* Sessions: URI -> connection, RetrieveServiceContent, Login (the session
 * cookie lives in curl's cookie engine), Logout. */
#include "config.h"
#include "sync_private.h"

#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "vmxkit/io.h"

int vmx_sync_global_init(void)
{
    xmlInitParser();
    return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : VMX_ENET;
}

void vmx_sync_global_cleanup(void)
{
    curl_global_cleanup();
}

const char *vmx_sync_api_type(const vmx_sync_session *s)
{
    return s ? s->api_type : "";
}

static int copy_moref(vmx__moref *out, const xmlNode *ret, const char *name,
                      bool required, vmx_error *err)
{
    const xmlNode *n = vmx__xml_child(ret, name);

    if (!n && !required) {
        memset(out, 0, sizeof(*out));
        return 0;
    }
    if (vmx__xml_moref(out, n) < 0)
        return vmx_error_set(err, VMX_EPARSE, NULL, 0, name,
                             "service content has no valid %s", name);
    return 0;
}

static int service_content(vmx_sync_session *s, vmx_error *err)
{
    static const vmx__moref si = {"ServiceInstance", "ServiceInstance"};
    xmlDoc *doc = NULL;
    xmlNode *resp = NULL, *ret, *about;
    int rc;

    if ((rc = vmx__soap_call(s, "RetrieveServiceContent", &si, NULL, &doc, &resp, err)) <
        0)
        goto out;
    ret = vmx__xml_child(resp, "returnval");
    if ((rc = copy_moref(&s->root_folder, ret, "rootFolder", true, err)) < 0 ||
        (rc = copy_moref(&s->property_collector, ret, "propertyCollector", true, err)) <
            0 ||
        (rc = copy_moref(&s->session_manager, ret, "sessionManager", true, err)) < 0 ||
        (rc = copy_moref(&s->search_index, ret, "searchIndex", true, err)) < 0 ||
        (rc = copy_moref(&s->file_manager, ret, "fileManager", false, err)) < 0 ||
        (rc = copy_moref(&s->view_manager, ret, "viewManager", false, err)) < 0)
        goto out;
    about = vmx__xml_child(ret, "about");
    snprintf(s->api_type, sizeof(s->api_type), "%s",
             vmx__xml_text(vmx__xml_child(about, "apiType")));
    snprintf(s->api_version, sizeof(s->api_version), "%s",
             vmx__xml_text(vmx__xml_child(about, "apiVersion")));
    if (strcmp(s->uri.scheme, "vpx") == 0 && strcmp(s->api_type, "VirtualCenter") != 0) {
        rc = vmx_error_set(err, VMX_EINVAL, NULL, 0, NULL,
                           "vpx:// expects a vCenter, but %s is a %s", s->uri.host,
                           s->api_type[0] ? s->api_type : "server of unknown type");
        goto out;
    }
    if (strcmp(s->uri.scheme, "esx") == 0 && strcmp(s->api_type, "HostAgent") != 0) {
        rc = vmx_error_set(err, VMX_EINVAL, NULL, 0, NULL,
                           "esx:// expects an ESX host, but %s is a %s (use vpx://)",
                           s->uri.host,
                           s->api_type[0] ? s->api_type : "server of unknown type");
        goto out;
    }
out:
    xmlFreeDoc(doc);
    return rc;
}

int vmx__session_login(vmx_sync_session *s, vmx_error *err)
{
    vmx_buf args = VMX_BUF_INIT;
    xmlDoc *doc = NULL;
    xmlNode *resp = NULL;
    vmx_error lerr = VMX_ERROR_INIT;
    int rc;

    vmx_buf_puts(&args, "<userName>");
    vmx__xml_put(&args, s->user);
    vmx_buf_puts(&args, "</userName><password>");
    vmx__xml_put(&args, s->password ? s->password : "");
    vmx_buf_puts(&args, "</password>");
    if (args.failed) {
        rc = vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
        goto out;
    }
    rc = vmx__soap_call(s, "Login", &s->session_manager, args.ptr, &doc, &resp, &lerr);
    if (rc == VMX_EFAULT) {
        rc =
            vmx_error_set(err, VMX_EFAULT, NULL, 0, NULL, "login as '%s' refused: %s: %s",
                          s->user, s->last_fault.type, s->last_fault.message);
        goto out;
    }
    if (rc < 0) {
        if (err && !err->code)
            *err = lerr;
        goto out;
    }
    s->logged_in = true;
out:
    /* the request held the password */
    if (args.ptr)
        memset(args.ptr, 0, args.cap);
    xmlFreeDoc(doc);
    vmx_buf_dispose(&args);
    return rc;
}

int vmx_sync_connect(vmx_sync_session **out, const char *uri,
                     const vmx_sync_options *opts, vmx_error *err)
{
    static const vmx_sync_options defaults = VMX_SYNC_OPTIONS_INIT;
    vmx_sync_session *s = NULL;
    const char *user;
    int rc;

    if (!out || !uri)
        return vmx_error_set(err, VMX_EINVAL, NULL, 0, NULL, "NULL argument");
    *out = NULL;
    if (!opts)
        opts = &defaults;
    if (opts->version != VMX_SYNC_OPTIONS_VERSION)
        return vmx_error_set(err, VMX_EINVAL, NULL, 0, NULL,
                             "unsupported vmx_sync_options version %u", opts->version);
    if (!(s = vmx__calloc(1, sizeof(*s))))
        return vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
    if ((rc = vmx__uri_parse(&s->uri, uri, err)) < 0)
        goto fail;
    user = s->uri.user ? s->uri.user : opts->user;
    if (!user || !*user) {
        rc = vmx_error_set(err, VMX_EINVAL, NULL, 0, NULL,
                           "no user name: put it in the URI (%s://user@%s/) or set "
                           "VMXKIT_USER",
                           s->uri.scheme, s->uri.host);
        goto fail;
    }
    if (!(s->user = vmx__strdup(user)) ||
        (opts->password && !(s->password = vmx__strdup(opts->password)))) {
        rc = vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
        goto fail;
    }
    s->connect_timeout_ms = opts->connect_timeout_ms;
    s->timeout_ms = opts->timeout_ms;
    s->deadline_ms = opts->timeout_ms > 0 ? vmx__now_ms() + opts->timeout_ms : 0;
    s->retries = opts->retries;
    s->trace = opts->trace;
    s->trace_payload = opts->trace_payload;
    if (opts->answers_file) {
        char *data = NULL;
        size_t len = 0;

        if ((rc = vmx_file_read(&data, &len, opts->answers_file, 1024 * 1024, err)) < 0)
            goto fail;
        rc = vmx__answers_parse(s, data, len, opts->answers_file, err);
        vmx_free(data);
        if (rc < 0)
            goto fail;
    }
    if ((rc = vmx__http_init(s, err)) < 0 || (rc = service_content(s, err)) < 0 ||
        (rc = vmx__session_login(s, err)) < 0)
        goto fail;
    *out = s;
    return 0;
fail:
    vmx_sync_session_free(s);
    return rc;
}

void vmx_sync_session_free(vmx_sync_session *s)
{
    size_t i;

    if (!s)
        return;
    if (s->logged_in && s->curl) {
        xmlDoc *doc = NULL;
        xmlNode *resp = NULL;

        /* best effort, and quick: the deadline may have passed already */
        s->logged_in = false;
        if (s->deadline_ms && vmx__remaining_ms(s) < 2000)
            s->deadline_ms = vmx__now_ms() + 2000;
        if (vmx__soap_call(s, "Logout", &s->session_manager, NULL, &doc, &resp, NULL) ==
            0)
            xmlFreeDoc(doc);
    }
    vmx__placement_free(s->placement);
    vmx__http_dispose(s);
    vmx__uri_dispose(&s->uri);
    vmx__free(s->user);
    if (s->password) {
        memset(s->password, 0, strlen(s->password));
        vmx__free(s->password);
    }
    for (i = 0; i < s->nanswers; i++) {
        vmx__free(s->answers[i].message_id);
        vmx__free(s->answers[i].choice);
    }
    vmx__free(s->answers);
    vmx__free(s);
}
