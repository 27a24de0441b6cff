/* VMX file names <-> libvirt disk source names ("[datastore] path").
 *
 * VMX_DATASTORE_MAP_LIBVIRT reproduces the callbacks of libvirt 9.0's own
 * test suite (vmx2xmltest.c / xml2vmxtest.c), which is what lvref and the
 * expected outputs under testdata/libvirt use. That includes the suite's
 * stand-in for a datastore file that does not exist: a datastore named
 * "missing", or a path inside a datastore that starts with "missing", is
 * treated as absent (see vmx__filename_from_vmx_missing). */
#include "config.h"
#include "domain_private.h"

#include <stdarg.h>
#include <string.h>

#include "buf.h"

#define VMFS_VOLUMES "/vmfs/volumes/"

static bool map_none(const vmx_convert_options *opts)
{
    return opts && opts->datastore_map == VMX_DATASTORE_MAP_NONE;
}

static int dup_out(char **out, const char *s, vmx_error *err)
{
    *out = vmx__strdup(s);
    if (!*out)
        return vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
    return 0;
}

static int printf_out(char **out, vmx_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int printf_out(char **out, vmx_error *err, const char *fmt, ...)
{
    vmx_buf b = VMX_BUF_INIT;
    va_list ap;

    va_start(ap, fmt);
    vmx_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    if (b.failed) {
        vmx_buf_dispose(&b);
        return vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
    }
    *out = vmx_buf_detach(&b, NULL);
    if (!*out)
        return vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
    return 0;
}

/* Split "/vmfs/volumes/DS/PATH" as libvirt 9.0's test callback (lvref) does:
 * the datastore runs up to the next '/' (it may be empty: ".../volumes//x"
 * gives "[] x"), and the path after it must not be empty. */
static bool split_vmfs(const char *name, const char **ds, size_t *dslen,
                       const char **path)
{
    const char *p = name + strlen(VMFS_VOLUMES), *slash = strchr(p, '/');

    if (!slash || !slash[1])
        return false;
    *ds = p;
    *dslen = (size_t)(slash - p);
    *path = slash + 1;
    return true;
}

int vmx__filename_from_vmx_missing(bool *missing, const char *vmx_name,
                                   const vmx_convert_options *opts)
{
    const char *ds, *path;
    size_t dslen;

    *missing = false;
    if (map_none(opts) || strncmp(vmx_name, VMFS_VOLUMES, strlen(VMFS_VOLUMES)) != 0)
        return 0;
    if (!split_vmfs(vmx_name, &ds, &dslen, &path))
        return 0;
    *missing = (dslen == 7 && strncmp(ds, "missing", 7) == 0) ||
               strncmp(path, "missing", 7) == 0;
    return 0;
}

int vmx__filename_from_vmx(char **out, const char *vmx_name,
                           const vmx_convert_options *opts, vmx_error *err)
{
    const char *ds, *path;
    size_t dslen;

    *out = NULL;
    if (map_none(opts))
        return dup_out(out, vmx_name, err);
    if (strncmp(vmx_name, VMFS_VOLUMES, strlen(VMFS_VOLUMES)) == 0) {
        if (!split_vmfs(vmx_name, &ds, &dslen, &path))
            return vmx_error_set(err, VMX_EINVAL, NULL, 0, NULL,
                                 "file name '%s' does not name a file in a datastore",
                                 vmx_name);
        if (dslen > 0x7fffffff)
            return vmx_error_set(err, VMX_ELIMIT, NULL, 0, NULL, "file name too long");
        return printf_out(out, err, "[%.*s] %s", (int)dslen, ds, path);
    }
    if (vmx_name[0] == '/')
        return dup_out(out, vmx_name, err);
    if (strchr(vmx_name, '/'))
        return vmx_error_set(err, VMX_EINVAL, NULL, 0, NULL,
                             "relative file name '%s' is not supported", vmx_name);
    return printf_out(out, err, "[datastore] directory/%s", vmx_name);
}

int vmx__filename_to_vmx(char **out, const char *source, const vmx_convert_options *opts,
                         vmx_error *err)
{
    const char *ds, *end, *path;

    *out = NULL;
    if (map_none(opts))
        return dup_out(out, source, err);
    if (source[0] == '[') {
        /* "[DS] PATH": the datastore runs up to the first ']' and must not be
         * empty; spaces after the ']' are skipped; PATH may be empty */
        ds = source + 1;
        end = strchr(ds, ']');
        if (!end || end == ds)
            return vmx_error_set(err, VMX_EINVAL, NULL, 0, NULL,
                                 "datastore path '%s' has no datastore name", source);
        path = end + 1;
        path += strspn(path, " ");
        if ((size_t)(end - ds) > 0x7fffffff)
            return vmx_error_set(err, VMX_ELIMIT, NULL, 0, NULL, "file name too long");
        return printf_out(out, err, "/vmfs/volumes/%.*s/%s", (int)(end - ds), ds, path);
    }
    if (source[0] == '/')
        return dup_out(out, source, err);
    return vmx_error_set(err, VMX_EINVAL, NULL, 0, NULL,
                         "file name '%s' is neither absolute nor a datastore path",
                         source);
}
