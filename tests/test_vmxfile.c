/* The VMX file layer: lossless parse and write, lookups, edits, encodings,
 * the tolerant reader's diagnostics and the hard errors. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmxkit/vmxkit.h"

/* Exported for tests by lib/util.c: make the Nth allocation fail. */
void vmx__alloc_fail_after(long n);

/* -- helpers */

/* Read a whole file (NUL-terminated); NULL if it cannot be read. */
static char *test_read_file(const char *path, size_t *len)
{
    char *data = NULL;
    size_t n = 0;
    vmx_error err = VMX_ERROR_INIT;

    if (vmx_file_read(&data, &n, path, 0, &err) < 0)
        return NULL;
    if (len)
        *len = n;
    return data;
}

static vmx_config *parse_ok(const char *text)
{
    vmx_config *cfg = NULL;
    vmx_error err = VMX_ERROR_INIT;
    int rc = vmx_config_parse(&cfg, text, strlen(text), "t.vmx", NULL, &err);

    cr_assert_eq(rc, 0, "parse failed: %d %lu %s", rc, err.line, err.message);
    cr_assert_not_null(cfg);
    return cfg;
}

static vmx_config *parse_file_ok(const char *path)
{
    vmx_config *cfg = NULL;
    vmx_error err = VMX_ERROR_INIT;
    int rc = vmx_config_parse_file(&cfg, path, NULL, &err);

    cr_assert_eq(rc, 0, "%s: %lu: %s", path, err.line, err.message);
    return cfg;
}

static int parse_err(const char *buf, size_t len, const vmx_parse_options *opts,
                     vmx_error *err)
{
    vmx_config *cfg = (vmx_config *)1;
    int rc = vmx_config_parse(&cfg, buf, len, "bad.vmx", opts, err);

    cr_assert_null(cfg, "no config on failure");
    return rc;
}

static char *write_str(const vmx_config *cfg, size_t *len)
{
    char *out = NULL;
    vmx_error err = VMX_ERROR_INIT;

    cr_assert_eq(vmx_config_write(&out, len, cfg, &err), 0, "%s", err.message);
    cr_assert_not_null(out);
    return out;
}

#define ASSERT_WRITTEN(cfg, lit) assert_written((cfg), (lit), sizeof(lit) - 1)

static void assert_written(const vmx_config *cfg, const char *expected, size_t explen)
{
    size_t len;
    char *out = write_str(cfg, &len);

    cr_assert_eq(len, explen, "length %zu, expected %zu:\n%s", len, explen, out);
    cr_assert(memcmp(out, expected, len) == 0, "written:\n%s\nexpected:\n%s", out,
              expected);
    vmx_free(out);
}

static const vmx_diag *find_diag(const vmx_config *cfg, const char *code,
                                 unsigned long line)
{
    size_t i;

    for (i = 0; i < vmx_config_diag_count(cfg); i++) {
        const vmx_diag *d = vmx_config_diag(cfg, i);

        if (strcmp(d->code, code) == 0 && d->line == line)
            return d;
    }
    return NULL;
}

static size_t count_diags(const vmx_config *cfg, const char *code)
{
    size_t i, n = 0;

    for (i = 0; i < vmx_config_diag_count(cfg); i++)
        if (strcmp(vmx_config_diag(cfg, i)->code, code) == 0)
            n++;
    return n;
}

static bool has_suffix(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);

    return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* Parse every *.vmx of @dir, write it back and compare; returns the number
 * of files compared. Files named in @may_fail may fail instead, with a line
 * and a message. */
static size_t roundtrip_dir(const char *dir, const char *may_fail_prefix, size_t *failed)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t n = 0;

    cr_assert_not_null(d, "cannot open %s", dir);
    *failed = 0;
    while ((e = readdir(d)) != NULL) {
        char path[1024];
        char *data, *out;
        size_t len, olen;
        vmx_config *cfg = NULL;
        vmx_error err = VMX_ERROR_INIT;
        int rc;

        if (!has_suffix(e->d_name, ".vmx"))
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        data = test_read_file(path, &len);
        cr_assert_not_null(data, "%s", path);
        rc = vmx_config_parse(&cfg, data, len, path, NULL, &err);
        if (rc < 0) {
            cr_assert(may_fail_prefix && strncmp(e->d_name, may_fail_prefix,
                                                 strlen(may_fail_prefix)) == 0,
                      "%s:%lu: %s", path, err.line, err.message);
            cr_assert_eq(rc, VMX_EPARSE);
            cr_assert_gt(err.line, 0);
            cr_assert_neq(err.message[0], '\0');
            cr_assert_str_eq(err.source, path);
            (*failed)++;
        } else {
            cr_assert_eq(vmx_config_write(&out, &olen, cfg, &err), 0);
            cr_assert_eq(olen, len, "%s: %zu bytes written, %zu read", path, olen, len);
            cr_assert(memcmp(out, data, len) == 0, "%s differs after a rewrite", path);
            vmx_free(out);
            n++;
        }
        vmx_config_free(cfg);
        free(data);
    }
    closedir(d);
    return n;
}

/* -- lossless round trip */

Test(vmxfile, roundtrip_wild_corpus_is_byte_identical)
{
    size_t failed, n = roundtrip_dir(TESTDATA_DIR "/wild", "vmconfig__fail-", &failed);

    cr_assert_gt(n + failed, 80, "only %zu files checked", n + failed);
    cr_assert_geq(n, 80, "only %zu files round-tripped", n);
    cr_assert_eq(failed, 4, "%zu files failed", failed);
}

Test(vmxfile, roundtrip_libvirt_corpus_is_byte_identical)
{
    size_t failed, n = roundtrip_dir(TESTDATA_DIR "/libvirt/vmx2xml", NULL, &failed);

    cr_assert_gt(n, 70, "only %zu files checked", n);
    cr_assert_eq(failed, 0);
}

Test(vmxfile, wild_fail_files_fail_with_clear_errors)
{
    static const struct {
        const char *file, *message, *key;
    } cases[] = {
        {"vmconfig__fail-1.vmx", "unterminated quoted value", "key1"},
        {"vmconfig__fail-2.vmx", "space in key", "key 1"},
        {"vmconfig__fail-3.vmx", "missing '=' after key", "key"},
        {"vmconfig__fail-4.vmx", "missing '=' after key", "keyvalue"},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char path[512];
        vmx_config *cfg = NULL;
        vmx_error err = VMX_ERROR_INIT;

        snprintf(path, sizeof(path), TESTDATA_DIR "/wild/%s", cases[i].file);
        cr_assert_eq(vmx_config_parse_file(&cfg, path, NULL, &err), VMX_EPARSE);
        cr_assert_null(cfg);
        cr_assert_eq(err.line, 1, "%s", cases[i].file);
        cr_assert_str_eq(err.message, cases[i].message);
        cr_assert_str_eq(err.key, cases[i].key);
        cr_assert_str_eq(err.source, path);
    }
}

Test(vmxfile, encrypted_vmx_round_trips)
{
    const char *path = TESTDATA_DIR "/wild/policehon__Windows_10_x64_encrypted.vmx";
    size_t len;
    char *data = test_read_file(path, &len);
    vmx_config *cfg = parse_file_ok(path);

    cr_assert_not_null(vmx_config_get(cfg, "encryption.data"));
    cr_assert_str_eq(vmx_config_encoding(cfg), "GBK");
    assert_written(cfg, data, len);
    vmx_config_free(cfg);
    free(data);
}

Test(vmxfile, keeps_shebang_comments_blanks_crlf_and_missing_final_newline)
{
    static const char text[] = "#!/usr/bin/vmware\r\n"
                               ".encoding = \"UTF-8\"\n"
                               "\r\n"
                               "   \t\n"
                               "# a comment\r\n"
                               "  Memsize=\"512\"   \n"
                               "guestOS = \"other\" # trailing\r\n"
                               "displayName = \"last\"";
    vmx_config *cfg = parse_ok(text);
    const char *k, *v;
    unsigned long line;

    cr_assert_eq(vmx_config_count(cfg), 4);
    cr_assert_eq(vmx_config_entry(cfg, 1, &k, &v, &line), 0);
    cr_assert_str_eq(k, "Memsize");
    cr_assert_str_eq(v, "512");
    cr_assert_eq(line, 6);
    cr_assert_eq(vmx_config_entry(cfg, 3, &k, &v, &line), 0);
    cr_assert_str_eq(k, "displayName");
    cr_assert_eq(line, 8);
    cr_assert_str_eq(vmx_config_get(cfg, "guestos"), "other");
    assert_written(cfg, text, sizeof(text) - 1);
    vmx_config_free(cfg);
}

Test(vmxfile, byte_order_mark_is_kept_and_skipped)
{
    static const char text[] = "\xEF\xBB\xBF.encoding = \"UTF-8\"\nmemsize = \"4\"\n";
    vmx_config *cfg = parse_ok(text);

    cr_assert_str_eq(vmx_config_encoding(cfg), "UTF-8");
    cr_assert_eq(vmx_config_diag_count(cfg), 0);
    assert_written(cfg, text, sizeof(text) - 1);
    cr_assert_eq(vmx_config_set(cfg, ".encoding", "utf-8", NULL), 0);
    ASSERT_WRITTEN(cfg, "\xEF\xBB\xBF.encoding = \"utf-8\"\nmemsize = \"4\"\n");
    vmx_config_free(cfg);
}

/* Fuzz finding F1: a key that begins with U+FEFF becomes the first line. */
Test(vmxfile, feff_key_promoted_to_the_first_line_gets_a_byte_order_mark)
{
    static const char text[] = "q=\n\xEF\xBB\xBF=";
    static const char bom_text[] = "\xEF\xBB\xBFq=\n\xEF\xBB\xBF=";
    vmx_config *cfg = parse_ok(text), *again;
    vmx_error err = VMX_ERROR_INIT;
    const char *k;
    char *out = NULL;
    size_t len = 0;

    cr_assert_eq(vmx_config_count(cfg), 2);
    cr_assert_eq(vmx_config_remove(cfg, "q"), 1);
    /* the written file starts with a byte order mark, then the line as it was */
    ASSERT_WRITTEN(cfg, "\xEF\xBB\xBF\xEF\xBB\xBF=");
    cr_assert_eq(vmx_config_write(&out, &len, cfg, &err), 0);
    cr_assert_eq(vmx_config_parse(&again, out, len, "again.vmx", NULL, &err), 0,
                 "%lu: %s", err.line, err.message);
    cr_assert_eq(vmx_config_count(again), 1);
    cr_assert_eq(vmx_config_entry(again, 0, &k, NULL, NULL), 0);
    cr_assert_str_eq(k, "\xEF\xBB\xBF");
    assert_written(again, out, len); /* and stays so */
    vmx_config_free(again);
    vmx_free(out);
    vmx_config_free(cfg);

    /* a file with a mark keeps exactly one */
    cfg = parse_ok(bom_text);
    cr_assert_eq(vmx_config_remove(cfg, "q"), 1);
    ASSERT_WRITTEN(cfg, "\xEF\xBB\xBF\xEF\xBB\xBF=");
    vmx_config_free(cfg);

    /* so does a new config whose first key is set to begin with U+FEFF */
    cr_assert_eq(vmx_config_new(&cfg), 0);
    cr_assert_eq(vmx_config_set(cfg, "\xEF\xBB\xBFx", "1", NULL), 0);
    ASSERT_WRITTEN(cfg, "\xEF\xBB\xBF\xEF\xBB\xBFx = \"1\"\n");
    vmx_config_free(cfg);
}

Test(vmxfile, empty_input_and_new_config)
{
    vmx_config *cfg = parse_ok("");

    cr_assert_eq(vmx_config_count(cfg), 0);
    cr_assert_null(vmx_config_encoding(cfg));
    ASSERT_WRITTEN(cfg, "");
    vmx_config_free(cfg);

    cr_assert_eq(vmx_config_new(&cfg), 0);
    cr_assert_str_eq(vmx_config_source(cfg), "");
    cr_assert_eq(vmx_config_set(cfg, "config.version", "8", NULL), 0);
    cr_assert_eq(vmx_config_set(cfg, "displayName", "caf\xC3\xA9", NULL), 0);
    ASSERT_WRITTEN(cfg, "config.version = \"8\"\ndisplayName = \"caf\xC3\xA9\"\n");
    vmx_config_free(cfg);
    vmx_config_free(NULL);
}

/* -- lookups */

Test(vmxfile, lookup_ignores_ascii_case)
{
    vmx_config *cfg =
        parse_ok("ethernet0.virtualDev = \"e1000\"\nRemoteDisplay.vnc.port = "
                 "\"5900\"\n");

    cr_assert_str_eq(vmx_config_get(cfg, "Ethernet0.VirtualDev"), "e1000");
    cr_assert_str_eq(vmx_config_get(cfg, "ETHERNET0.VIRTUALDEV"), "e1000");
    cr_assert_str_eq(vmx_config_get(cfg, "remotedisplay.vnc.port"), "5900");
    cr_assert_null(vmx_config_get(cfg, "ethernet0.virtualDe"));
    cr_assert_null(vmx_config_get(cfg, "ethernet1.virtualDev"));
    cr_assert_eq(vmx_config_get_line(cfg, "REMOTEDISPLAY.VNC.PORT"), 2);
    cr_assert_eq(vmx_config_get_line(cfg, "nope"), 0);
    cr_assert_str_eq(vmx_config_source(cfg), "t.vmx");
    vmx_config_free(cfg);
}

Test(vmxfile, entry_out_of_range_is_einval)
{
    vmx_config *cfg = parse_ok("a = \"1\"\n# c\n");
    const char *k = NULL;

    cr_assert_eq(vmx_config_entry(cfg, 0, &k, NULL, NULL), 0);
    cr_assert_str_eq(k, "a");
    cr_assert_eq(vmx_config_entry(cfg, 1, &k, NULL, NULL), VMX_EINVAL);
    cr_assert_null(vmx_config_diag(cfg, 0));
    vmx_config_free(cfg);
}

Test(vmxfile, many_keys_stay_reachable)
{
    char *text = malloc(20000 * 32), *p = text, key[32], val[32];
    vmx_config *cfg;
    size_t i;

    for (i = 0; i < 20000; i++)
        p += snprintf(p, 32, "Key%zu.Sub = \"v%zu\"\n", i, i * 7);
    cfg = parse_ok(text);
    cr_assert_eq(vmx_config_count(cfg), 20000);
    for (i = 0; i < 20000; i += 1) {
        snprintf(key, sizeof(key), "key%zu.sub", i);
        snprintf(val, sizeof(val), "v%zu", i * 7);
        cr_assert_str_eq(vmx_config_get(cfg, key), val);
    }
    vmx_config_free(cfg);
    free(text);
}

/* -- the tolerant reader */

Test(vmxfile, unquoted_values_are_read_with_a_warning)
{
    vmx_config *cfg = parse_ok("memsize = 1024\nrtc.diffFromUTC = 0 # note\nempty =\n"
                               "q = 'abc'\n");
    const vmx_diag *d;

    cr_assert_str_eq(vmx_config_get(cfg, "memsize"), "1024");
    cr_assert_str_eq(vmx_config_get(cfg, "rtc.diffFromUTC"), "0");
    cr_assert_str_eq(vmx_config_get(cfg, "empty"), "");
    cr_assert_str_eq(vmx_config_get(cfg, "q"), "'abc'", "VMware keeps single quotes");
    d = find_diag(cfg, "unquoted-value", 1);
    cr_assert_not_null(d);
    cr_assert_eq(d->severity, VMX_DIAG_WARNING);
    cr_assert_str_eq(d->key, "memsize");
    cr_assert_str_eq(d->message, "unquoted value");
    cr_assert_str_eq(find_diag(cfg, "unquoted-value", 3)->message,
                     "missing value, read as empty");
    cr_assert_not_null(
        strstr(find_diag(cfg, "unquoted-value", 4)->message, "single-quoted"));
    cr_assert_not_null(find_diag(cfg, "trailing-comment", 2));
    vmx_config_free(cfg);
}

Test(vmxfile, spacing_variants_are_read_with_style_warnings)
{
    vmx_config *cfg = parse_ok("a=\"1\"\nb= \"2\"\nc =\"3\"\n\t d = \"4\"\ne = \"5\"  \n"
                               "f = \"6\"\n");

    cr_assert_str_eq(vmx_config_get(cfg, "a"), "1");
    cr_assert_str_eq(vmx_config_get(cfg, "b"), "2");
    cr_assert_str_eq(vmx_config_get(cfg, "c"), "3");
    cr_assert_str_eq(vmx_config_get(cfg, "d"), "4");
    cr_assert_str_eq(vmx_config_get(cfg, "e"), "5");
    cr_assert_not_null(strstr(find_diag(cfg, "spacing", 1)->message, "around '='"));
    cr_assert_not_null(find_diag(cfg, "spacing", 2));
    cr_assert_not_null(find_diag(cfg, "spacing", 3));
    cr_assert_str_eq(find_diag(cfg, "spacing", 4)->message, "leading whitespace");
    cr_assert_str_eq(find_diag(cfg, "spacing", 5)->message, "trailing whitespace");
    cr_assert_null(find_diag(cfg, "spacing", 6));
    cr_assert_eq(find_diag(cfg, "spacing", 1)->severity, VMX_DIAG_WARNING);
    vmx_config_free(cfg);
}

Test(vmxfile, comments_after_values)
{
    vmx_config *cfg =
        parse_ok("a = \"x\" # note\nb = \"has # inside\"\nc = \"y\"#tight\n");

    cr_assert_str_eq(vmx_config_get(cfg, "a"), "x");
    cr_assert_str_eq(vmx_config_get(cfg, "b"), "has # inside");
    cr_assert_str_eq(vmx_config_get(cfg, "c"), "y");
    cr_assert_not_null(find_diag(cfg, "trailing-comment", 1));
    cr_assert_null(find_diag(cfg, "trailing-comment", 2));
    cr_assert_not_null(find_diag(cfg, "trailing-comment", 3));
    vmx_config_free(cfg);
}

Test(vmxfile, non_canonical_booleans_warn)
{
    vmx_config *cfg =
        parse_ok("a = \"true\"\nb = \"TRUE\"\nc = \"False\"\nd = \"FALSE\"\n"
                 "e = \"truth\"\n");
    const vmx_diag *d = find_diag(cfg, "boolean-case", 1);

    cr_assert_not_null(d);
    cr_assert_eq(d->severity, VMX_DIAG_WARNING);
    cr_assert_str_eq(d->message,
                     "non-canonical boolean \"true\" (VMware writes \"TRUE\")");
    cr_assert_str_eq(d->key, "a");
    cr_assert_str_eq(vmx_config_get(cfg, "a"), "true", "the value is read as written");
    cr_assert_str_eq(find_diag(cfg, "boolean-case", 3)->message,
                     "non-canonical boolean \"False\" (VMware writes \"FALSE\")");
    cr_assert_eq(count_diags(cfg, "boolean-case"), 2);
    vmx_config_free(cfg);
}

Test(vmxfile, backslashes_are_literal)
{
    vmx_config *cfg = parse_ok("sharedFolder0.hostPath = \"C:\\\"\n"
                               "serial0.fileName = \"\\\\.\\pipe\\Cosmos\\Serial\"\n");

    cr_assert_str_eq(vmx_config_get(cfg, "sharedFolder0.hostPath"), "C:\\");
    cr_assert_str_eq(vmx_config_get(cfg, "serial0.fileName"),
                     "\\\\.\\pipe\\Cosmos\\Serial");
    cr_assert_eq(vmx_config_diag_count(cfg), 0);
    vmx_config_free(cfg);
}

Test(vmxfile, backslash_quote_ends_the_value_and_the_line_is_kept)
{
    static const char text[] = "key6 = \"value\\\"hello\"\nkey7 = \"ok\"\n";
    vmx_config *cfg = parse_ok(text);
    const vmx_diag *d = find_diag(cfg, "trailing-text", 1);

    cr_assert_null(vmx_config_get(cfg, "key6"), "VMware ignores the malformed line");
    cr_assert_str_eq(vmx_config_get(cfg, "key7"), "ok");
    cr_assert_eq(vmx_config_count(cfg), 1);
    cr_assert_not_null(d);
    cr_assert_eq(d->severity, VMX_DIAG_ERROR);
    cr_assert_str_eq(d->key, "key6");
    cr_assert_not_null(strstr(d->message, "unexpected text after quoted value"));
    cr_assert_not_null(strstr(d->message, "|22"));
    assert_written(cfg, text, sizeof(text) - 1);
    vmx_config_free(cfg);
}

Test(vmxfile, pipe_escapes_are_not_decoded_here)
{
    vmx_config *cfg = parse_ok("annotation = \"a|0Ab|22c|7C\"\n");

    cr_assert_str_eq(vmx_config_get(cfg, "annotation"), "a|0Ab|22c|7C");
    vmx_config_free(cfg);
}

Test(vmxfile, duplicate_keys_last_wins_with_error_diagnostics)
{
    vmx_config *cfg = parse_ok("a = \"1\"\nb = \"x\"\nA = \"2\"\na = \"3\"\n");
    const vmx_diag *d;

    cr_assert_str_eq(vmx_config_get(cfg, "a"), "3");
    cr_assert_eq(vmx_config_get_line(cfg, "a"), 4);
    cr_assert_eq(vmx_config_count(cfg), 4, "duplicates stay entries");
    cr_assert_eq(count_diags(cfg, "duplicate-key"), 2);
    d = find_diag(cfg, "duplicate-key", 3);
    cr_assert_not_null(d);
    cr_assert_eq(d->severity, VMX_DIAG_ERROR);
    cr_assert_eq(d->other_line, 1);
    cr_assert_str_eq(d->key, "A");
    cr_assert_str_eq(d->message,
                     "duplicate key, first set on line 1 as 'a'; the last one wins");
    d = find_diag(cfg, "duplicate-key", 4);
    cr_assert_eq(d->other_line, 1);
    cr_assert_str_eq(d->message, "duplicate key, first set on line 1; the last one wins");
    vmx_config_free(cfg);
}

Test(vmxfile, diagnostics_are_in_line_order)
{
    vmx_config *cfg = parse_ok("a = 1\nb = \"true\"\nb = \"x\"\n c=2\n");
    size_t i;

    cr_assert_geq(vmx_config_diag_count(cfg), 4);
    for (i = 1; i < vmx_config_diag_count(cfg); i++)
        cr_assert_leq(vmx_config_diag(cfg, i - 1)->line, vmx_config_diag(cfg, i)->line);
    vmx_config_free(cfg);
}

Test(vmxfile, strict_mode_refuses_what_the_tolerant_reader_accepts)
{
    vmx_parse_options o = VMX_PARSE_OPTIONS_INIT;
    vmx_error err = VMX_ERROR_INIT;
    vmx_config *cfg = NULL;
    static const char dup[] = "a = \"1\"\nA = \"2\"\n";
    static const char unq[] = "a = \"1\"\n\nmemsize = 512\n";
    static const char style[] = "a=\"true\" # c\n";

    o.flags = VMX_PARSE_STRICT;
    cr_assert_eq(parse_err(dup, sizeof(dup) - 1, &o, &err), VMX_EPARSE);
    cr_assert_eq(err.line, 2);
    cr_assert_str_eq(err.key, "A");
    cr_assert_str_eq(err.message,
                     "duplicate key, first set on line 1 as 'a'; the last one wins");
    vmx_error_clear(&err);
    cr_assert_eq(parse_err(unq, sizeof(unq) - 1, &o, &err), VMX_EPARSE);
    cr_assert_eq(err.line, 3);
    cr_assert_str_eq(err.message, "unquoted value");
    cr_assert_str_eq(err.key, "memsize");
    /* Style findings stay diagnostics. */
    cr_assert_eq(vmx_config_parse(&cfg, style, sizeof(style) - 1, NULL, &o, &err), 0);
    cr_assert_geq(vmx_config_diag_count(cfg), 3);
    vmx_config_free(cfg);
}

Test(vmxfile, unusual_key_characters_warn)
{
    vmx_config *cfg =
        parse_ok("foo[0] = \"1\"\n9lives = \"2\"\nscsi0:0.file-Name_x = \"3\"\n");

    cr_assert_str_eq(vmx_config_get(cfg, "foo[0]"), "1");
    cr_assert_str_eq(find_diag(cfg, "key-syntax", 1)->message,
                     "unusual character '[' in key");
    cr_assert_str_eq(find_diag(cfg, "key-syntax", 2)->message,
                     "unusual character '9' in key");
    cr_assert_null(find_diag(cfg, "key-syntax", 3));
    vmx_config_free(cfg);
}

/* -- hard errors */

Test(vmxfile, invalid_folder_cases)
{
    DIR *d = opendir(TESTDATA_DIR "/invalid");
    struct dirent *e;
    size_t n = 0;

    cr_assert_not_null(d);
    while ((e = readdir(d)) != NULL) {
        char path[1024], *data, *expect, *nl;
        size_t len;
        vmx_error err = VMX_ERROR_INIT;
        unsigned long line;

        if (!has_suffix(e->d_name, ".vmx"))
            continue;
        snprintf(path, sizeof(path), TESTDATA_DIR "/invalid/%s", e->d_name);
        data = test_read_file(path, &len);
        cr_assert_not_null(data);
        snprintf(path, sizeof(path), TESTDATA_DIR "/invalid/%.*s.error",
                 (int)(strlen(e->d_name) - 4), e->d_name);
        expect = test_read_file(path, NULL);
        cr_assert_not_null(expect, "missing %s", path);
        line = strtoul(expect, &nl, 10);
        cr_assert_eq(*nl, '\n', "%s: bad first line", path);
        nl++;
        nl[strcspn(nl, "\n")] = '\0';
        cr_assert_eq(parse_err(data, len, NULL, &err), VMX_EPARSE, "%s", e->d_name);
        cr_assert_eq(err.line, line, "%s: line %lu, expected %lu", e->d_name, err.line,
                     line);
        cr_assert_str_eq(err.message, nl, "%s", e->d_name);
        cr_assert_str_eq(err.source, "bad.vmx");
        free(data);
        free(expect);
        n++;
    }
    closedir(d);
    cr_assert_geq(n, 10, "only %zu cases", n);
}

Test(vmxfile, unterminated_value_error_has_line_key_source)
{
    static const char text[] = "# c\r\nconfig.version = \"8\"\r\ndisplayName = \"abc\r\n";
    vmx_error err = VMX_ERROR_INIT;
    char line[1024];

    cr_assert_eq(parse_err(text, sizeof(text) - 1, NULL, &err), VMX_EPARSE);
    cr_assert_eq(err.code, VMX_EPARSE);
    cr_assert_eq(err.line, 3);
    cr_assert_str_eq(err.key, "displayName");
    cr_assert_str_eq(err.message, "unterminated quoted value");
    vmx_error_format(line, sizeof(line), &err);
    cr_assert_str_eq(line, "bad.vmx:3: unterminated quoted value [displayName]");
}

Test(vmxfile, first_error_wins)
{
    static const char text[] = "a = \"1\"\nb 2 = \"x\"\nc = \"unterminated\n";
    vmx_error err = VMX_ERROR_INIT;

    cr_assert_eq(parse_err(text, sizeof(text) - 1, NULL, &err), VMX_EPARSE);
    cr_assert_eq(err.line, 2);
    cr_assert_str_eq(err.message, "space in key");
    cr_assert_str_eq(err.key, "b 2");
}

Test(vmxfile, nul_byte_is_an_error)
{
    static const char text[] = "a = \"1\"\nb = \"x\0y\"\n";
    vmx_error err = VMX_ERROR_INIT;

    cr_assert_eq(parse_err(text, sizeof(text) - 1, NULL, &err), VMX_EPARSE);
    cr_assert_eq(err.line, 2);
    cr_assert_str_eq(err.message, "NUL byte in line");
}

Test(vmxfile, error_records_escape_control_characters)
{
    static const char key[] = "a = \"1\"\nkey\x1b[2J\n";
    static const char enc[] = ".encoding = \"x\x07y\"\n";
    vmx_error err = VMX_ERROR_INIT;

    cr_assert_eq(parse_err(key, sizeof(key) - 1, NULL, &err), VMX_EPARSE);
    cr_assert_str_eq(err.key, "key\\x1b[2J");
    cr_assert_str_eq(err.message, "missing '=' after key");
    vmx_error_clear(&err);
    cr_assert_eq(parse_err(enc, sizeof(enc) - 1, NULL, &err), VMX_EPARSE);
    cr_assert_str_eq(err.message, "unknown encoding 'x\\x07y'");
}

Test(vmxfile, line_longer_than_the_limit)
{
    size_t n = 65536 + 20;
    char *text = malloc(n + 32);
    vmx_error err = VMX_ERROR_INIT;
    vmx_parse_options o = VMX_PARSE_OPTIONS_INIT;
    vmx_config *cfg = NULL;
    size_t len;

    memcpy(text, "a = \"1\"\nb = \"", 13);
    len = 13;
    memset(text + len, 'x', 65536 - 6);
    len += 65536 - 6;
    memcpy(text + len, "\"\n", 2);
    len += 2;
    /* Exactly 65536 bytes: accepted. */
    cr_assert_eq(vmx_config_parse(&cfg, text, len, NULL, NULL, &err), 0, "%s",
                 err.message);
    cr_assert_eq(strlen(vmx_config_get(cfg, "b")), 65536 - 6);
    vmx_config_free(cfg);
    /* One more: refused. */
    memcpy(text + len - 2, "x\"\n", 3);
    len += 1;
    cr_assert_eq(parse_err(text, len, NULL, &err), VMX_ELIMIT);
    cr_assert_eq(err.line, 2);
    cr_assert_str_eq(err.message, "line longer than 65536 bytes");
    /* A smaller configured limit. */
    vmx_error_clear(&err);
    o.max_line_length = 10;
    cr_assert_eq(parse_err("ab = \"12\"\nabc = \"123\"\n", 22, &o, &err), VMX_ELIMIT);
    cr_assert_eq(err.line, 2);
    cr_assert_str_eq(err.message, "line longer than 10 bytes");
    free(text);
}

Test(vmxfile, too_many_lines)
{
    vmx_parse_options o = VMX_PARSE_OPTIONS_INIT;
    vmx_error err = VMX_ERROR_INIT;
    char *text = malloc(100001 * 2 + 1);
    size_t i;

    o.max_entries = 3;
    cr_assert_eq(parse_err("a = \"1\"\n# c\n\nb = \"2\"\n", 21, &o, &err), VMX_ELIMIT);
    cr_assert_eq(err.line, 4);
    cr_assert_str_eq(err.message, "too many lines (the limit is 3)");
    /* The default: 100000 lines. */
    for (i = 0; i < 100001; i++)
        memcpy(text + 2 * i, "#\n", 2);
    vmx_error_clear(&err);
    cr_assert_eq(parse_err(text, 200002, NULL, &err), VMX_ELIMIT);
    cr_assert_eq(err.line, 100001);
    cr_assert_str_eq(err.message, "too many lines (the limit is 100000)");
    free(text);
}

Test(vmxfile, file_too_large)
{
    vmx_parse_options o = VMX_PARSE_OPTIONS_INIT;
    vmx_error err = VMX_ERROR_INIT;
    size_t big = VMX_PARSE_DEFAULT_MAX_FILE_SIZE + 1;
    char *text = calloc(1, big);

    o.max_file_size = 8;
    cr_assert_eq(parse_err("a = \"123456\"\n", 13, &o, &err), VMX_ELIMIT);
    cr_assert_str_eq(err.message, "file larger than the limit of 8 bytes");
    cr_assert_str_eq(err.source, "bad.vmx");
    vmx_error_clear(&err);
    cr_assert_eq(parse_err(text, big, NULL, &err), VMX_ELIMIT);
    cr_assert_str_eq(err.message, "file larger than the limit of 16777216 bytes");
    free(text);
}

Test(vmxfile, bad_options_and_missing_file)
{
    vmx_parse_options o = VMX_PARSE_OPTIONS_INIT;
    vmx_error err = VMX_ERROR_INIT;
    vmx_config *cfg = NULL;

    o.version = 99;
    cr_assert_eq(parse_err("a = \"1\"\n", 8, &o, &err), VMX_EINVAL);
    vmx_error_clear(&err);
    cr_assert_eq(vmx_config_parse_file(&cfg, "/nonexistent/x.vmx", NULL, &err), VMX_EIO);
    cr_assert_null(cfg);
    cr_assert_str_eq(err.source, "/nonexistent/x.vmx");
    vmx_error_clear(&err);
    cr_assert_eq(vmx_config_parse(&cfg, NULL, 5, NULL, NULL, &err), VMX_EINVAL);
}

/* -- encodings */

Test(vmxfile, gbk_values_decode_to_utf8_and_write_back_unchanged)
{
    const char *path = TESTDATA_DIR "/wild/icshoneypot__Ubuntu_64_wei.vmx";
    size_t len;
    char *data = test_read_file(path, &len);
    vmx_config *cfg = parse_file_ok(path);

    cr_assert_str_eq(vmx_config_encoding(cfg), "GBK");
    cr_assert_str_eq(vmx_config_get(cfg, "displayName"),
                     "Ubuntu 64 \xE4\xBD\x8D"); /* 位 */
    cr_assert_str_eq(vmx_config_get(cfg, "nvram"), "Ubuntu 64 \xE4\xBD\x8D.nvram");
    cr_assert_eq(count_diags(cfg, "invalid-encoding"), 0);
    cr_assert_not_null(memmem(data, len, "\xCE\xBB", 2), "the file holds GBK bytes");
    assert_written(cfg, data, len);
    vmx_config_free(cfg);
    free(data);
}

Test(vmxfile, windows_949_2000_is_read_as_cp949)
{
    vmx_config *cfg = parse_file_ok(TESTDATA_DIR "/wild/jahyung__CentOS_7_64-bit.vmx");

    cr_assert_str_eq(vmx_config_encoding(cfg), "windows-949-2000");
    cr_assert_str_eq(vmx_config_get(cfg, "displayName"),
                     "CentOS 7 ansible \xEC\x8B\xA4\xED\x96\x89"); /* 실행 */
    vmx_config_free(cfg);
}

Test(vmxfile, shift_jis_backslash_stays_a_backslash)
{
    /* 日本 in Shift_JIS is 93 FA 96 7B; 0x5C must read as '\', not '¥'. */
    static const char text[] = ".encoding = \"Shift_JIS\"\n"
                               "displayName = \"\x93\xFA\x96\x7B\"\n"
                               "ide1:0.fileName = \"I:\\Media\\a.iso\"\n";
    vmx_config *cfg = parse_ok(text);
    const char *path = TESTDATA_DIR "/wild/takahiro__Windows_7_x64.vmx";
    vmx_config *wild;

    cr_assert_str_eq(vmx_config_get(cfg, "displayName"), "\xE6\x97\xA5\xE6\x9C\xAC");
    cr_assert_str_eq(vmx_config_get(cfg, "ide1:0.fileName"), "I:\\Media\\a.iso");
    cr_assert_eq(vmx_config_set(cfg, "annotation", "\xE6\x97\xA5\\x", NULL), 0);
    ASSERT_WRITTEN(cfg, ".encoding = \"Shift_JIS\"\ndisplayName = \"\x93\xFA\x96\x7B\"\n"
                        "ide1:0.fileName = \"I:\\Media\\a.iso\"\n"
                        "annotation = \"\x93\xFA\\x\"\n");
    vmx_config_free(cfg);
    wild = parse_file_ok(path);
    cr_assert_str_eq(vmx_config_get(wild, "sata0:1.fileName"),
                     "I:\\Mediabackup\\Windows7Update.iso");
    vmx_config_free(wild);
}

Test(vmxfile, windows_1251_decodes)
{
    vmx_config *cfg = parse_ok(".encoding = \"windows-1251\"\n"
                               "displayName = \"\xCF\xF0\xE8\xE2\xE5\xF2\"\n");

    cr_assert_str_eq(vmx_config_get(cfg, "displayName"),
                     "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82"); /* Привет */
    vmx_config_free(cfg);
}

Test(vmxfile, set_non_ascii_in_a_windows_1252_file_writes_cp1252_bytes)
{
    const char *path = TESTDATA_DIR "/wild/afoote__Windows_10_x64.vmx";
    size_t len, olen;
    char *data = test_read_file(path, &len), *out, *expect;
    vmx_config *cfg = parse_file_ok(path);
    const char *old, *at;

    cr_assert_str_eq(vmx_config_encoding(cfg), "windows-1252");
    old = vmx_config_get(cfg, "displayName");
    cr_assert_not_null(old);
    /* Build the expected bytes: the displayName line replaced, nothing else. */
    at = strstr(data, "\ndisplayName = \"");
    cr_assert_not_null(at);
    at += 16;
    expect = malloc(len + 64);
    memcpy(expect, data, (size_t)(at - data));
    memcpy(expect + (at - data), "Caf\xE9 \x80 \xBD", 8);
    memcpy(expect + (at - data) + 8, at + strlen(old), strlen(at + strlen(old)) + 1);
    cr_assert_eq(
        vmx_config_set(cfg, "DISPLAYNAME", "Caf\xC3\xA9 \xE2\x82\xAC \xC2\xBD", NULL), 0);
    cr_assert_str_eq(vmx_config_get(cfg, "displayName"),
                     "Caf\xC3\xA9 \xE2\x82\xAC \xC2\xBD");
    out = write_str(cfg, &olen);
    cr_assert_eq(olen, strlen(expect));
    cr_assert(memcmp(out, expect, olen) == 0, "%s", out);
    vmx_free(out);
    free(expect);
    vmx_config_free(cfg);
    free(data);
}

Test(vmxfile, set_a_character_the_charset_lacks_is_einval_and_changes_nothing)
{
    static const char text[] = ".encoding = \"windows-1252\"\ndisplayName = \"a\"\n";
    vmx_config *cfg = parse_ok(text);
    vmx_error err = VMX_ERROR_INIT;

    cr_assert_eq(vmx_config_set(cfg, "displayName", "\xE4\xB8\xAD", &err), VMX_EINVAL);
    cr_assert_str_eq(err.key, "displayName");
    cr_assert_str_eq(err.source, "t.vmx");
    cr_assert_eq(err.line, 2);
    cr_assert_not_null(strstr(err.message, "cannot represent"), "%s", err.message);
    cr_assert_str_eq(vmx_config_get(cfg, "displayName"), "a");
    assert_written(cfg, text, sizeof(text) - 1);
    vmx_config_free(cfg);
}

Test(vmxfile, invalid_utf8_without_encoding_warns_and_falls_back)
{
    static const char text[] = "displayName = \"caf\xE9 \x80\"\nb = \"ok\"\n";
    vmx_config *cfg = parse_ok(text);
    const vmx_diag *d = find_diag(cfg, "invalid-encoding", 1);

    cr_assert_str_eq(vmx_config_get(cfg, "displayName"), "caf\xC3\xA9 \xE2\x82\xAC");
    cr_assert_not_null(d);
    cr_assert_eq(d->severity, VMX_DIAG_WARNING);
    cr_assert_str_eq(d->key, "displayName");
    cr_assert_str_eq(d->message,
                     "invalid UTF-8 in value and no .encoding declared; bytes "
                     "read as windows-1252");
    assert_written(cfg, text, sizeof(text) - 1);
    vmx_config_free(cfg);
}

Test(vmxfile, invalid_bytes_for_a_declared_encoding_are_errors_with_fallback)
{
    static const char gbk[] = ".encoding = \"GBK\"\nx = \"\xCE\xBB\xFF\"\n";
    const char *path = TESTDATA_DIR "/wild/lanrenlan__Windows_10_x64.vmx";
    vmx_config *cfg = parse_ok(gbk);
    const vmx_diag *d = find_diag(cfg, "invalid-encoding", 2);

    /* 位 decoded, then 0xFF read as windows-1252 ÿ. */
    cr_assert_str_eq(vmx_config_get(cfg, "x"), "\xE4\xBD\x8D\xC3\xBF");
    cr_assert_not_null(d);
    cr_assert_eq(d->severity, VMX_DIAG_ERROR);
    cr_assert_str_eq(d->message, "invalid GBK byte sequence in value; bytes read as "
                                 "windows-1252");
    assert_written(cfg, gbk, sizeof(gbk) - 1);
    vmx_config_free(cfg);

    /* Declared UTF-8, with a broken sequence that swallowed the closing quote. */
    cfg = parse_file_ok(path);
    d = find_diag(cfg, "invalid-encoding", 121);
    cr_assert_not_null(d);
    cr_assert_eq(d->severity, VMX_DIAG_ERROR);
    cr_assert_str_eq(d->key, "sharedFolder0.hostPath");
    d = find_diag(cfg, "unterminated-value", 122);
    cr_assert_not_null(d);
    cr_assert_eq(d->severity, VMX_DIAG_ERROR);
    cr_assert_str_eq(d->message,
                     "unterminated quoted value after bytes invalid in UTF-8; "
                     "read to the end of the line");
    /* 共享文件 then E5 A4 read as windows-1252 (å ¤) then '?'. */
    cr_assert_str_eq(vmx_config_get(cfg, "sharedFolder0.guestName"),
                     "\xE5\x85\xB1\xE4\xBA\xAB\xE6\x96\x87\xE4\xBB\xB6\xC3\xA5\xC2\xA4?");
    vmx_config_free(cfg);
}

Test(vmxfile, changing_the_encoding_converts_the_lines)
{
    const char *path = TESTDATA_DIR "/wild/icshoneypot__Ubuntu_64_wei.vmx";
    vmx_config *cfg = parse_file_ok(path), *again;
    vmx_error err = VMX_ERROR_INIT;
    size_t len;
    char *out;

    cr_assert_eq(vmx_config_set(cfg, ".encoding", "UTF-8", &err), 0, "%s", err.message);
    out = write_str(cfg, &len);
    cr_assert_not_null(strstr(out, "displayName = \"Ubuntu 64 \xE4\xBD\x8D\""));
    cr_assert_not_null(strstr(out, "nvram = \"Ubuntu 64 \xE4\xBD\x8D.nvram\""));
    cr_assert_null(memmem(out, len, "\xCE\xBB", 2), "no GBK bytes left");
    cr_assert_eq(vmx_config_parse(&again, out, len, NULL, NULL, &err), 0);
    cr_assert_str_eq(vmx_config_get(again, "displayName"),
                     vmx_config_get(cfg, "displayName"));
    cr_assert_eq(count_diags(again, "invalid-encoding"), 0);
    vmx_config_free(again);
    vmx_free(out);

    /* And back to GBK; a value GBK cannot hold refuses the switch. */
    cr_assert_eq(vmx_config_set(cfg, ".encoding", "GBK", &err), 0, "%s", err.message);
    out = write_str(cfg, &len);
    cr_assert_not_null(strstr(out, "displayName = \"Ubuntu 64 \xCE\xBB\""));
    vmx_free(out);
    cr_assert_eq(vmx_config_set(cfg, "annotation", "\xF0\x9F\x98\x80", &err), VMX_EINVAL);
    vmx_error_clear(&err);
    cr_assert_eq(vmx_config_set(cfg, ".encoding", "UTF-8", &err), 0);
    cr_assert_eq(vmx_config_set(cfg, "annotation", "\xF0\x9F\x98\x80", &err), 0);
    cr_assert_eq(vmx_config_set(cfg, ".encoding", "windows-1252", &err), VMX_EINVAL);
    cr_assert_not_null(strstr(err.message, "cannot represent"), "%s", err.message);
    cr_assert_str_eq(vmx_config_encoding(cfg), "UTF-8");
    vmx_config_free(cfg);
}

Test(vmxfile, converting_invalid_lines_writes_what_was_read)
{
    /* 0xFF is invalid in GBK: the value reads 位ÿ, and the quote is missing. */
    static const char text[] = ".encoding = \"GBK\"\nx = \"\xCE\xBB\xFF\n# \xFF\n";
    vmx_config *cfg = parse_ok(text), *again;
    vmx_error err = VMX_ERROR_INIT;
    size_t len;
    char *out;

    cr_assert_str_eq(vmx_config_get(cfg, "x"), "\xE4\xBD\x8D\xC3\xBF");
    cr_assert_not_null(find_diag(cfg, "unterminated-value", 2));
    cr_assert_eq(vmx_config_set(cfg, ".encoding", "UTF-8", &err), 0, "%s", err.message);
    out = write_str(cfg, &len);
    cr_assert_str_eq(out,
                     ".encoding = \"UTF-8\"\nx = \"\xE4\xBD\x8D\xC3\xBF\"\n# \xC3\xBF\n");
    cr_assert_eq(vmx_config_parse(&again, out, len, NULL, NULL, &err), 0, "%s",
                 err.message);
    cr_assert_str_eq(vmx_config_get(again, "x"), vmx_config_get(cfg, "x"));
    cr_assert_eq(vmx_config_diag_count(again), 0);
    vmx_config_free(again);
    vmx_free(out);
    vmx_config_free(cfg);
}

Test(vmxfile, removing_the_encoding_converts_to_utf8)
{
    vmx_config *cfg = parse_ok(".encoding = \"GBK\"\ndisplayName = \"\xCE\xBB\"\n");

    cr_assert_eq(vmx_config_remove(cfg, ".ENCODING"), 1);
    cr_assert_null(vmx_config_encoding(cfg));
    ASSERT_WRITTEN(cfg, "displayName = \"\xE4\xBD\x8D\"\n");
    vmx_config_free(cfg);
}

Test(vmxfile, set_encoding_rejects_unknown_charsets)
{
    vmx_config *cfg = parse_ok("a = \"b\"\n");
    vmx_error err = VMX_ERROR_INIT;

    cr_assert_eq(vmx_config_set(cfg, ".encoding", "x-nope", &err), VMX_EINVAL);
    cr_assert_str_eq(err.message, "unknown encoding 'x-nope'");
    cr_assert_null(vmx_config_encoding(cfg));
    vmx_config_free(cfg);
}

/* -- edits */

Test(vmxfile, set_existing_keeps_place_spelling_and_line_end)
{
    vmx_config *cfg = parse_ok("a = \"1\"\r\nMemSize=512 # note\r\nz = \"9\"\r\n");

    cr_assert_eq(vmx_config_set(cfg, "memsize", "1024", NULL), 0);
    cr_assert_str_eq(vmx_config_get(cfg, "MEMSIZE"), "1024");
    ASSERT_WRITTEN(cfg, "a = \"1\"\r\nMemSize = \"1024\" # note\r\nz = \"9\"\r\n");
    vmx_config_free(cfg);
}

Test(vmxfile, set_same_value_changes_nothing)
{
    static const char text[] = "memsize=512   \n";
    vmx_config *cfg = parse_ok(text);

    cr_assert_eq(vmx_config_set(cfg, "MEMSIZE", "512", NULL), 0);
    assert_written(cfg, text, sizeof(text) - 1);
    vmx_config_free(cfg);
}

Test(vmxfile, set_new_appends_with_the_file_line_end)
{
    vmx_config *cfg = parse_ok("a = \"1\"\r\nb = \"2\"\r\nc = \"3\"\n# last");
    const char *k;
    unsigned long line = 99;

    cr_assert_eq(vmx_config_set(cfg, "d", "4", NULL), 0);
    ASSERT_WRITTEN(cfg, "a = \"1\"\r\nb = \"2\"\r\nc = \"3\"\n# last\r\nd = \"4\"\r\n");
    cr_assert_eq(vmx_config_count(cfg), 4);
    cr_assert_eq(vmx_config_entry(cfg, 3, &k, NULL, &line), 0);
    cr_assert_str_eq(k, "d");
    cr_assert_eq(line, 0);
    cr_assert_eq(vmx_config_get_line(cfg, "d"), 0);
    vmx_config_free(cfg);
}

Test(vmxfile, set_replaces_duplicates)
{
    vmx_config *cfg = parse_ok("a = \"1\"\nb = \"x\"\nA = \"2\"\n");

    cr_assert_eq(vmx_config_set(cfg, "a", "3", NULL), 0);
    cr_assert_eq(vmx_config_count(cfg), 2);
    cr_assert_str_eq(vmx_config_get(cfg, "a"), "3");
    ASSERT_WRITTEN(cfg, "b = \"x\"\nA = \"3\"\n");
    vmx_config_free(cfg);
}

Test(vmxfile, set_refuses_invalid_keys_and_values)
{
    vmx_config *cfg = parse_ok("a = \"1\"\n");
    vmx_error err = VMX_ERROR_INIT;

    cr_assert_eq(vmx_config_set(cfg, "a b", "1", &err), VMX_EINVAL);
    cr_assert_str_eq(err.message,
                     "invalid character in key (whitespace, '=', '#', '\"' or a "
                     "control character)");
    vmx_error_clear(&err);
    cr_assert_eq(vmx_config_set(cfg, "", "1", &err), VMX_EINVAL);
    cr_assert_str_eq(err.message, "empty key");
    vmx_error_clear(&err);
    cr_assert_eq(vmx_config_set(cfg, "a", "say \"hi\"", &err), VMX_EINVAL);
    cr_assert_str_eq(err.key, "a");
    cr_assert_not_null(strstr(err.message, "pipe-escape"));
    cr_assert_eq(vmx_config_set(cfg, "a", "x\ny", NULL), VMX_EINVAL);
    cr_assert_eq(vmx_config_set(cfg, "a", "\xC3", NULL), VMX_EINVAL);
    cr_assert_eq(vmx_config_set(cfg, "a", "tab\tok", NULL), 0);
    ASSERT_WRITTEN(cfg, "a = \"tab\tok\"\n");
    vmx_config_free(cfg);
}

/* An edit never makes a line the reader refuses with its default limit. */
Test(vmxfile, set_refuses_a_line_longer_than_the_reader_takes)
{
    const size_t max = VMX_PARSE_DEFAULT_MAX_LINE_LENGTH - strlen("annotation = \"\"");
    vmx_config *cfg = parse_ok("a = \"1\"\n"), *again = NULL;
    vmx_error err = VMX_ERROR_INIT;
    char *value = malloc(max + 2), *out = NULL;
    size_t len = 0;

    cr_assert_not_null(value);
    memset(value, 'x', max + 1);
    value[max + 1] = '\0';
    cr_assert_eq(vmx_config_set(cfg, "annotation", value, &err), VMX_ELIMIT);
    cr_assert_str_eq(err.message,
                     "value of 'annotation' is too long: 65522 bytes, at most 65521");
    cr_assert_str_eq(err.key, "annotation");
    ASSERT_WRITTEN(cfg, "a = \"1\"\n"); /* unchanged */
    /* one byte less is the longest line the reader takes */
    value[max] = '\0';
    cr_assert_eq(vmx_config_set(cfg, "annotation", value, NULL), 0);
    cr_assert_eq(vmx_config_write(&out, &len, cfg, &err), 0);
    cr_assert_eq(vmx_config_parse(&again, out, len, "again.vmx", NULL, &err), 0, "%s",
                 err.message);
    cr_assert_eq(strlen(vmx_config_get(again, "annotation")), max);
    vmx_config_free(again);
    vmx_free(out);
    free(value);
    vmx_config_free(cfg);
}

Test(vmxfile, remove_drops_every_case_variant)
{
    vmx_config *cfg = parse_ok("a = \"1\"\n# keep\nb = \"2\"\nA = \"3\"\nc = \"4\"");
    const char *k;

    cr_assert_eq(vmx_config_remove(cfg, "a"), 2);
    cr_assert_eq(vmx_config_remove(cfg, "a"), 0);
    cr_assert_eq(vmx_config_remove(cfg, "nope"), 0);
    cr_assert_null(vmx_config_get(cfg, "A"));
    cr_assert_str_eq(vmx_config_get(cfg, "c"), "4");
    cr_assert_eq(vmx_config_count(cfg), 2);
    cr_assert_eq(vmx_config_entry(cfg, 1, &k, NULL, NULL), 0);
    cr_assert_str_eq(k, "c");
    ASSERT_WRITTEN(cfg, "# keep\nb = \"2\"\nc = \"4\"");
    cr_assert_eq(vmx_config_set(cfg, "a", "5", NULL), 0);
    ASSERT_WRITTEN(cfg, "# keep\nb = \"2\"\nc = \"4\"\na = \"5\"\n");
    vmx_config_free(cfg);
}

/* -- allocation failures */

Test(vmxfile, allocation_failures_are_reported_cleanly)
{
    const char *path = TESTDATA_DIR "/wild/icshoneypot__Ubuntu_64_wei.vmx";
    size_t len;
    char *data = test_read_file(path, &len);
    long n;
    int ok = 0;

    for (n = 1; n < 400 && !ok; n++) {
        vmx_config *cfg = NULL;
        vmx_error err = VMX_ERROR_INIT;
        char *out = NULL;
        int rc;

        vmx__alloc_fail_after(n);
        rc = vmx_config_parse(&cfg, data, len, path, NULL, &err);
        if (rc == 0)
            rc = vmx_config_set(cfg, "displayName", "\xE4\xBD\x8D x", &err);
        if (rc == 0)
            rc = vmx_config_set(cfg, "new.key", "v", &err);
        if (rc == 0)
            rc = vmx_config_write(&out, NULL, cfg, &err);
        if (rc == 0)
            ok = 1;
        else
            cr_assert_eq(rc, VMX_ENOMEM, "allocation %ld: %d %s", n, rc, err.message);
        vmx__alloc_fail_after(0);
        vmx_free(out);
        vmx_config_free(cfg);
    }
    cr_assert(ok, "never succeeded");
    cr_assert_gt(n, 5, "the loop injected failures");
    free(data);
}
