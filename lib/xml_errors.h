/* The libxml2 error boundary: while a call into libxml2 runs, every error it
 * reports outside a parser context (encoding conversion, I/O) reaches a
 * caller-owned record instead of stderr. Internal; see doc/hardening.md.
 *
 * libxml2 2.9 keeps its generic and structured error handlers per thread
 * (Debian builds it with threads), so swapping them around a call is safe
 * while other threads convert (`vmxkit batch`). Errors inside a parser
 * context still go to the context's own handler (sax->serror). */
#ifndef VMX_XML_ERRORS_H
#define VMX_XML_ERRORS_H

#include <libxml/xmlerror.h>
#include <stdbool.h>

#include "util.h"
#include "vmxkit/error.h"

typedef struct vmx_xml_errors {
    /* the first error libxml2 reported, fatal or not */
    bool set;
    int level;                           /* xmlErrorLevel */
    int domain;                          /* XML_FROM_* */
    int code;                            /* XML_ERR_*, XML_IO_*, ... */
    int line;                            /* 0 when it has none */
    char message[VMX_ERROR_MESSAGE_MAX]; /* as libxml2 wrote it */
    /* this thread's handlers before vmx__xml_errors_capture */
    xmlGenericErrorFunc generic;
    void *generic_ctx;
    xmlStructuredErrorFunc structured;
    void *structured_ctx;
} vmx_xml_errors;

/* Route this thread's libxml2 errors into @e (cleared first) and print
 * nothing, until vmx__xml_errors_restore(@e). Pairs may nest: each restore
 * puts back what its capture found. */
VMX_INTERNAL void vmx__xml_errors_capture(vmx_xml_errors *e);

/* Put back the handlers vmx__xml_errors_capture found. */
VMX_INTERNAL void vmx__xml_errors_restore(vmx_xml_errors *e);

#endif
