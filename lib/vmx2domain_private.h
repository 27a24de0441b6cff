/* VMX -> domain conversion: what its files share. Not installed.
 *
 * The conversion reads the VMX text the way libvirt 9.0 does (its virConf
 * reader in VMX mode: quoted values only, the FIRST occurrence of a key wins,
 * `.encoding` converted with libxml2), so that it accepts and rejects what
 * libvirt does. vmx2domain_entries.c holds that reader and the typed lookups
 * (libvirt's virVMXGetConfig*), the other files map one concern each:
 *   vmx2domain.c         entry point, general settings, graphics, video,
 *                        shared folders
 *   vmx2domain_disk.c    SCSI/SATA/IDE disks, CD-ROMs, floppies, controllers
 *   vmx2domain_net.c     ethernet adapters
 *   vmx2domain_serial.c  serial and parallel ports
 */
#ifndef VMX_VMX2DOMAIN_PRIVATE_H
#define VMX_VMX2DOMAIN_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain_private.h"
#include "util.h"

/* One `key = "value"` statement, in file order. */
typedef struct v2d_entry {
    const char *key;    /* NUL-terminated, as spelt in the file */
    const char *value;  /* NUL-terminated UTF-8 */
    unsigned long line; /* 1-based line of the key */
    uint32_t hash;      /* of the ASCII-folded key, for the index */
} v2d_entry;

/* Which device prefixes occur in keys (`<prefix>.` in any case, the number
 * spelt as "%d" writes it), found in one scan when the text is read. A slot
 * with no key at all reads as absent, so the device parsers skip the slots
 * whose bit is clear instead of looking up each of their keys. */
typedef struct v2d_present {
    uint64_t scsi_unit[4];  /* bit U: a key scsiC:U. (U < 64) */
    uint32_t sata_unit[4];  /* bit U: a key sataC:U. (U < 30) */
    unsigned char scsi;     /* bit C: a key scsiC. (C < 4) */
    unsigned char sata;     /* bit C: a key sataC. (C < 4) */
    unsigned char ide;      /* bit B * 2 + U: a key ideB:U. */
    unsigned char floppy;   /* bit U: a key floppyU. (U < 2) */
    unsigned char serial;   /* bit N: a key serialN. (N < 4) */
    unsigned char parallel; /* bit N: a key parallelN. (N < 3) */
} v2d_present;

typedef struct v2d_ctx {
    const char *source; /* file name for errors, may be NULL */
    const vmx_convert_options *opts;
    vmx_error *err;
    vmx_domain *dom;

    char *arena;        /* a copy of the text, keys and values cut in place */
    v2d_entry *entries; /* file order */
    size_t nentries;
    uint32_t *slots;    /* hash index by ASCII-folded key: index + 1 of the
                           key's FIRST entry, 0 for an empty slot */
    size_t nslots;      /* a power of two */
    v2d_present present;

    unsigned int scsi_bus_max_unit; /* 16, or 64 from virtualHW.version 13 */
} v2d_ctx;

/* Read @p text (@p len bytes; like libvirt, only up to the first NUL) as
 * libvirt's virConf does in VMX mode, converting from `.encoding` when it is
 * not UTF-8. Syntax errors are VMX_EPARSE with libvirt's line. */
VMX_INTERNAL int v2d_read(v2d_ctx *ctx, const char *text, size_t len);
VMX_INTERNAL void v2d_dispose(v2d_ctx *ctx);

/* The first entry named @p key (ASCII case ignored), or NULL. */
VMX_INTERNAL const v2d_entry *v2d_find(const v2d_ctx *ctx, const char *key);

/* Key names without printf: v2d_device_name writes "<bus><a>", or
 * "<bus><a>:<b>" when @p b >= 0, as "%s%d:%d" would (@p out holds at least
 * 32 bytes; a, b >= 0) and returns its length; v2d_key_join writes
 * "<prefix>.<name>" into @p size bytes, cut to fit. */
VMX_INTERNAL size_t v2d_device_name(char *out, const char *bus, int a, int b);
VMX_INTERNAL void v2d_key_join(char *out, size_t size, const char *prefix,
                               const char *name);

/* Typed lookups, as libvirt's virVMXGetConfig*: an absent key gives the
 * default when @p optional, else "missing value". Strings are borrowed from
 * the context. */
VMX_INTERNAL int v2d_get_string(v2d_ctx *ctx, const char *key, const char **out,
                                bool optional);
/* A decimal integer; "unlimited" (any case) reads as -1. */
VMX_INTERNAL int v2d_get_long(v2d_ctx *ctx, const char *key, long long *out,
                              long long def, bool optional);
/* "true" or "false", any case. */
VMX_INTERNAL int v2d_get_bool(v2d_ctx *ctx, const char *key, bool *out, bool def,
                              bool optional);
/* A UUID in libvirt's liberal syntax, returned canonical (36 chars + NUL);
 * *found tells whether the key was there. */
VMX_INTERNAL int v2d_get_uuid(v2d_ctx *ctx, const char *key, char out[37], bool *found);

/* Parse a UUID as libvirt's virUUIDParse: 32 hex digits in pairs, '-' and
 * ' ' allowed between pairs, surrounding whitespace. */
VMX_INTERNAL bool v2d_uuid_parse(const char *s, char out[37]);

/* Record an error about @p key (its line when the key is present). */
VMX_INTERNAL int v2d_error(v2d_ctx *ctx, int code, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Copy @p s into *dst (NULL stays NULL); VMX_ENOMEM on failure. */
VMX_INTERNAL int v2d_strdup(v2d_ctx *ctx, char **dst, const char *s);
VMX_INTERNAL int v2d_nomem(v2d_ctx *ctx);

/* ASCII case-insensitive equality and suffix test. */
VMX_INTERNAL bool v2d_streq_ci(const char *a, const char *b);

/* libvirt's virVMXParseConfig over VMX text (@p len bytes), with its checks
 * and post-parse: the strict, libvirt-compatible conversion. *out is owned by
 * the caller. vmx_domain_from_vmx() (vmx2domain_tolerant.c) calls it. */
VMX_INTERNAL int v2d_convert_text(vmx_domain **out, const char *text, size_t len,
                                  const char *source, const vmx_convert_options *opts,
                                  vmx_error *err);

/* Devices, in the order libvirt parses them. */
VMX_INTERNAL int v2d_parse_disks(v2d_ctx *ctx);
VMX_INTERNAL int v2d_parse_ethernets(v2d_ctx *ctx);
VMX_INTERNAL int v2d_parse_serials(v2d_ctx *ctx);
VMX_INTERNAL int v2d_parse_parallels(v2d_ctx *ctx);

/* Map a VMX file name to a source name with libvirt's callback; the
 * "missing" stand-in gives *out = NULL when @p allow_missing. */
VMX_INTERNAL int v2d_file_name(v2d_ctx *ctx, const char *key, const char *name,
                               bool allow_missing, char **out);

/* Indices N of the keys `<prefix>N.` present in the file, ascending and
 * distinct (e.g. prefix "ethernet"). *out is owned by the caller (vmx__free).
 * Keys whose index does not parse are reported through @p bad when non-NULL
 * (first one only) and otherwise skipped. */
VMX_INTERNAL int v2d_key_indices(v2d_ctx *ctx, const char *prefix, long long **out,
                                 size_t *n, const v2d_entry **bad);

#endif
