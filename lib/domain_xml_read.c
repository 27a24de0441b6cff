/* libvirt domain XML -> domain model, with libvirt 9.0's parse defaults and
 * checks for a domain of type vmware (virDomainDefParseString with the
 * INACTIVE flag and the VMX driver's post-parse). This file holds the libxml2
 * boundary, the reading helpers and everything outside <devices>;
 * domain_xml_read_devices.c reads the devices.
 *
 * libxml2 is used defensively: no network, no DTD loading, no entity
 * substitution, its default depth limit (256), and an input size cap. The
 * tree is read with the helpers below, which refuse entity references
 * instead of expanding them, so neither external files nor exponential
 * entity expansion can be reached. */
#include "config.h"
#include "buf.h"
#include "domain_xml_read.h"
#include "domain_private.h"
#include "vmxkit/convert.h"
#include "xml_errors.h"

#include <errno.h>
#include <iconv.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Largest XML document accepted. libvirt domain XML for a VMware guest is a
 * few kilobytes; the cap bounds what libxml2 and this reader allocate. */
#define XR_INPUT_MAX (16u * 1024 * 1024)

#define VMWARE_NS_URI "http://libvirt.org/schemas/domain/vmware/1.0"

/* ------------------------------------------------------------------ */
/* errors */

static void set_column(vmx_error *err, int code, bool fresh, unsigned long column)
{
    if (fresh && err && err->code == code)
        err->column = column;
}

int xr_fail(xr_ctx *c, int code, const xmlNode *node, const char *key, const char *fmt,
            ...)
{
    char message[VMX_ERROR_MESSAGE_MAX];
    unsigned long line = 0;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    if (node) {
        long l = xmlGetLineNo(node);
        if (l > 0)
            line = (unsigned long)l;
    }
    return vmx_error_set(c->err, code, c->source, line, key, "%s", message);
}

int xr_nomem(xr_ctx *c)
{
    return vmx_error_set(c->err, VMX_ENOMEM, c->source, 0, NULL, "out of memory");
}

/* ------------------------------------------------------------------ */
/* tree helpers */

bool xr_is(const xmlNode *node, const char *name)
{
    return node && node->type == XML_ELEMENT_NODE && !node->ns &&
           strcmp((const char *)node->name, name) == 0;
}

xmlNode *xr_child(const xmlNode *node, const char *name)
{
    xmlNode *n;

    for (n = node ? node->children : NULL; n; n = n->next)
        if (xr_is(n, name))
            return n;
    return NULL;
}

void xr_path(char *out, const char *base, const char *name)
{
    snprintf(out, XR_PATH_MAX, "%s/%s", base, name);
}

/* Keep @s until the context is disposed. */
static int keep(xr_ctx *c, char *s)
{
    char **grown;
    size_t bytes;

    if (__builtin_mul_overflow(c->nscratch + 1, sizeof(*grown), &bytes) ||
        !(grown = vmx__realloc(c->scratch, bytes))) {
        vmx__free(s);
        return xr_nomem(c);
    }
    c->scratch = grown;
    c->scratch[c->nscratch++] = s;
    return 0;
}

static int refuse_entity(xr_ctx *c, const xmlNode *ref, const xmlNode *owner,
                         const char *key)
{
    return xr_fail(c, VMX_EUNSUPPORTED, owner, key,
                   "entity reference '&%.64s;' is not supported",
                   (const char *)ref->name);
}

int xr_attr(xr_ctx *c, const xmlNode *node, const char *key, const char *name,
            const char **out)
{
    const xmlAttr *a;
    const xmlNode *t;
    vmx_buf b = VMX_BUF_INIT;
    char *s;
    int rc;

    *out = NULL;
    for (a = node->properties; a; a = a->next)
        if (!a->ns && strcmp((const char *)a->name, name) == 0)
            break;
    if (!a)
        return 0;
    /* the usual case: one text node, read in place */
    if (!a->children) {
        *out = "";
        return 0;
    }
    if (a->children->type == XML_TEXT_NODE && !a->children->next) {
        *out = a->children->content ? (const char *)a->children->content : "";
        return 0;
    }
    for (t = a->children; t; t = t->next) {
        if (t->type == XML_ENTITY_REF_NODE) {
            vmx_buf_dispose(&b);
            return refuse_entity(c, t, node, key);
        }
        if (t->type == XML_TEXT_NODE && t->content)
            vmx_buf_puts(&b, (const char *)t->content);
    }
    if (b.failed || !(s = vmx_buf_detach(&b, NULL))) {
        vmx_buf_dispose(&b);
        return xr_nomem(c);
    }
    if ((rc = keep(c, s)) < 0)
        return rc;
    *out = s;
    return 0;
}

/* Append the text below @node (XPath string()); libxml2's depth limit keeps
 * the recursion short, the explicit one is a second fence. */
static int gather_text(xr_ctx *c, const xmlNode *node, const xmlNode *owner,
                       const char *key, vmx_buf *b, int depth)
{
    const xmlNode *n;
    int rc;

    if (depth > 300)
        return xr_fail(c, VMX_ELIMIT, owner, key, "element nesting too deep");
    for (n = node->children; n; n = n->next) {
        switch (n->type) {
        case XML_TEXT_NODE:
        case XML_CDATA_SECTION_NODE:
            if (n->content)
                vmx_buf_puts(b, (const char *)n->content);
            break;
        case XML_ELEMENT_NODE:
            if ((rc = gather_text(c, n, owner, key, b, depth + 1)) < 0)
                return rc;
            break;
        case XML_ENTITY_REF_NODE:
            return refuse_entity(c, n, owner, key);
        default: /* comments, processing instructions */
            break;
        }
    }
    return 0;
}

int xr_text(xr_ctx *c, const xmlNode *node, const char *key, const char **out)
{
    vmx_buf b = VMX_BUF_INIT;
    char *s;
    int rc;

    *out = NULL;
    if (!node)
        return 0;
    if (node->children && !node->children->next &&
        node->children->type == XML_TEXT_NODE) {
        const char *t = (const char *)node->children->content;
        *out = t && *t ? t : NULL;
        return 0;
    }
    if ((rc = gather_text(c, node, node, key, &b, 0)) < 0) {
        vmx_buf_dispose(&b);
        return rc;
    }
    if (b.failed) {
        vmx_buf_dispose(&b);
        return xr_nomem(c);
    }
    if (b.len == 0) { /* virXPathString gives NULL for an empty string */
        vmx_buf_dispose(&b);
        return 0;
    }
    s = vmx_buf_detach(&b, NULL);
    if (!s)
        return xr_nomem(c);
    if ((rc = keep(c, s)) < 0)
        return rc;
    *out = s;
    return 0;
}

int xr_dup(xr_ctx *c, char **dst, const char *s)
{
    char *copy = NULL;

    if (s && !(copy = vmx__strdup(s)))
        return xr_nomem(c);
    vmx__free(*dst);
    *dst = copy;
    return 0;
}

/* ------------------------------------------------------------------ */
/* numbers */

static bool is_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\v' || ch == '\f' ||
           ch == '\r';
}

int xr_parse_ull(const char *s, int base, unsigned long long *out)
{
    const char *p = s;
    char *end;
    unsigned long long v;

    while (is_space(*p))
        p++;
    if (*p == '-' || *p == '\0')
        return VMX_EINVAL;
    errno = 0;
    v = strtoull(p, &end, base);
    if (errno || end == p || *end)
        return VMX_EINVAL;
    *out = v;
    return 0;
}

int xr_parse_uint(const char *s, unsigned int *out)
{
    unsigned long long v;

    if (xr_parse_ull(s, 10, &v) < 0 || v > UINT_MAX)
        return VMX_EINVAL;
    *out = (unsigned int)v;
    return 0;
}

int xr_parse_ll(const char *s, int base, long long *out)
{
    char *end;
    long long v;

    if (!*s)
        return VMX_EINVAL;
    errno = 0;
    v = strtoll(s, &end, base);
    if (errno || end == s || *end)
        return VMX_EINVAL;
    *out = v;
    return 0;
}

int xr_parse_int(const char *s, int *out)
{
    long long v;

    if (xr_parse_ll(s, 10, &v) < 0 || v < INT_MIN || v > INT_MAX)
        return VMX_EINVAL;
    *out = (int)v;
    return 0;
}

int xr_attr_uint(xr_ctx *c, const xmlNode *node, const char *key, const char *name,
                 unsigned int *out, bool *present)
{
    const char *v;
    int rc;

    if (present)
        *present = false;
    if ((rc = xr_attr(c, node, key, name, &v)) < 0)
        return rc;
    if (!v)
        return 0;
    if (xr_parse_uint(v, out) < 0)
        return xr_fail(c, VMX_EINVAL, node, key,
                       "invalid value '%.64s' for attribute '%s', expecting a "
                       "non-negative integer",
                       v, name);
    if (present)
        *present = true;
    return 0;
}

static int hex_value(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

bool xr_uuid_canonical(char out[37], const char *s)
{
    static const char digits[] = "0123456789abcdef";
    unsigned char raw[16];
    size_t i = 0, o = 0;

    /* virUUIDParse: 32 hex digits in pairs, '-' and ' ' allowed between the
     * pairs, white space around */
    while (is_space(*s))
        s++;
    while (i < 16) {
        int hi, lo;

        if (*s == '-' || *s == ' ') {
            s++;
            continue;
        }
        if ((hi = hex_value(s[0])) < 0 || (lo = hex_value(s[1])) < 0)
            return false;
        raw[i++] = (unsigned char)(hi * 16 + lo);
        s += 2;
    }
    for (; *s; s++)
        if (!is_space(*s))
            return false;
    for (i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = digits[raw[i] >> 4];
        out[o++] = digits[raw[i] & 15];
    }
    out[o] = '\0';
    return true;
}

/* ------------------------------------------------------------------ */
/* the libxml2 boundary */

static bool has_upper(const char *s, size_t n)
{
    for (; n > 0 && *s; n--, s++)
        if (*s >= 'A' && *s <= 'Z')
            return true;
    return false;
}

/* Turn libxml2's last error into ours: its message (first letter lowered,
 * no trailing newline or period), line and column. */
static int translate_xml_error(const xmlError *xe, const char *source, vmx_error *err)
{
    char message[VMX_ERROR_MESSAGE_MAX];
    unsigned long line = 0, column = 0;
    bool fresh = err && err->code == 0;
    size_t n;

    if (!xe || xe->code == XML_ERR_OK || !xe->message) {
        snprintf(message, sizeof(message), "malformed xml");
    } else {
        snprintf(message, sizeof(message), "%s", xe->message);
        n = strlen(message);
        while (n > 0 &&
               (message[n - 1] == '\n' || message[n - 1] == ' ' || message[n - 1] == '.'))
            message[--n] = '\0';
        /* "Opening and ending tag mismatch" reads as our messages do;
         * names such as "AttValue" keep their spelling */
        n = strcspn(message, " :");
        if (message[0] >= 'A' && message[0] <= 'Z' && !has_upper(message + 1, n - 1))
            message[0] = vmx__ascii_lower(message[0]);
        if (xe->line > 0)
            line = (unsigned long)xe->line;
        if (xe->int2 > 0)
            column = (unsigned long)xe->int2;
    }
    if (xe && xe->code == XML_ERR_NO_MEMORY)
        return vmx_error_set(err, VMX_ENOMEM, source, line, NULL, "out of memory");
    vmx_error_set(err, VMX_EPARSE, source, line, NULL, "%s", message);
    set_column(err, VMX_EPARSE, fresh, column);
    return VMX_EPARSE;
}

/* libxml2 goes on after a fatal error and its "last error" is often a
 * consequence of the first: keep the first fatal one. */
typedef struct first_error {
    bool set;
    xmlError error;
    char message[VMX_ERROR_MESSAGE_MAX];
} first_error;

static void keep_first_error(void *data, xmlError *e)
{
    xmlParserCtxt *pctxt = data;
    first_error *first = pctxt ? pctxt->_private : NULL;

    if (!first || first->set || !e || e->level != XML_ERR_FATAL)
        return;
    first->set = true;
    first->error = *e;
    snprintf(first->message, sizeof(first->message), "%s", e->message ? e->message : "");
    first->error.message = first->message;
    /* the other strings belong to libxml2 and are not needed */
    first->error.file = NULL;
    first->error.str1 = first->error.str2 = first->error.str3 = NULL;
    first->error.ctxt = first->error.node = NULL;
}

/* ---- attribute cap (scanned before libxml2 sees the document) ----
 *
 * libxml2 2.9 checks a start tag for duplicate attributes in quadratic time
 * (and adds defaulted attributes the same way): one element with 200000
 * attributes takes minutes, before any callback could stop it. So the input
 * is scanned first, as libxml2 will read it (transcoded to UTF-8 when the
 * document is in UTF-16, UCS-4, EBCDIC or declares another encoding), and a
 * start tag with more than XR_MAX_ATTRIBUTES attributes is refused. The
 * internal DTD subset (which can hide start tags in entity values and
 * default attributes in <!ATTLIST>) counts as one element: its declarations
 * and the '=' and character references of its literals together. libvirt's
 * elements have a dozen attributes at most. */
#define XR_MAX_ATTRIBUTES 256

static bool has_prefix(const char *p, const char *end, const char *s)
{
    size_t n = strlen(s);

    return (size_t)(end - p) >= n && memcmp(p, s, n) == 0;
}

/* The end of @p's construct: just past @close, or @end. */
static const char *skip_past(const char *p, const char *end, const char *close)
{
    size_t n = strlen(close);

    for (; p + n <= end; p++)
        if (memcmp(p, close, n) == 0)
            return p + n;
    return end;
}

static int too_many_attributes(const char *doc, const char *at, const char *end,
                               const char *source, vmx_error *err)
{
    unsigned long line = 1;
    const char *p, *n = at + 1;

    for (p = doc; p < at; p++)
        line += *p == '\n';
    if (*n == '!')
        return vmx_error_set(err, VMX_ELIMIT, source, line, NULL,
                             "document type declaration with more than %d declarations "
                             "and attributes",
                             XR_MAX_ATTRIBUTES);
    for (p = n; p < end && p - n < 32 && !strchr(" \t\r\n/>", *p); p++)
        ;
    return vmx_error_set(err, VMX_ELIMIT, source, line, NULL,
                         "element <%.*s> has more than %d attributes", (int)(p - n), n,
                         XR_MAX_ATTRIBUTES);
}

/* The internal subset of a <!DOCTYPE at @p ('[' just read); returns the end
 * of the subset (past ']') or NULL after an error. */
static const char *scan_subset(const char *doc, const char *at, const char *p,
                               const char *end, const char *source, vmx_error *err)
{
    unsigned int count = 0;
    char q;

    while (p < end && *p != ']') {
        if (has_prefix(p, end, "<!--")) {
            p = skip_past(p + 4, end, "-->");
        } else if (has_prefix(p, end, "<?")) {
            p = skip_past(p + 2, end, "?>");
        } else if (*p == '<') {
            count++;
            for (p++; p < end && *p != '>'; p++) {
                if (*p != '"' && *p != '\'')
                    continue;
                for (q = *p++; p < end && *p != q; p++)
                    count += *p == '=' || (*p == '&' && p + 1 < end && p[1] == '#');
                if (p == end)
                    break;
            }
            if (p < end)
                p++;
        } else {
            p++;
        }
        if (count > XR_MAX_ATTRIBUTES) {
            too_many_attributes(doc, at, end, source, err);
            return NULL;
        }
    }
    return p < end ? p + 1 : end;
}

static int scan_attributes(const char *doc, size_t len, const char *source,
                           vmx_error *err)
{
    const char *p = doc, *end = doc + len, *at;
    unsigned int count;
    char q;

    while ((p = memchr(p, '<', (size_t)(end - p))) != NULL) {
        at = p;
        if (has_prefix(p, end, "<!--")) {
            p = skip_past(p + 4, end, "-->");
        } else if (has_prefix(p, end, "<![CDATA[")) {
            p = skip_past(p + 9, end, "]]>");
        } else if (has_prefix(p, end, "<?")) {
            p = skip_past(p + 2, end, "?>");
        } else if (has_prefix(p, end, "<!")) {
            /* <!DOCTYPE: quoted identifiers, then perhaps [internal subset] */
            for (p += 2; p < end && *p != '>'; p++) {
                if (*p == '[') {
                    if (!(p = scan_subset(doc, at, p + 1, end, source, err)))
                        return err ? err->code : VMX_ELIMIT;
                    p--;
                } else if (*p == '"' || *p == '\'') {
                    q = *p;
                    p = memchr(p + 1, q, (size_t)(end - p - 1));
                    if (!p)
                        return 0;
                }
            }
        } else {
            /* a start or end tag: '=' outside the quoted values */
            for (count = 0, p++; p < end && *p != '>'; p++) {
                if (*p == '=' && ++count > XR_MAX_ATTRIBUTES)
                    return too_many_attributes(doc, at, end, source, err);
                if (*p == '"' || *p == '\'') {
                    q = *p;
                    p = memchr(p + 1, q, (size_t)(end - p - 1));
                    if (!p)
                        return 0;
                }
            }
        }
        if (p >= end)
            break;
    }
    return 0;
}

/* The name of the encoding the XML declaration of @buf (ASCII-compatible)
 * declares, in @name; false when there is none. */
static bool declared_encoding(const char *buf, size_t len, char *name, size_t size)
{
    const char *end = buf + len, *p, *decl_end, *e;
    size_t n;

    if (has_prefix(buf, end, "\xEF\xBB\xBF"))
        buf += 3;
    if (!has_prefix(buf, end, "<?xml"))
        return false;
    decl_end = skip_past(buf, end, "?>");
    for (p = buf; p + 8 < decl_end; p++) {
        if (memcmp(p, "encoding", 8) != 0)
            continue;
        for (p += 8; p < decl_end && strchr(" \t\r\n=", *p); p++)
            ;
        if (p >= decl_end || (*p != '"' && *p != '\''))
            return false;
        e = memchr(p + 1, *p, (size_t)(decl_end - p - 1));
        if (!e || (n = (size_t)(e - p - 1)) == 0 || n >= size)
            return false;
        memcpy(name, p + 1, n);
        name[n] = '\0';
        return true;
    }
    return false;
}

/* The encoding libxml2 detects from the first bytes of @buf, as an iconv
 * name, with the size of its characters in *width (1 for the ASCII- and
 * EBCDIC-compatible ones); NULL when it detects none of those. */
static const char *detected_encoding(const char *buf, size_t len, size_t *width)
{
    *width = 1;
    switch (len >= 4 ? xmlDetectCharEncoding((const unsigned char *)buf, 4)
                     : XML_CHAR_ENCODING_NONE) {
    case XML_CHAR_ENCODING_UTF16LE:
        *width = 2;
        return "UTF-16LE";
    case XML_CHAR_ENCODING_UTF16BE:
        *width = 2;
        return "UTF-16BE";
    case XML_CHAR_ENCODING_UCS4LE:
        *width = 4;
        return "UCS-4LE";
    case XML_CHAR_ENCODING_UCS4BE:
        *width = 4;
        return "UCS-4BE";
    case XML_CHAR_ENCODING_EBCDIC:
        return "IBM037"; /* the markup characters are the same in every EBCDIC */
    default:
        return NULL;
    }
}

/* Scan @buf as libxml2 will read it: its bytes when they are UTF-8 or
 * another ASCII-compatible encoding, transcoded to UTF-8 otherwise (up to
 * the first byte the charset refuses, where libxml2 stops too). */
static int check_attributes(const char *buf, size_t len, const char *source,
                            vmx_error *err)
{
    char declared[64];
    const char *from;
    vmx_buf out = VMX_BUF_INIT;
    iconv_t cd;
    char *in, *o;
    size_t inleft, oleft, r, width;
    int rc;

    from = detected_encoding(buf, len, &width);
    if (!from && declared_encoding(buf, len, declared, sizeof(declared)) &&
        vmx__strcasecmp(declared, "UTF-8") != 0 && vmx__strcasecmp(declared, "US-ASCII") != 0)
        from = declared;
    if (!from || (cd = iconv_open("UTF-8", from)) == (iconv_t)-1)
        return scan_attributes(buf, len, source, err);
    in = (char *)buf;
    inleft = len;
    do {
        if (vmx_buf_grow(&out, inleft + 4096) < 0) {
            iconv_close(cd);
            vmx_buf_dispose(&out);
            return vmx_error_set(err, VMX_ENOMEM, source, 0, NULL, "out of memory");
        }
        o = out.ptr + out.len;
        oleft = out.cap - out.len - 1;
        r = iconv(cd, &in, &inleft, &o, &oleft);
        out.len = (size_t)(o - out.ptr);
    } while (r == (size_t)-1 && errno == E2BIG);
    iconv_close(cd);
    rc = scan_attributes(out.ptr, out.len, source, err);
    vmx_buf_dispose(&out);
    return rc;
}

/* libxml2 drops the bytes after the last whole UTF-16 or UCS-4 character
 * and reads the rest: such a document is truncated, and refused. */
static int check_whole_characters(const char *buf, size_t len, const char *source,
                                  vmx_error *err)
{
    size_t width;
    const char *name;

    detected_encoding(buf, len, &width);
    if (len % width == 0)
        return 0;
    name = width == 2 ? "UTF-16" : "UCS-4";
    return vmx_error_set(err, VMX_EPARSE, source, 0, NULL,
                         "input ends inside a %s character (%zu %s left over)", name,
                         len % width, len % width == 1 ? "byte" : "bytes");
}

static int parse_document(xmlDoc **out, const char *buf, size_t len, const char *source,
                          vmx_error *err)
{
    /* No XML_PARSE_NOENT (entities stay references), no DTDLOAD/DTDATTR
     * (nothing is fetched), NONET for good measure; BIG_LINES keeps line
     * numbers right past 65535. */
    const int options =
        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES;
    first_error first;
    vmx_xml_errors outside;
    xmlParserCtxt *pctxt;
    xmlDoc *doc;
    int rc = 0;

    *out = NULL;
    memset(&first, 0, sizeof(first));
    xmlInitParser();
    if ((rc = check_whole_characters(buf, len, source, err)) < 0 ||
        (rc = check_attributes(buf, len, source, err)) < 0)
        return rc;
    /* errors of the parser reach keep_first_error (with the context as its
     * data), the others (encoding conversion, I/O) reach @outside: nothing
     * is printed */
    vmx__xml_errors_capture(&outside);
    if (!(pctxt = xmlNewParserCtxt())) {
        vmx__xml_errors_restore(&outside);
        return vmx_error_set(err, VMX_ENOMEM, source, 0, NULL, "out of memory");
    }
    pctxt->_private = &first;
    pctxt->sax->serror = keep_first_error;
    doc = xmlCtxtReadMemory(pctxt, buf, (int)len, NULL, NULL, options);
    if (outside.set && outside.level >= XML_ERR_ERROR) {
        /* bytes the declared (or detected) encoding refuses: that is the
         * cause, the parser's error ("premature end of data") its effect,
         * but the parser knows the line */
        const xmlError *pe = first.set ? &first.error : xmlCtxtGetLastError(pctxt);
        xmlError cause;

        memset(&cause, 0, sizeof(cause));
        cause.domain = outside.domain;
        cause.code = outside.code;
        cause.level = XML_ERR_FATAL;
        cause.message = outside.message;
        cause.line = pe && pe->line > 0 ? pe->line : outside.line;
        rc = translate_xml_error(&cause, source, err);
    } else if (!doc || !pctxt->wellFormed) {
        rc = translate_xml_error(first.set ? &first.error : xmlCtxtGetLastError(pctxt),
                                 source, err);
    }
    if (rc < 0) {
        xmlFreeDoc(doc);
        doc = NULL;
    }
    xmlFreeParserCtxt(pctxt);
    vmx__xml_errors_restore(&outside);
    *out = doc;
    return rc;
}

/* ------------------------------------------------------------------ */
/* outside <devices> */

static int read_name(xr_ctx *c, const xmlNode *root)
{
    const xmlNode *n = xr_child(root, "name");
    const char *v;
    int rc;

    if ((rc = xr_text(c, n, "/domain/name", &v)) < 0)
        return rc;
    /* libvirt's VMX reader leaves out the name of a VMX file without
     * displayName, and its XML parser refuses the result: vmxkit reads it
     * back (a VMX file without displayName), unless asked to be strict */
    if (!v && !c->strict)
        return 0;
    if (!v)
        return xr_fail(c, VMX_EINVAL, n ? n : root, "/domain/name",
                       "missing domain name");
    return xr_dup(c, &c->dom->name, v);
}

/* <uuid> and <genid> */
static int read_uuid_element(xr_ctx *c, const xmlNode *root, const char *name, char **dst)
{
    const xmlNode *n = xr_child(root, name);
    char key[XR_PATH_MAX];
    char canon[37];
    const char *v;
    int rc;

    xr_path(key, "/domain", name);
    if ((rc = xr_text(c, n, key, &v)) < 0)
        return rc;
    /* without one libvirt makes up a random UUID (and an empty <genid/>
     * asks for one at start): the model keeps none, so that output stays
     * reproducible and VMware assigns it */
    if (!v)
        return 0;
    if (!xr_uuid_canonical(canon, v))
        return xr_fail(c, VMX_EINVAL, n, key, "malformed %s '%.64s'", name, v);
    return xr_dup(c, dst, canon);
}

static int read_description(xr_ctx *c, const xmlNode *root)
{
    const char *v;
    int rc;

    if ((rc = xr_text(c, xr_child(root, "description"), "/domain/description", &v)) < 0)
        return rc;
    return xr_dup(c, &c->dom->description, v);
}

/* libvirt's virScaleInteger for a memory size: @unit NULL or empty means
 * KiB; b/byte/bytes; k, M, G, T, P, E with an optional "iB" (powers of 1024)
 * or "B" (powers of 1000), case-insensitive. */
static int unit_scale(const char *unit, unsigned long long *scale)
{
    unsigned long long base;
    int power;

    if (!unit || !*unit) {
        *scale = 1024;
        return 0;
    }
    if (vmx__strcasecmp(unit, "b") == 0 || vmx__strcasecmp(unit, "byte") == 0 ||
        vmx__strcasecmp(unit, "bytes") == 0) {
        *scale = 1;
        return 0;
    }
    if (!unit[1] || vmx__strcasecmp(unit + 1, "iB") == 0)
        base = 1024;
    else if ((unit[1] == 'b' || unit[1] == 'B') && !unit[2])
        base = 1000;
    else
        return VMX_EINVAL;
    switch (vmx__ascii_lower(unit[0])) {
    case 'k':
        power = 1;
        break;
    case 'm':
        power = 2;
        break;
    case 'g':
        power = 3;
        break;
    case 't':
        power = 4;
        break;
    case 'p':
        power = 5;
        break;
    case 'e':
        power = 6;
        break;
    default:
        return VMX_EINVAL;
    }
    for (*scale = 1; power > 0; power--)
        *scale *= base;
    return 0;
}

/* virDomainParseMemory: a scaled value in KiB, rounded up, at most
 * LLONG_MAX bytes. @present tells whether the element had a value. */
static int read_memory_value(xr_ctx *c, const xmlNode *n, const char *key,
                             unsigned long long *kib, bool *present)
{
    unsigned long long value, scale;
    const char *text, *unit;
    int rc;

    *present = false;
    if (!n)
        return 0;
    if ((rc = xr_text(c, n, key, &text)) < 0 ||
        (rc = xr_attr(c, n, key, "unit", &unit)) < 0)
        return rc;
    if (!text)
        return 0;
    if (xr_parse_ull(text, 10, &value) < 0)
        return xr_fail(c, VMX_EINVAL, n, key, "invalid value '%.64s'", text);
    if (unit_scale(unit, &scale) < 0)
        return xr_fail(c, VMX_EINVAL, n, key, "unknown unit '%.32s'", unit);
    if (value && value > (unsigned long long)LLONG_MAX / scale)
        return xr_fail(c, VMX_EINVAL, n, key, "value too large: %llu%.32s", value,
                       unit ? unit : "");
    value *= scale;
    *kib = value / 1024 + (value % 1024 != 0);
    *present = true;
    return 0;
}

static int read_memory(xr_ctx *c, const xmlNode *root)
{
    const xmlNode *n;
    bool present;
    int rc;

    if ((rc = read_memory_value(c, xr_child(root, "memory"), "/domain/memory",
                                &c->dom->memory_kib, &present)) < 0 ||
        (rc = read_memory_value(c, xr_child(root, "currentMemory"),
                                "/domain/currentMemory", &c->dom->current_memory_kib,
                                &present)) < 0)
        return rc;
    n = xr_child(xr_child(root, "memtune"), "min_guarantee");
    if ((rc = read_memory_value(c, n, "/domain/memtune/min_guarantee",
                                &c->dom->min_guarantee_kib, &present)) < 0)
        return rc;
    c->dom->has_min_guarantee = present;
    if (c->dom->memory_kib == 0) {
        n = xr_child(root, "memory");
        return xr_fail(c, VMX_EINVAL, n ? n : root, "/domain/memory",
                       "memory size must be specified");
    }
    return 0;
}

/* virBitmapParse for a cpuset of up to 1024 CPUs, written back as
 * virBitmapFormat does ("0,2-5"). */
#define CPUSET_BITS 1024

/* Returns 0, 1 for a set without any CPU, VMX_EINVAL. */
static int cpuset_canonical(vmx_buf *b, const char *s)
{
    unsigned char bits[CPUSET_BITS / 8];
    const char *p = s;
    bool any = false;
    long start, last, i;
    char *end;

    memset(bits, 0, sizeof(bits));
    while (is_space(*p))
        p++;
    if (!*p)
        return VMX_EINVAL;
    while (*p) {
        bool neg = false;

        if (*p == '^') {
            neg = true;
            p++;
        }
        if (*p < '0' || *p > '9')
            return VMX_EINVAL;
        errno = 0;
        start = strtol(p, &end, 10);
        if (errno || start >= CPUSET_BITS)
            return VMX_EINVAL;
        p = end;
        while (is_space(*p))
            p++;
        last = start;
        if (*p == '-') {
            if (neg)
                return VMX_EINVAL;
            p++;
            while (is_space(*p))
                p++;
            errno = 0;
            last = strtol(p, &end, 10);
            if (errno || end == p || last < start || last >= CPUSET_BITS)
                return VMX_EINVAL;
            p = end;
            while (is_space(*p))
                p++;
        }
        for (i = start; i <= last; i++) {
            if (neg)
                bits[i / 8] &= (unsigned char)~(1u << (i % 8));
            else
                bits[i / 8] |= (unsigned char)(1u << (i % 8));
        }
        if (*p == ',') {
            p++;
            while (is_space(*p))
                p++;
        } else if (*p) {
            return VMX_EINVAL;
        }
    }
    for (i = 0; i < CPUSET_BITS; i++) {
        if (!(bits[i / 8] & (1u << (i % 8))))
            continue;
        start = i;
        while (i + 1 < CPUSET_BITS && (bits[(i + 1) / 8] & (1u << ((i + 1) % 8))))
            i++;
        if (any)
            vmx_buf_putc(b, ',');
        any = true;
        vmx_buf_printf(b, "%ld", start);
        if (i != start)
            vmx_buf_printf(b, "-%ld", i);
    }
    return any ? 0 : 1; /* 1: a valid but empty set */
}

static int read_vcpu(xr_ctx *c, const xmlNode *root)
{
    const xmlNode *n = xr_child(root, "vcpu");
    const char *text, *current, *placement, *cpuset;
    unsigned int cur;
    vmx_buf b = VMX_BUF_INIT;
    int rc;

    c->dom->vcpus = 1;
    if (!n)
        return 0;
    if ((rc = xr_text(c, n, "/domain/vcpu", &text)) < 0 ||
        (rc = xr_attr(c, n, "/domain/vcpu", "current", &current)) < 0 ||
        (rc = xr_attr(c, n, "/domain/vcpu", "placement", &placement)) < 0 ||
        (rc = xr_attr(c, n, "/domain/vcpu", "cpuset", &cpuset)) < 0)
        return rc;
    if (!text || xr_parse_uint(text, &c->dom->vcpus) < 0 || c->dom->vcpus == 0)
        return xr_fail(c, VMX_EINVAL, n, "/domain/vcpu",
                       "invalid vcpu count '%.64s', expecting a positive integer",
                       text ? text : "");
    if (current) {
        if (xr_parse_uint(current, &cur) < 0)
            return xr_fail(c, VMX_EINVAL, n, "/domain/vcpu",
                           "invalid value '%.64s' for attribute 'current'", current);
        if (cur > c->dom->vcpus)
            return xr_fail(c, VMX_EINVAL, n, "/domain/vcpu",
                           "maxvcpus must not be less than current vcpus (%u < %u)",
                           c->dom->vcpus, cur);
        /* the model (and VMX) have one vcpu count */
        if (cur != c->dom->vcpus)
            return xr_fail(c, VMX_EUNSUPPORTED, n, "/domain/vcpu",
                           "unsupported attribute 'current' of <vcpu>: the vcpu count "
                           "cannot change at run time");
    }
    if (placement && strcmp(placement, "static") != 0 && strcmp(placement, "auto") != 0)
        return xr_fail(c, VMX_EINVAL, n, "/domain/vcpu",
                       "invalid value '%.32s' for attribute 'placement'", placement);
    /* libvirt ignores the cpuset of an automatic placement */
    if (!cpuset || (placement && strcmp(placement, "auto") == 0))
        return 0;
    if (cpuset_canonical(&b, cpuset) != 0)
        rc = xr_fail(c, VMX_EINVAL, n, "/domain/vcpu",
                     "invalid value '%.64s' of 'cpuset'", cpuset);
    else if (b.failed || !(c->dom->cpuset = vmx_buf_detach(&b, NULL)))
        rc = xr_nomem(c);
    vmx_buf_dispose(&b);
    return rc;
}

static int read_cputune(xr_ctx *c, const xmlNode *root)
{
    const xmlNode *n = xr_child(xr_child(root, "cputune"), "shares");
    unsigned long long v;
    const char *text;
    int rc;

    if ((rc = xr_text(c, n, "/domain/cputune/shares", &text)) < 0 || !text)
        return rc;
    if (xr_parse_ull(text, 10, &v) < 0 || v > (unsigned long long)LLONG_MAX)
        return xr_fail(c, VMX_EINVAL, n, "/domain/cputune/shares",
                       "invalid cputune shares value '%.64s'", text);
    c->dom->cpu_shares = (long long)v;
    return 0;
}

static int read_topology_attr(xr_ctx *c, const xmlNode *n, const char *name,
                              bool required, unsigned int *out)
{
    bool present;
    int rc;

    if ((rc = xr_attr_uint(c, n, "/domain/cpu/topology", name, out, &present)) < 0)
        return rc;
    if (!present && required)
        return xr_fail(c, VMX_EINVAL, n, "/domain/cpu/topology",
                       "missing attribute '%s' of <topology>", name);
    if (present && *out == 0)
        return xr_fail(c, VMX_EINVAL, n, "/domain/cpu/topology",
                       "invalid value '0' for attribute '%s', expecting a non-zero value",
                       name);
    return 0;
}

static int read_cpu(xr_ctx *c, const xmlNode *root)
{
    const xmlNode *n = xr_child(xr_child(root, "cpu"), "topology");
    vmx_domain *d = c->dom;
    int rc;

    /* CPU models and features mean nothing to VMware and libvirt's VMX
     * driver ignores them: only the topology is kept */
    if (!n)
        return 0;
    if ((rc = read_topology_attr(c, n, "sockets", true, &d->sockets)) < 0 ||
        (rc = read_topology_attr(c, n, "dies", false, &d->dies)) < 0 ||
        (rc = read_topology_attr(c, n, "cores", true, &d->cores)) < 0 ||
        (rc = read_topology_attr(c, n, "threads", true, &d->threads)) < 0)
        return rc;
    if (d->dies == 0)
        d->dies = 1;
    return 0;
}

static int read_os_firmware(xr_ctx *c, const xmlNode *os)
{
    const xmlNode *fw = xr_child(os, "firmware"), *f;
    const char *v, *name, *enabled;
    int rc;

    if ((rc = xr_attr(c, os, "/domain/os", "firmware", &v)) < 0)
        return rc;
    if (v) {
        if (strcmp(v, "bios") == 0)
            c->dom->firmware = VMX_FIRMWARE_BIOS;
        else if (strcmp(v, "efi") == 0)
            c->dom->firmware = VMX_FIRMWARE_EFI;
        else
            return xr_fail(c, VMX_EINVAL, os, "/domain/os",
                           "invalid value '%.32s' for attribute 'firmware'", v);
    }
    for (f = fw ? fw->children : NULL; f; f = f->next) {
        if (!xr_is(f, "feature"))
            continue;
        if ((rc = xr_attr(c, f, "/domain/os/firmware/feature", "name", &name)) < 0 ||
            (rc = xr_attr(c, f, "/domain/os/firmware/feature", "enabled", &enabled)) < 0)
            return rc;
        if (!name || !enabled ||
            (strcmp(enabled, "yes") != 0 && strcmp(enabled, "no") != 0))
            return xr_fail(c, VMX_EINVAL, f, "/domain/os/firmware/feature",
                           "a firmware <feature> needs a name and enabled='yes' or 'no'");
        if (strcmp(name, "secure-boot") == 0)
            c->dom->secure_boot =
                strcmp(enabled, "yes") == 0 ? VMX_TRISTATE_YES : VMX_TRISTATE_NO;
        else if (strcmp(name, "enrolled-keys") != 0)
            return xr_fail(c, VMX_EINVAL, f, "/domain/os/firmware/feature",
                           "unknown firmware feature '%.32s'", name);
    }
    return 0;
}

static int read_os(xr_ctx *c, const xmlNode *root)
{
    const xmlNode *os = xr_child(root, "os");
    const xmlNode *type = xr_child(os, "type");
    const xmlNode *smbios = xr_child(os, "smbios");
    const char *v;
    int rc;

    if ((rc = xr_text(c, type, "/domain/os/type", &v)) < 0)
        return rc;
    if (!v)
        return xr_fail(c, VMX_EINVAL, os ? os : root, "/domain/os/type",
                       "an os <type> must be specified");
    if (strcmp(v, "hvm") != 0)
        return xr_fail(c, VMX_EUNSUPPORTED, type, "/domain/os/type",
                       "unsupported os type '%.32s', vmware guests are 'hvm'", v);
    if ((rc = xr_attr(c, type, "/domain/os/type", "arch", &v)) < 0)
        return rc;
    /* the ESX driver's capabilities list i686 first: it is the default */
    if (!v || !*v || strcmp(v, "i686") == 0)
        c->dom->arch = VMX_ARCH_I686;
    else if (strcmp(v, "x86_64") == 0)
        c->dom->arch = VMX_ARCH_X86_64;
    else
        return xr_fail(c, VMX_EUNSUPPORTED, type, "/domain/os/type",
                       "unsupported architecture '%.32s', expecting 'i686' or 'x86_64'",
                       v);
    if ((rc = xr_attr(c, type, "/domain/os/type", "machine", &v)) < 0 ||
        (rc = xr_dup(c, &c->dom->machine, v && *v ? v : NULL)) < 0 ||
        (rc = read_os_firmware(c, os)) < 0)
        return rc;
    if (!smbios)
        return 0;
    if ((rc = xr_attr(c, smbios, "/domain/os/smbios", "mode", &v)) < 0)
        return rc;
    if (v && strcmp(v, "emulate") == 0)
        c->dom->smbios = VMX_SMBIOS_EMULATE;
    else if (v && strcmp(v, "host") == 0)
        c->dom->smbios = VMX_SMBIOS_HOST;
    else if (v && strcmp(v, "sysinfo") == 0)
        c->dom->smbios = VMX_SMBIOS_SYSINFO;
    else
        return xr_fail(c, VMX_EINVAL, smbios, "/domain/os/smbios",
                       "invalid smbios mode '%.32s'", v ? v : "");
    return 0;
}

/* <vmware:datacenterpath> and <vmware:moref> (libvirt's VMX namespace) */
static int read_vmware_namespace(xr_ctx *c, const xmlNode *root)
{
    const xmlNode *n;
    char key[XR_PATH_MAX];
    char **dst;
    const char *v;
    int rc;

    for (n = root->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE || !n->ns || !n->ns->href ||
            strcmp((const char *)n->ns->href, VMWARE_NS_URI) != 0)
            continue;
        if (strcmp((const char *)n->name, "datacenterpath") == 0)
            dst = &c->dom->datacenter_path;
        else if (strcmp((const char *)n->name, "moref") == 0)
            dst = &c->dom->moref;
        else
            continue;
        if (*dst) /* the first one counts */
            continue;
        snprintf(key, sizeof(key), "/domain/vmware:%s", (const char *)n->name);
        if ((rc = xr_text(c, n, key, &v)) < 0 || (rc = xr_dup(c, dst, v)) < 0)
            return rc;
    }
    return 0;
}

static int read_domain(xr_ctx *c, const xmlNode *root)
{
    const char *type;
    int rc;

    if ((rc = xr_attr(c, root, "/domain", "type", &type)) < 0)
        return rc;
    if (!type)
        return xr_fail(c, VMX_EINVAL, root, "/domain", "missing domain type attribute");
    if (strcmp(type, "vmware") != 0)
        return xr_fail(c, VMX_EUNSUPPORTED, root, "/domain",
                       "unsupported domain type '%.32s', expecting 'vmware'", type);
    if ((rc = read_name(c, root)) < 0 ||
        (rc = read_uuid_element(c, root, "uuid", &c->dom->uuid)) < 0 ||
        (rc = read_uuid_element(c, root, "genid", &c->dom->genid)) < 0 ||
        (rc = read_description(c, root)) < 0 || (rc = read_memory(c, root)) < 0 ||
        (rc = read_vcpu(c, root)) < 0 || (rc = read_cputune(c, root)) < 0 ||
        (rc = read_cpu(c, root)) < 0 || (rc = read_os(c, root)) < 0 ||
        (rc = read_vmware_namespace(c, root)) < 0 ||
        (c->lossless && (rc = xr_read_metadata(c, root)) < 0))
        return rc;
    /* everything else outside <devices> (clock, lifecycle actions, features,
     * power management, metadata ...) is ignored, as libvirt's VMX driver
     * does */
    return xr_read_devices(c, xr_child(root, "devices"));
}

static void ctx_dispose(xr_ctx *c)
{
    size_t i;

    for (i = 0; i < c->nscratch; i++)
        vmx__free(c->scratch[i]);
    vmx__free(c->scratch);
    for (i = 0; i < c->nconsoles; i++) {
        vmx_chr *ch = &c->consoles[i].chr;
        vmx__free(ch->path);
        vmx__free(ch->host);
        vmx__free(ch->service);
        vmx__free(ch->protocol);
        vmx__free(ch->direction);
    }
    vmx__free(c->consoles);
    vmx__free(c->disk_elem);
    vmx__free(c->disk_line);
}

int vmx_domain_from_xml(vmx_domain **out, const char *buf, size_t len, const char *source,
                        const vmx_convert_options *opts, vmx_error *err)
{
    xr_ctx c;
    xmlDoc *doc = NULL;
    xmlNode *root;
    bool fresh = err && err->code == 0;
    int rc;

    memset(&c, 0, sizeof(c));
    c.source = source;
    c.err = err;
    c.lossless = opts && (opts->flags & VMX_CONVERT_LOSSLESS);
    c.strict = !c.lossless && opts && (opts->flags & VMX_CONVERT_STRICT);
    *out = NULL;
    if (!buf && len)
        return vmx_error_set(err, VMX_EINVAL, source, 0, NULL, "no input buffer");
    if (len > XR_INPUT_MAX)
        return vmx_error_set(err, VMX_ELIMIT, source, 0, NULL,
                             "xml document larger than %u bytes", XR_INPUT_MAX);
    if ((rc = parse_document(&doc, buf ? buf : "", len, source, err)) < 0)
        goto out;
    root = xmlDocGetRootElement(doc);
    if (!root) {
        rc = vmx_error_set(err, VMX_EPARSE, source, 0, NULL, "empty xml document");
        goto out;
    }
    if (!xr_is(root, "domain")) {
        char key[XR_PATH_MAX];

        snprintf(key, sizeof(key), "/%s", (const char *)root->name);
        rc = xr_fail(&c, VMX_EINVAL, root, key,
                     "expecting root element <domain>, not <%.32s>",
                     (const char *)root->name);
        goto out;
    }
    if ((rc = vmx_domain_new(&c.dom)) < 0) {
        rc = xr_nomem(&c);
        goto out;
    }
    if ((rc = read_domain(&c, root)) < 0 || (rc = xr_devices_postparse(&c)) < 0 ||
        (rc = xr_devices_check_names(&c)) < 0)
        goto out;
    if ((rc = vmx__domain_postparse(c.dom, err)) < 0) {
        /* the shared step knows nothing of the input's name */
        if (fresh && err && err->code == rc && !err->source[0] && source)
            snprintf(err->source, sizeof(err->source), "%s", source);
        goto out;
    }
    if ((rc = xr_devices_validate(&c)) < 0)
        goto out;
    *out = c.dom;
    c.dom = NULL;
out:
    vmx_domain_free(c.dom);
    ctx_dispose(&c);
    xmlFreeDoc(doc);
    return rc;
}
