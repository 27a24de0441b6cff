/* SOAP on libxml2: request envelopes, response parsing with namespaces
 * resolved (servers send `XMLSchema-instance:type` with a local declaration
 * as readily as `xsi:type`), fault translation, trace redaction, and the call
 * wrapper that logs in again once on NotAuthenticated. */
#include "config.h"
#include "sync_private.h"
#include "xml_errors.h"

#include <string.h>

#include <libxml/parser.h>

int vmx__xml_put(vmx_buf *b, const char *s)
{
    return vmx_buf_put_xml_escaped(b, s, 0);
}

int vmx__soap_envelope(vmx_buf *b, const char *method, const vmx__moref *this_ref,
                       const char *args)
{
    vmx_buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    "<soapenv:Envelope xmlns:soapenv=\"" VMX__SOAP_NS "\" "
                    "xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" "
                    "xmlns:xsi=\"" VMX__XSI_NS "\">"
                    "<soapenv:Body>");
    vmx_buf_printf(b, "<%s xmlns=\"" VMX__VIM_NS "\"><_this type=\"", method);
    vmx_buf_put_xml_escaped(b, this_ref->type, 1);
    vmx_buf_puts(b, "\">");
    vmx__xml_put(b, this_ref->value);
    vmx_buf_puts(b, "</_this>");
    if (args)
        vmx_buf_puts(b, args);
    vmx_buf_printf(b, "</%s></soapenv:Body></soapenv:Envelope>", method);
    return b->failed ? VMX_ENOMEM : 0;
}

static bool is_elem(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

xmlNode *vmx__xml_child(const xmlNode *n, const char *name)
{
    xmlNode *c;

    if (!n)
        return NULL;
    for (c = n->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && (!name || is_elem(c, name)))
            return c;
    return NULL;
}

xmlNode *vmx__xml_next(const xmlNode *n, const char *name)
{
    xmlNode *c;

    if (!n)
        return NULL;
    for (c = n->next; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && (!name || is_elem(c, name)))
            return c;
    return NULL;
}

const char *vmx__xml_text(const xmlNode *n)
{
    const xmlNode *c;

    if (!n)
        return "";
    for (c = n->children; c; c = c->next)
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
            return (const char *)c->content;
    return "";
}

const char *vmx__xml_xsi_type(const xmlNode *n)
{
    const xmlAttr *a;

    if (!n)
        return NULL;
    for (a = n->properties; a; a = a->next) {
        const char *v, *colon;

        if (!a->ns || !a->ns->href ||
            strcmp((const char *)a->ns->href, VMX__XSI_NS) != 0 ||
            strcmp((const char *)a->name, "type") != 0)
            continue;
        v = a->children && a->children->content ? (const char *)a->children->content : "";
        colon = strchr(v, ':');
        return colon ? colon + 1 : v;
    }
    return NULL;
}

int vmx__xml_moref(vmx__moref *out, const xmlNode *n)
{
    xmlChar *type;
    const char *v = vmx__xml_text(n);
    size_t tl;

    memset(out, 0, sizeof(*out));
    if (!n)
        return VMX_EPARSE;
    type = xmlGetNoNsProp(n, (const xmlChar *)"type");
    if (!type)
        return VMX_EPARSE;
    tl = strlen((const char *)type);
    if (tl >= sizeof(out->type) || strlen(v) >= sizeof(out->value) || !*v) {
        xmlFree(type);
        return VMX_EPARSE;
    }
    memcpy(out->type, type, tl + 1);
    memcpy(out->value, v, strlen(v) + 1);
    xmlFree(type);
    return 0;
}

static void copy_trunc(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src);

    if (n >= size)
        n = size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* The fault type from <detail>: the xsi:type of its child, else the child's
 * name without the "Fault" suffix. */
static void fault_type(char *out, size_t size, const xmlNode *detail)
{
    const xmlNode *d = vmx__xml_child(detail, NULL);
    const char *t = vmx__xml_xsi_type(d);
    size_t n;

    out[0] = '\0';
    if (!d)
        return;
    if (t && *t) {
        copy_trunc(out, size, t);
        return;
    }
    copy_trunc(out, size, (const char *)d->name);
    n = strlen(out);
    if (n > 5 && strcmp(out + n - 5, "Fault") == 0)
        out[n - 5] = '\0';
}

int vmx__soap_parse(xmlDoc **docp, xmlNode **resp, vmx__fault *fault, const char *buf,
                    size_t len, vmx_error *err)
{
    xmlDoc *doc;
    xmlNode *root, *body, *first;
    vmx_xml_errors xe;
    int rc = 0;

    *docp = NULL;
    *resp = NULL;
    memset(fault, 0, sizeof(*fault));
    if (len > (size_t)INT32_MAX)
        return vmx_error_set(err, VMX_ELIMIT, NULL, 0, NULL, "SOAP answer too large");
    /* nothing libxml2 reports (encoding conversion included) reaches
     * stderr: the first error is kept for the message */
    vmx__xml_errors_capture(&xe);
    doc = xmlReadMemory(buf, (int)len, "response.xml", NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    vmx__xml_errors_restore(&xe);
    if (!doc) {
        size_t n = strlen(xe.message);

        while (n > 0 && (xe.message[n - 1] == '\n' || xe.message[n - 1] == ' '))
            xe.message[--n] = '\0';
        return vmx_error_set(err, VMX_EPARSE, "response.xml",
                             xe.set ? (unsigned long)xe.line : 0, NULL,
                             "unreadable SOAP answer: %s", n ? xe.message : "not XML");
    }
    root = xmlDocGetRootElement(doc);
    if (!is_elem(root, "Envelope") || !root->ns ||
        strcmp((const char *)root->ns->href, VMX__SOAP_NS) != 0 ||
        !(body = vmx__xml_child(root, "Body"))) {
        rc = vmx_error_set(err, VMX_EPARSE, NULL, 0, NULL,
                           "answer is not a SOAP envelope");
        goto fail;
    }
    first = vmx__xml_child(body, NULL);
    if (!first) {
        rc = vmx_error_set(err, VMX_EPARSE, NULL, 0, NULL, "empty SOAP body");
        goto fail;
    }
    if (is_elem(first, "Fault")) {
        char *s;
        size_t n;

        fault_type(fault->type, sizeof(fault->type), vmx__xml_child(first, "detail"));
        copy_trunc(fault->message, sizeof(fault->message),
                   vmx__xml_text(vmx__xml_child(first, "faultstring")));
        /* keep messages on one line */
        for (s = fault->message; *s; s++)
            if (*s == '\n' || *s == '\r')
                *s = ' ';
        n = strlen(fault->message);
        while (n > 0 && (fault->message[n - 1] == ' ' || fault->message[n - 1] == '.'))
            fault->message[--n] = '\0';
        if (!fault->type[0])
            copy_trunc(fault->type, sizeof(fault->type), "SystemError");
        *docp = doc;
        *resp = first;
        return VMX_EFAULT;
    }
    *docp = doc;
    *resp = first;
    return 0;
fail:
    xmlFreeDoc(doc);
    return rc;
}

/* Copy @buf to @out with the text between each @open and the next @close
 * replaced by ***. */
static int redact_between(vmx_buf *out, const char *buf, size_t len, const char *open,
                          const char *close)
{
    const char *p = buf, *end = buf + len;
    size_t ol = strlen(open), cl = strlen(close);

    while (p < end) {
        const char *o = memmem(p, (size_t)(end - p), open, ol);
        const char *c;

        if (!o) {
            vmx_buf_put(out, p, (size_t)(end - p));
            break;
        }
        o += ol;
        vmx_buf_put(out, p, (size_t)(o - p));
        c = memmem(o, (size_t)(end - o), close, cl);
        vmx_buf_puts(out, "***");
        if (!c)
            break;
        p = c;
    }
    return out->failed ? VMX_ENOMEM : 0;
}

/* What a trace hides: the password of a Login, the session key of its
 * answer (servers may use it as the cookie's value: the simulator does),
 * and the session id in the references of session-scoped objects
 * ("session[id]view-id", as vCenter and the simulator name views and
 * filters). */
int vmx__soap_redact(vmx_buf *out, const char *buf, size_t len)
{
    vmx_buf a = VMX_BUF_INIT, b = VMX_BUF_INIT;
    int rc;

    if ((rc = redact_between(&a, buf, len, "<password>", "</password>")) == 0 &&
        (rc = redact_between(&b, a.ptr ? a.ptr : "", a.len, "session[", "]")) == 0) {
        if (memmem(b.ptr ? b.ptr : "", b.len, "<LoginResponse", 14))
            rc = redact_between(out, b.ptr, b.len, "<key>", "</key>");
        else
            rc = vmx_buf_put(out, b.ptr ? b.ptr : "", b.len) < 0 ? VMX_ENOMEM : 0;
    }
    vmx_buf_dispose(&a);
    vmx_buf_dispose(&b);
    return rc;
}

static void trace(vmx_sync_session *s, const char *dir, const char *buf, size_t len)
{
    vmx_buf red = VMX_BUF_INIT;

    if (!s->trace)
        return;
    if (vmx__soap_redact(&red, buf, len) == 0)
        s->trace(dir, red.ptr ? red.ptr : "", red.len, s->trace_payload);
    vmx_buf_dispose(&red);
}

/* One exchange without the re-login. */
static int call_once(vmx_sync_session *s, const char *method, const vmx__moref *this_ref,
                     const char *args, xmlDoc **doc, xmlNode **resp, vmx_error *err)
{
    vmx_buf req = VMX_BUF_INIT, res = VMX_BUF_INIT;
    vmx_error perr = VMX_ERROR_INIT;
    long status = 0;
    int rc;

    *doc = NULL;
    *resp = NULL;
    memset(&s->last_fault, 0, sizeof(s->last_fault));
    if (vmx__soap_envelope(&req, method, this_ref, args) < 0) {
        rc = vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
        goto out;
    }
    trace(s, "request", req.ptr, req.len);
    if ((rc = vmx__http_request(s, "POST", "/sdk", "text/xml; charset=utf-8", req.ptr,
                                req.len, &status, &res, err)) < 0)
        goto out;
    trace(s, "response", res.ptr ? res.ptr : "", res.len);
    rc = vmx__soap_parse(doc, resp, &s->last_fault, res.ptr ? res.ptr : "", res.len,
                         &perr);
    if (rc == VMX_EFAULT) {
        rc = vmx_error_set(err, VMX_EFAULT, NULL, 0, method, "%s: %s: %s", method,
                           s->last_fault.type, s->last_fault.message);
        goto out;
    }
    if (rc < 0) {
        if (status != 200)
            rc =
                vmx_error_set(err, VMX_ENET, NULL, 0, method,
                              "%s: HTTP status %ld from %s", method, status, s->uri.host);
        else
            rc = vmx_error_set(err, perr.code, NULL, 0, method, "%s: %s", method,
                               perr.message);
        goto out;
    }
    if (status != 200) {
        rc = vmx_error_set(err, VMX_ENET, NULL, 0, method, "%s: HTTP status %ld from %s",
                           method, status, s->uri.host);
        goto out;
    }
out:
    if (rc < 0 && rc != VMX_EFAULT) {
        xmlFreeDoc(*doc);
        *doc = NULL;
        *resp = NULL;
    }
    vmx_buf_dispose(&req);
    vmx_buf_dispose(&res);
    return rc;
}

int vmx__soap_call(vmx_sync_session *s, const char *method, const vmx__moref *this_ref,
                   const char *args, xmlDoc **doc, xmlNode **resp, vmx_error *err)
{
    vmx_error first = VMX_ERROR_INIT;
    bool relogin;
    int rc;

    rc = call_once(s, method, this_ref, args, doc, resp, &first);
    relogin =
        s->logged_in &&
        ((rc == VMX_EFAULT && strcmp(s->last_fault.type, "NotAuthenticated") == 0) ||
         (rc == 0 && strcmp(method, "RetrievePropertiesEx") == 0 &&
          vmx__props_not_authenticated(*resp)));
    if (!relogin) {
        if (rc == VMX_EFAULT) {
            xmlFreeDoc(*doc);
            *doc = NULL;
            *resp = NULL;
        }
        if (rc < 0 && err && !err->code)
            *err = first;
        return rc;
    }
    /* The session expired: log in again, once. */
    xmlFreeDoc(*doc);
    *doc = NULL;
    *resp = NULL;
    s->logged_in = false;
    if ((rc = vmx__session_login(s, err)) < 0)
        return rc;
    vmx_error_clear(&first);
    rc = call_once(s, method, this_ref, args, doc, resp, &first);
    if (rc == 0 && strcmp(method, "RetrievePropertiesEx") == 0 &&
        vmx__props_not_authenticated(*resp)) {
        xmlFreeDoc(*doc);
        *doc = NULL;
        *resp = NULL;
        return vmx_error_set(err, VMX_EFAULT, NULL, 0, method,
                             "%s: NotAuthenticated again right after logging in again "
                             "as '%s': the server drops the session",
                             method, s->user);
    }
    if (rc == VMX_EFAULT) {
        xmlFreeDoc(*doc);
        *doc = NULL;
        *resp = NULL;
        if (strcmp(s->last_fault.type, "NotAuthenticated") == 0) {
            /* no second re-login: that could loop */
            return vmx_error_set(err, VMX_EFAULT, NULL, 0, method,
                                 "%s: NotAuthenticated again right after logging in "
                                 "again as '%s': the server drops the session",
                                 method, s->user);
        }
    }
    if (rc < 0 && err && !err->code)
        *err = first;
    return rc;
}
