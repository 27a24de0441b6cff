/* VMX -> domain beyond libvirt: what vmx2domain_tolerant.c and
 * vmx2domain_lossless.c share. Not installed.
 *
 * vmx_domain_from_vmx() first runs the libvirt-compatible conversion on the
 * file's text. When libvirt would reject the file, the tolerant path repairs
 * the entries libvirt refuses (vmx2domain_tolerant.c) and converts again.
 * Lossless mode then maps what libvirt leaves out, and the key check
 * (vmx2domain_lossless.c) finds the VMX keys the domain does not carry: they
 * become warnings, and in lossless mode the domain's extra keys. */
#ifndef VMX_VMX2DOMAIN_LOSSLESS_H
#define VMX_VMX2DOMAIN_LOSSLESS_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"
#include "vmxkit/convert.h"

/* One entry of the VMX file as the conversion sees it. */
typedef struct vl_entry {
    const char *key;    /* borrowed from the config */
    const char *value;  /* the config's value, or `owned` when repaired */
    const char *orig;   /* the config's value */
    char *owned;        /* a repaired value (vmx__free), or NULL */
    unsigned long line; /* 1-based line in the file */
    bool dropped;       /* left out of the repaired text */
} vl_entry;

/* The entries of a config in file order. */
typedef struct vl_view {
    const vmx_config *cfg;
    const char *source;
    vl_entry *e;
    size_t n;
} vl_view;

VMX_INTERNAL int vl_view_init(vl_view *v, const vmx_config *cfg);
VMX_INTERNAL void vl_view_dispose(vl_view *v);

/* Index of the first entry named @p key (ASCII case ignored) that is not
 * dropped, or -1. */
VMX_INTERNAL long vl_find(const vl_view *v, const char *key);

/* Its value, or NULL. */
VMX_INTERNAL const char *vl_get(const vl_view *v, const char *key);

/* True when @p key holds "true" (any case). */
VMX_INTERNAL bool vl_true(const vl_view *v, const char *key);

/* Lossless mode: add to @p dom what libvirt leaves out (NVMe disks, USB
 * controllers, sound, TPM, secure boot). */
VMX_INTERNAL int vl_map_lossless(vmx_domain *dom, const vl_view *v,
                                 const vmx_convert_options *opts, vmx_error *err);

/* Leave out the devices libvirt's domain schema refuses, which libvirt's own
 * VMX reader lets through: disks whose source is neither an absolute path
 * nor "[datastore] path" (e.g. "[] dir/x.vmdk"), shared folders on other
 * than '/' paths (a Windows host's "C:\\"). Their keys are then not
 * mapped. */
VMX_INTERNAL void vl_fit_schema(vmx_domain *dom);

/* Name a domain whose VMX file has no displayName (doc/lossless.md): the base
 * name of `nvram`, else of the first hard disk's source, else "unnamed". */
VMX_INTERNAL int vl_synthesize_name(vmx_domain *dom, const vl_view *v, vmx_error *err);

/* Lossless mode: replace *@p dom by the domain its lossless XML gives when
 * read back (kept as is when the reader refuses it). */
VMX_INTERNAL int vl_normalize(vmx_domain **dom, const vmx_convert_options *opts,
                              vmx_error *err);

/* The key check: report every entry of @p v the domain does not carry to
 * opts->on_unmapped and, when @p lossless, keep them in the domain's extra
 * keys (with the keys a VMX writer adds that the file lacks, valued NULL). */
VMX_INTERNAL int vl_check_keys(vmx_domain *dom, const vl_view *v,
                               const vmx_convert_options *opts, bool lossless,
                               vmx_error *err);

#endif
