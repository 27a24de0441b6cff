/* The libxml2 error boundary (xml_errors.h). */
#include "config.h"
#include "xml_errors.h"

#include <libxml/globals.h>
#include <libxml/parser.h>
#include <stdio.h>
#include <string.h>

/* xmlGenericError: the few messages libxml2 prints without a structured
 * error (none on the paths vmxkit uses, but it must never print). */
static void quiet_generic(void *data, const char *msg, ...)
{
    (void)data;
    (void)msg;
}

static void keep_first(void *data, xmlError *xe)
{
    vmx_xml_errors *e = data;

    if (!e || e->set || !xe)
        return;
    e->set = true;
    e->level = xe->level;
    e->domain = xe->domain;
    e->code = xe->code;
    e->line = xe->line;
    snprintf(e->message, sizeof(e->message), "%s", xe->message ? xe->message : "");
}

void vmx__xml_errors_capture(vmx_xml_errors *e)
{
    memset(e, 0, sizeof(*e));
    xmlInitParser();
    e->generic = xmlGenericError;
    e->generic_ctx = xmlGenericErrorContext;
    e->structured = xmlStructuredError;
    e->structured_ctx = xmlStructuredErrorContext;
    xmlSetGenericErrorFunc(NULL, quiet_generic);
    xmlSetStructuredErrorFunc(e, keep_first);
}

void vmx__xml_errors_restore(vmx_xml_errors *e)
{
    xmlSetStructuredErrorFunc(e->structured_ctx, e->structured);
    xmlSetGenericErrorFunc(e->generic_ctx, e->generic);
}
