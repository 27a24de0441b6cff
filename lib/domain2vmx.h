/* Domain -> VMX writer internals, shared by domain2vmx*.c. Not installed.
 *
 * The writer reproduces libvirt 9.0's virVMXFormatConfig: key order, value
 * formats and the checks that reject what VMX cannot express. Lines are
 * appended to one growable buffer without printf where it matters. */
#ifndef VMX_DOMAIN2VMX_H
#define VMX_DOMAIN2VMX_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "vmxkit/convert.h"
#include "vmxkit/domain.h"

/* State of one vmx_domain_to_vmx() call. */
typedef struct vmx__d2v {
    vmx_buf *b;
    const vmx_domain *dom;
    const vmx_convert_options *opts;
    vmx_error *err;
    int hw_version;
    bool lossless;
    bool has_scsi; /* a SCSI controller was written (virtualHW 7+ bridges) */
    /* default mode, second pass: libvirt refuses the domain, so nothing
     * binds the output to libvirt's and it is written as the VMX reader
     * reads it back (doc/convert.md, "Beyond libvirt") */
    bool beyond;
    /* the virtualHW version the second pass writes at least: 13 for an
     * address of the 64-unit SCSI bus */
    int beyond_hw;
} vmx__d2v;

/* Returned (never recorded in the error) by the first, libvirt-compatible
 * pass of the default mode when the domain holds something libvirt's writer
 * refuses: vmx_domain_to_vmx() then writes it again with `beyond` set. */
#define VMX__D2V_BEYOND (-1000)

/* Key prefix such as "ethernet0." or "scsi0:1.", built once per device. */
typedef struct vmx__d2v_prefix {
    char s[48];
    size_t len;
} vmx__d2v_prefix;

/* Set @p to @name followed by @a (and ":" @b when @b >= 0) and ".". */
VMX_INTERNAL void vmx__d2v_prefix_set(vmx__d2v_prefix *p, const char *name, int a, int b);

/* Append `KEY = "VALUE"\n`; the value is written as is, like libvirt. */
VMX_INTERNAL void vmx__d2v_kv(vmx_buf *b, const char *key, const char *value);
/* Append `PREFIXSUFFIX = "VALUE"\n`. */
VMX_INTERNAL void vmx__d2v_pkv(vmx_buf *b, const vmx__d2v_prefix *p, const char *suffix,
                               const char *value);
/* Append `PREFIXSUFFIX = "NUMBER"\n` for a signed number. */
VMX_INTERNAL void vmx__d2v_pkv_ll(vmx_buf *b, const vmx__d2v_prefix *p,
                                  const char *suffix, long long value);
/* Append a decimal number. */
VMX_INTERNAL void vmx__d2v_put_ull(vmx_buf *b, unsigned long long v);
VMX_INTERNAL void vmx__d2v_put_ll(vmx_buf *b, long long v);

/* Parse a UUID (32 hex digits, '-' allowed between them, surrounding spaces
 * ignored, as libvirt's virUUIDParse) into 16 bytes. */
VMX_INTERNAL int vmx__d2v_parse_uuid(unsigned char out[16], const char *s);
/* Append the 16 bytes as "xx xx xx xx xx xx xx xx-xx xx xx xx xx xx xx xx". */
VMX_INTERNAL void vmx__d2v_put_uuid_vmx(vmx_buf *b, const unsigned char u[16]);

/* The caller is about to write what libvirt 9.0's writer refuses, with
 * libvirt's error @code, @key and message: 0 to go on (lossless mode, or the
 * second pass), the error with VMX_CONVERT_STRICT, else VMX__D2V_BEYOND. */
VMX_INTERNAL int vmx__d2v_beyond_libvirt(vmx__d2v *c, int code, const char *key,
                                         const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Record an error about @key (an XML element path) and return @code. */
VMX_INTERNAL int vmx__d2v_error(vmx__d2v *c, int code, const char *key, const char *fmt,
                                ...) __attribute__((format(printf, 4, 5)));
VMX_INTERNAL int vmx__d2v_nomem(vmx__d2v *c);

/* Map a disk source or character device file name to its VMX file name
 * (datastore mapping) and append it. */
VMX_INTERNAL int vmx__d2v_put_filename(vmx__d2v *c, const vmx__d2v_prefix *p,
                                       const char *suffix, const char *source,
                                       const char *key);

/* Device families, in the order virVMXFormatConfig writes them. */
VMX_INTERNAL int vmx__d2v_disks(vmx__d2v *c);
VMX_INTERNAL int vmx__d2v_nets(vmx__d2v *c);
VMX_INTERNAL int vmx__d2v_serials(vmx__d2v *c);
VMX_INTERNAL int vmx__d2v_parallels(vmx__d2v *c);

/* Lossless mode (domain2vmx_lossless.c): USB controllers, sound, TPM and
 * secure boot; then, on the finished text, the domain's extra keys (a value
 * replaces the writer's line for its key, a NULL value removes it). */
VMX_INTERNAL int vmx__d2v_lossless_devices(vmx__d2v *c);
VMX_INTERNAL int vmx__d2v_apply_extras(vmx__d2v *c);

#endif
