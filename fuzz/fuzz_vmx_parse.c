/* The VMX file layer: parse (tolerant and strict), then write back and
 * compare with the input byte for byte; then change the parse and check that
 * the result parses again and holds the change. */
#include "fuzz.h"

#include <strings.h>

static void walk(const vmx_config *cfg)
{
    size_t i, n = vmx_config_count(cfg);

    for (i = 0; i < n; i++) {
        const char *key, *value;
        unsigned long line;

        FUZZ_CHECK(vmx_config_entry(cfg, i, &key, &value, &line) == 0, "entry %zu", i);
        FUZZ_CHECK(key && value && line > 0, "entry %zu", i);
        /* the lookup finds an entry of the same key (the last one) */
        FUZZ_CHECK(vmx_config_get(cfg, key) != NULL, "key '%s' not found", key);
    }
    FUZZ_CHECK(vmx_config_entry(cfg, n, NULL, NULL, NULL) == VMX_EINVAL, "entry %zu", n);
    n = vmx_config_diag_count(cfg);
    for (i = 0; i < n; i++) {
        const vmx_diag *d = vmx_config_diag(cfg, i);

        FUZZ_CHECK(d && d->code && d->key && d->message && d->line > 0, "diag %zu", i);
        FUZZ_CHECK(strchr(d->message, '\n') == NULL, "diag %zu: %s", i, d->message);
    }
    FUZZ_CHECK(vmx_config_diag(cfg, n) == NULL, "diag %zu", n);
}

/* Set a key, remove another, write, and parse the result again. */
static void modify(vmx_config *cfg)
{
    vmx_error err = VMX_ERROR_INIT;
    vmx_config *again = NULL;
    const char *first = NULL;
    char *removed = NULL, *out = NULL;
    size_t len = 0;
    int rc;

    if (vmx_config_count(cfg) > 0 && vmx_config_entry(cfg, 0, &first, NULL, NULL) == 0 &&
        strcasecmp(first, ".encoding") != 0 && strcasecmp(first, "fuzz.key") != 0)
        removed = strdup(first);
    rc = vmx_config_set(cfg, "fuzz.key", "fuzz |22value|22", &err);
    if (rc < 0) {
        fuzz_check_error(rc, &err);
        FUZZ_CHECK(rc == VMX_ENOMEM, "set: %d %s", rc, err.message);
        goto out;
    }
    if (removed)
        FUZZ_CHECK(vmx_config_remove(cfg, removed) > 0, "remove '%s'", removed);
    rc = vmx_config_write(&out, &len, cfg, &err);
    if (rc < 0) {
        fuzz_check_error(rc, &err);
        goto out;
    }
    rc = vmx_config_parse(&again, out, len, "again.vmx", NULL, &err);
    if (rc == VMX_ELIMIT || rc == VMX_ENOMEM)
        goto out;
    FUZZ_CHECK(rc == 0, "the modified file does not parse: %lu: %s [%s]", err.line,
               err.message, err.key);
    FUZZ_CHECK(fuzz_streq(vmx_config_get(again, "fuzz.key"), "fuzz |22value|22"),
               "fuzz.key is '%s'", vmx_config_get(again, "fuzz.key"));
    if (removed)
        FUZZ_CHECK(vmx_config_get(again, removed) == NULL, "'%s' is still there",
                   removed);
out:
    vmx_config_free(again);
    vmx_free(out);
    free(removed);
}

static void one(const uint8_t *data, size_t size, unsigned int flags)
{
    vmx_parse_options opts = VMX_PARSE_OPTIONS_INIT;
    vmx_error err = VMX_ERROR_INIT;
    vmx_config *cfg = NULL;
    char *out = NULL;
    size_t len = 0;
    int rc;

    opts.flags = flags;
    rc = vmx_config_parse(&cfg, (const char *)data, size, "fuzz.vmx", &opts, &err);
    if (rc < 0) {
        fuzz_check_error(rc, &err);
        FUZZ_CHECK(cfg == NULL, "config returned with an error");
        return;
    }
    walk(cfg);
    rc = vmx_config_write(&out, &len, cfg, &err);
    FUZZ_CHECK(rc == 0, "write: %d %s", rc, err.message);
    FUZZ_CHECK(len == size && memcmp(out, data, size) == 0,
               "written back as %zu bytes, read %zu", len, size);
    FUZZ_CHECK(out[len] == '\0', "not NUL-terminated");
    vmx_free(out);
    if (flags == 0)
        modify(cfg);
    vmx_config_free(cfg);
}

FUZZ_TARGET(vmx_parse)
{
    if (size > FUZZ_MAX_INPUT)
        return 0;
    one(data, size, 0);
    one(data, size, VMX_PARSE_STRICT);
    return 0;
}
