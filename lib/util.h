/* Internal helpers shared by the library modules. Not installed. */
#ifndef VMX_UTIL_H
#define VMX_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmxkit/error.h"

/* Internal functions are hidden from the shared library. */
#if defined(__GNUC__)
#define VMX_INTERNAL __attribute__((visibility("hidden")))
#else
#define VMX_INTERNAL
#endif

#define VMX_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Allocation wrappers: every allocation of the library goes through these so
 * that tests can make the Nth one fail (see vmx__alloc_fail_after). */
VMX_INTERNAL void *vmx__malloc(size_t n);
VMX_INTERNAL void *vmx__calloc(size_t n, size_t size);
VMX_INTERNAL void *vmx__realloc(void *p, size_t n);
VMX_INTERNAL char *vmx__strdup(const char *s);
VMX_INTERNAL char *vmx__strndup(const char *s, size_t n);
VMX_INTERNAL void vmx__free(void *p);

/* ASCII-only case-insensitive comparisons (locale independent). */
VMX_INTERNAL int vmx__strcasecmp(const char *a, const char *b);
VMX_INTERNAL int vmx__strncasecmp(const char *a, const char *b, size_t n);
VMX_INTERNAL bool vmx__str_has_prefix_ci(const char *s, const char *prefix);
VMX_INTERNAL bool vmx__str_has_suffix_ci(const char *s, const char *suffix);
static inline char vmx__ascii_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* Parse a decimal integer with strtoll/strtoull and full error checks. */
VMX_INTERNAL int vmx__parse_llong(long long *out, const char *s);
VMX_INTERNAL int vmx__parse_ullong(unsigned long long *out, const char *s);

#endif
