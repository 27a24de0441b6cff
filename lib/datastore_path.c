/* Datastore paths "[datastore] directory/file", parsed the way libvirt's
 * esxUtil_ParseDatastorePath does it (quirks included, see doc/escaping.md). */
#include "config.h"
#include "escape_private.h"

#include <string.h>

void vmx_datastore_path_dispose(vmx_datastore_path *path)
{
    if (!path)
        return;
    vmx__free(path->datastore);
    vmx__free(path->directory);
    vmx__free(path->file);
    vmx__free(path->directory_and_file);
    memset(path, 0, sizeof(*path));
}

int vmx_datastore_path_parse(vmx_datastore_path *out, const char *path, vmx_error *err)
{
    vmx_datastore_path res = VMX_DATASTORE_PATH_INIT;
    const char *name, *close, *rest, *slash;
    char quoted[160];
    size_t len;
    int rc;

    if (!out)
        return vmx_error_set(err, VMX_EINVAL, NULL, 0, NULL, "no output struct");
    memset(out, 0, sizeof(*out));
    if ((rc = vmx__escape_input_len(&len, path, err)) < 0)
        return rc;
    if (path[0] != '[' || path[1] == '\0' || path[1] == ']') {
        vmx__escape_quote(quoted, sizeof(quoted), path, len);
        return vmx__escape_parse_error(
            err, path[0] != '[' ? 0 : 1, "invalid datastore path '%s': %s", quoted,
            path[0] != '[' ? "it does not start with '['" : "empty datastore name");
    }
    /* The name ends at the first ']'; like libvirt, a missing ']' is
     * tolerated and leaves an empty directory_and_file. */
    name = path + 1;
    close = strchr(name, ']');
    rest = close ? close + 1 : path + len;
    rest += strspn(rest, " ");
    slash = strrchr(rest, '/');
    res.datastore = vmx__strndup(name, close ? (size_t)(close - name) : strlen(name));
    res.directory_and_file = vmx__strdup(rest);
    res.directory = vmx__strndup(rest, slash ? (size_t)(slash - rest) : strlen(rest));
    res.file = vmx__strdup(slash ? slash + 1 : rest);
    if (!res.datastore || !res.directory_and_file || !res.directory || !res.file) {
        vmx_datastore_path_dispose(&res);
        return vmx__escape_nomem(err);
    }
    *out = res;
    return 0;
}

int vmx_datastore_path_format(char **out, const vmx_datastore_path *path, vmx_error *err)
{
    vmx_buf buf = VMX_BUF_INIT;
    const char *rest;
    int rc = 0;

    if (!out)
        return vmx_error_set(err, VMX_EINVAL, NULL, 0, NULL, "no output pointer");
    *out = NULL;
    if (!path || !path->datastore || !path->datastore[0])
        return vmx_error_set(err, VMX_EINVAL, NULL, 0, NULL, "empty datastore name");
    if (strchr(path->datastore, ']'))
        return vmx_error_set(err, VMX_EINVAL, NULL, 0, NULL,
                             "datastore name '%s' contains ']'", path->datastore);
    rest = path->directory_and_file ? path->directory_and_file : "";
    if (rest[0] == ' ')
        return vmx_error_set(err, VMX_EINVAL, NULL, 0, NULL,
                             "path '%s' starts with a space", rest);
    if (strnlen(path->datastore, VMX_ESCAPE_MAX_INPUT + 1) > VMX_ESCAPE_MAX_INPUT ||
        strnlen(rest, VMX_ESCAPE_MAX_INPUT + 1) > VMX_ESCAPE_MAX_INPUT)
        return vmx_error_set(err, VMX_ELIMIT, NULL, 0, NULL,
                             "input longer than %zu bytes", VMX_ESCAPE_MAX_INPUT);
    vmx_buf_putc(&buf, '[');
    vmx_buf_puts(&buf, path->datastore);
    vmx_buf_putc(&buf, ']');
    if (rest[0]) {
        vmx_buf_putc(&buf, ' ');
        vmx_buf_puts(&buf, rest);
    }
    *out = vmx_buf_detach(&buf, NULL);
    if (!*out)
        rc = vmx__escape_nomem(err);
    vmx_buf_dispose(&buf);
    return rc;
}
