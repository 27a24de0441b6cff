#include "config.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Allocation-failure injection for tests: when the counter is positive it is
 * decremented on each allocation, and the allocation that brings it to zero
 * fails. Zero disables injection. */
static long alloc_fail_countdown;

VMX_EXTERN void vmx__alloc_fail_after(long n);
void vmx__alloc_fail_after(long n)
{
    alloc_fail_countdown = n;
}

static int should_fail(void)
{
    if (alloc_fail_countdown <= 0)
        return 0;
    return --alloc_fail_countdown == 0;
}

void *vmx__malloc(size_t n)
{
    return should_fail() ? NULL : malloc(n ? n : 1);
}

void *vmx__calloc(size_t n, size_t size)
{
    return should_fail() ? NULL : calloc(n ? n : 1, size ? size : 1);
}

void *vmx__realloc(void *p, size_t n)
{
    return should_fail() ? NULL : realloc(p, n ? n : 1);
}

char *vmx__strndup(const char *s, size_t n)
{
    char *d = vmx__malloc(n + 1);

    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *vmx__strdup(const char *s)
{
    return vmx__strndup(s, strlen(s));
}

void vmx__free(void *p)
{
    free(p);
}

int vmx__strncasecmp(const char *a, const char *b, size_t n)
{
    for (; n > 0; n--, a++, b++) {
        int ca = (unsigned char)vmx__ascii_lower(*a);
        int cb = (unsigned char)vmx__ascii_lower(*b);

        if (ca != cb || ca == 0)
            return ca - cb;
    }
    return 0;
}

int vmx__strcasecmp(const char *a, const char *b)
{
    return vmx__strncasecmp(a, b, (size_t)-1);
}

bool vmx__str_has_prefix_ci(const char *s, const char *prefix)
{
    return vmx__strncasecmp(s, prefix, strlen(prefix)) == 0;
}

bool vmx__str_has_suffix_ci(const char *s, const char *suffix)
{
    size_t ls = strlen(s), lx = strlen(suffix);

    return ls >= lx && vmx__strcasecmp(s + ls - lx, suffix) == 0;
}

int vmx__parse_llong(long long *out, const char *s)
{
    char *end;
    long long v;

    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno == ERANGE)
        return VMX_ELIMIT;
    if (errno != 0 || end == s || *end != '\0')
        return VMX_EINVAL;
    *out = v;
    return 0;
}

int vmx__parse_ullong(unsigned long long *out, const char *s)
{
    char *end;
    unsigned long long v;

    while (*s == ' ')
        s++;
    if (*s == '-')
        return VMX_EINVAL;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno == ERANGE)
        return VMX_ELIMIT;
    if (errno != 0 || end == s || *end != '\0')
        return VMX_EINVAL;
    *out = v;
    return 0;
}
