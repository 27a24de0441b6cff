/* Shared by the libFuzzer targets in fuzz/ and by fuzz/standalone.c, which
 * replays the seeds and past crashes without a fuzzing engine.
 *
 * Each target file defines its entry point with FUZZ_TARGET(name). Built for
 * libFuzzer (clang -fsanitize=fuzzer) it is LLVMFuzzerTestOneInput; built
 * with -DFUZZ_STANDALONE it is fuzz_target_<name>, and standalone.c links
 * every target into one program. A broken invariant aborts, so that both
 * libFuzzer and the standalone driver report it as a crash. */
#ifndef VMXKIT_FUZZ_H
#define VMXKIT_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmxkit/vmxkit.h"

#ifdef FUZZ_STANDALONE
#define FUZZ_TARGET(name)                                                                \
    int fuzz_target_##name(const uint8_t *data, size_t size);                            \
    int fuzz_target_##name(const uint8_t *data, size_t size)
#else
#define FUZZ_TARGET(name)                                                                \
    int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);                        \
    int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
#endif

/* Abort with a message when an invariant does not hold. */
#define FUZZ_CHECK(cond, ...)                                                            \
    do {                                                                                 \
        if (!(cond)) {                                                                   \
            fprintf(stderr, "%s:%d: invariant broken: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                                \
            fputc('\n', stderr);                                                         \
            abort();                                                                     \
        }                                                                                \
    } while (0)

/* Inputs longer than this are skipped: the parsers cap their inputs anyway,
 * and long inputs only slow the fuzzer down. */
#define FUZZ_MAX_INPUT ((size_t)1 << 20)

/* A NUL-terminated copy of the input (the string ends at the first NUL byte
 * the input holds, as for a C string); NULL when memory runs out. */
static inline char *fuzz_cstring(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);

    if (s) {
        memcpy(s, data, size);
        s[size] = '\0';
    }
    return s;
}

/* An error record returned with a failure must be filled in consistently. */
static inline void fuzz_check_error(int rc, const vmx_error *err)
{
    FUZZ_CHECK(rc < 0 && rc >= VMX_EFAULT, "rc %d", rc);
    FUZZ_CHECK(err->code == rc, "rc %d, err.code %d (%s)", rc, err->code, err->message);
    FUZZ_CHECK(err->message[0] != '\0', "rc %d with an empty message", rc);
    FUZZ_CHECK(strchr(err->message, '\n') == NULL, "message on several lines: %s",
               err->message);
}

/* True when the two strings are equal (both may be NULL). */
static inline int fuzz_streq(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

/* The error of the last failed fuzz_convert(), for messages. */
static vmx_error fuzz_last_error;

/* vmx_convert with the default options plus @flags. Returns the output, or
 * NULL after a clean error (its code in *rcp when @rcp is not NULL). */
static inline char *fuzz_convert(const char *in, size_t len, vmx_format from,
                                 vmx_format to, unsigned int flags, size_t *outlen,
                                 int *rcp)
{
    vmx_convert_options opts = VMX_CONVERT_OPTIONS_INIT;
    vmx_error err = VMX_ERROR_INIT;
    char *out = NULL;
    int rc;

    opts.flags = flags;
    *outlen = 0;
    rc = vmx_convert(&out, outlen, in, len, "fuzz", from, to, &opts, &err);
    if (rcp)
        *rcp = rc;
    if (rc < 0) {
        fuzz_check_error(rc, &err);
        FUZZ_CHECK(out == NULL, "output returned with an error");
        fuzz_last_error = err;
        return NULL;
    }
    FUZZ_CHECK(out != NULL && out[*outlen] == '\0' && strlen(out) == *outlen,
               "output of %zu bytes", *outlen);
    return out;
}

/* Check the XML that vmxkit wrote, @xml: like libvirt, the reader may refuse
 * it (libvirt's VMX driver writes what its XML parser refuses, such as two
 * disks named sda, or no <name>), and the first read may reorder devices
 * and add implicit controllers; but once read, the XML is stable: reading
 * it again gives the same bytes, and so does a trip through YAML. */
static inline void fuzz_check_own_xml(const char *xml, size_t len, unsigned int flags)
{
    char *b, *c = NULL, *d = NULL, *yaml = NULL, *back = NULL;
    size_t blen, clen, dlen, yamllen, backlen;
    int rc;

    b = fuzz_convert(xml, len, VMX_FORMAT_XML, VMX_FORMAT_XML, flags, &blen, &rc);
    if (!b)
        return;
    c = fuzz_convert(b, blen, VMX_FORMAT_XML, VMX_FORMAT_XML, flags, &clen, &rc);
    if (rc == VMX_ENOMEM)
        goto out;
    FUZZ_CHECK(c != NULL, "own XML output refused (%d: %lu: %s [%s]):\n%s", rc,
               fuzz_last_error.line, fuzz_last_error.message, fuzz_last_error.key, b);
    d = fuzz_convert(c, clen, VMX_FORMAT_XML, VMX_FORMAT_XML, flags, &dlen, &rc);
    if (rc == VMX_ENOMEM)
        goto out;
    FUZZ_CHECK(d != NULL, "own XML output refused (%d: %lu: %s [%s]):\n%s", rc,
               fuzz_last_error.line, fuzz_last_error.message, fuzz_last_error.key, c);
    FUZZ_CHECK(dlen == clen && memcmp(c, d, clen) == 0,
               "XML is not stable:\n%s\n---- then\n%s", c, d);
    yaml = fuzz_convert(c, clen, VMX_FORMAT_XML, VMX_FORMAT_YAML, flags, &yamllen, &rc);
    /* documented limit: YAML holds UTF-8 only, and the lossless mode keeps
     * the raw bytes of values that are not (as os-hex='...' in the XML) */
    if (rc == VMX_ENOMEM || (rc == VMX_EINVAL && (flags & VMX_CONVERT_LOSSLESS) &&
                             strstr(fuzz_last_error.message, "not valid UTF-8")))
        goto out;
    FUZZ_CHECK(yaml != NULL, "XML refused as YAML (%d: %lu: %s [%s]):\n%s", rc,
               fuzz_last_error.line, fuzz_last_error.message, fuzz_last_error.key, c);
    back = fuzz_convert(yaml, yamllen, VMX_FORMAT_YAML, VMX_FORMAT_XML, flags, &backlen,
                        &rc);
    if (rc == VMX_ENOMEM)
        goto out;
    FUZZ_CHECK(back != NULL, "own YAML refused (%d: %lu: %s [%s]):\n%s", rc,
               fuzz_last_error.line, fuzz_last_error.message, fuzz_last_error.key, yaml);
    FUZZ_CHECK(backlen == clen && memcmp(back, c, clen) == 0,
               "XML -> YAML -> XML differs:\n%s\n---- YAML\n%s\n---- then\n%s", c, yaml,
               back);
out:
    vmx_free(back);
    vmx_free(yaml);
    vmx_free(d);
    vmx_free(c);
    vmx_free(b);
}

/* The YAML vmxkit wrote reads back and writes the same bytes. */
static inline void fuzz_check_own_yaml(const char *yaml, size_t len, unsigned int flags)
{
    char *again;
    size_t againlen;
    int rc;

    again =
        fuzz_convert(yaml, len, VMX_FORMAT_YAML, VMX_FORMAT_YAML, flags, &againlen, &rc);
    if (rc == VMX_ENOMEM)
        return;
    FUZZ_CHECK(again != NULL, "own YAML output refused (%d: %lu: %s [%s]):\n%s", rc,
               fuzz_last_error.line, fuzz_last_error.message, fuzz_last_error.key, yaml);
    FUZZ_CHECK(againlen == len && memcmp(again, yaml, len) == 0,
               "YAML is not a fixpoint:\n%s\n---- then\n%s", yaml, again);
    vmx_free(again);
}

#ifndef FUZZ_STANDALONE
#include <libxml/parser.h>
#include <libxml/xmlerror.h>

/* libxml2 must never print: the library routes its errors into vmx_error
 * for every call into it (lib/xml_errors.c). In the libFuzzer build its
 * default handlers abort instead of printing, so an error that would have
 * reached stderr is a finding. */
static void fuzz_libxml2_printed(void *ctx, const char *msg, ...)
{
    (void)ctx;
    FUZZ_CHECK(0, "libxml2 would have printed: %s", msg);
}

static void fuzz_libxml2_raised(void *ctx, xmlError *e)
{
    (void)ctx;
    FUZZ_CHECK(0, "libxml2 would have printed: %s", e && e->message ? e->message : "");
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    xmlInitParser();
    xmlSetGenericErrorFunc(NULL, fuzz_libxml2_printed);
    xmlSetStructuredErrorFunc(NULL, fuzz_libxml2_raised);
    return 0;
}
#endif

#endif
