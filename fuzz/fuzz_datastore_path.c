/* The datastore path parser (`[datastore] directory/file`): what it accepts
 * formats back to a path that parses to the same parts. */
#include "fuzz.h"

FUZZ_TARGET(datastore_path)
{
    vmx_datastore_path p = VMX_DATASTORE_PATH_INIT, q = VMX_DATASTORE_PATH_INIT;
    vmx_error err = VMX_ERROR_INIT;
    char *in, *formatted = NULL;
    size_t dlen;
    int rc;

    if (size > FUZZ_MAX_INPUT || !(in = fuzz_cstring(data, size)))
        return 0;
    rc = vmx_datastore_path_parse(&p, in, &err);
    if (rc < 0) {
        fuzz_check_error(rc, &err);
        FUZZ_CHECK(!p.datastore && !p.directory && !p.file && !p.directory_and_file,
                   "parts left after an error");
        goto out;
    }
    FUZZ_CHECK(p.datastore && p.directory && p.file && p.directory_and_file, "NULL part");
    FUZZ_CHECK(p.datastore[0] != '\0', "empty datastore in '%s'", in);
    FUZZ_CHECK(strchr(p.datastore, ']') == NULL, "']' in the datastore of '%s'", in);
    /* directory_and_file is the directory, '/', the file, unless it has no '/' */
    dlen = strlen(p.directory);
    if (strchr(p.directory_and_file, '/'))
        FUZZ_CHECK(strncmp(p.directory_and_file, p.directory, dlen) == 0 &&
                       p.directory_and_file[dlen] == '/' &&
                       strcmp(p.directory_and_file + dlen + 1, p.file) == 0,
                   "'%s' split as '%s' + '%s'", p.directory_and_file, p.directory,
                   p.file);
    else
        FUZZ_CHECK(strcmp(p.directory, p.directory_and_file) == 0 &&
                       strcmp(p.file, p.directory_and_file) == 0,
                   "'%s' split as '%s' + '%s'", p.directory_and_file, p.directory,
                   p.file);
    rc = vmx_datastore_path_format(&formatted, &p, &err);
    if (rc == VMX_ENOMEM)
        goto out;
    FUZZ_CHECK(rc == 0, "'%s' does not format: %s", in, err.message);
    rc = vmx_datastore_path_parse(&q, formatted, &err);
    if (rc == VMX_ENOMEM)
        goto out;
    FUZZ_CHECK(rc == 0, "'%s' -> '%s' does not parse: %s", in, formatted, err.message);
    FUZZ_CHECK(strcmp(p.datastore, q.datastore) == 0 &&
                   strcmp(p.directory_and_file, q.directory_and_file) == 0 &&
                   strcmp(p.directory, q.directory) == 0 && strcmp(p.file, q.file) == 0,
               "'%s' -> '%s' parses differently", in, formatted);
out:
    vmx_datastore_path_dispose(&p);
    vmx_datastore_path_dispose(&q);
    vmx_free(formatted);
    free(in);
    return 0;
}
