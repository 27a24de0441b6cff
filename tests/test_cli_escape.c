/* The `vmxkit escape` and `vmxkit datastore-path` subcommands. */
#include <criterion/criterion.h>

#include "vmxkit/vmxkit.h"
#include "cli_run.h"

#define ASSERT_RUN(r, status_, out_, err_)                                               \
    do {                                                                                 \
        cr_assert_eq((r).status, (status_), "exit %d, stderr: %s", (r).status,           \
                     (r).errout);                                                        \
        cr_assert_str_eq((r).out, (out_));                                               \
        cr_assert_str_eq((r).errout, (err_));                                            \
    } while (0)

Test(cli_escape, encodes_each_argument_on_its_own_line)
{
    cli_result r = cli_run("escape", "pipe", "a|b", "\"x\"", "line\nbreak");

    ASSERT_RUN(r, 0, "a|7cb\n|22x|22\nline|0abreak\n", "");
    cli_result_dispose(&r);
    r = cli_run("escape", "percent", "a/b\\c%d");
    ASSERT_RUN(r, 0, "a%2fb%5cc%25d\n", "");
    cli_result_dispose(&r);
    r = cli_run("escape", "datastore", "\xe6\xa8\x99\xe6\xba\x96\xe8\xaa\x9e", "a:b");
    ASSERT_RUN(r, 0, "+5qiZ5rqW6Kqe\na_b\n", "");
    cli_result_dispose(&r);
}

Test(cli_escape, decodes_with_both_option_spellings)
{
    cli_result r = cli_run("escape", "pipe", "-d", "|0D|0Ax|7c");

    ASSERT_RUN(r, 0, "\r\nx|\n", "");
    cli_result_dispose(&r);
    r = cli_run("escape", "percent", "%2F%5c", "--decode");
    ASSERT_RUN(r, 0, "/\\\n", "");
    cli_result_dispose(&r);
    r = cli_run("escape", "datastore", "--decode", "A+w6Q-1");
    ASSERT_RUN(r, 0,
               "A\xc3\xa4"
               "1\n",
               "");
    cli_result_dispose(&r);
}

Test(cli_escape, lenient_decode_warns_and_succeeds)
{
    cli_result r = cli_run("escape", "pipe", "-d", "#NAME# | Version");

    ASSERT_RUN(r, 0, "#NAME# | Version\n",
               "vmxkit: escape: warning: '#NAME# | Version': kept 1 invalid escape "
               "literally (first at offset 7)\n");
    cli_result_dispose(&r);
    r = cli_run("escape", "percent", "-d", "%ff");
    ASSERT_RUN(r, 0, "\xff\n",
               "vmxkit: escape: warning: '%ff': the result is not valid UTF-8\n");
    cli_result_dispose(&r);
}

Test(cli_escape, datastore_decode_warns_about_underscores)
{
    cli_result r = cli_run("escape", "datastore", "-d", "my_vm+fg-x_");

    ASSERT_RUN(r, 0, "my_vm~x_\n",
               "vmxkit: escape: warning: 'my_vm+fg-x_': 2 '_' may stand for one of "
               "\"*<>:|? and cannot be restored (first at offset 2)\n");
    cli_result_dispose(&r);
}

Test(cli_escape, strict_decode_errors_exit_1)
{
    cli_result r = cli_run("escape", "pipe", "--strict", "-d", "ok|7c", "x|Z1", "fine");

    ASSERT_RUN(r, 1, "ok|\nfine\n", "vmxkit: escape: invalid escape '|Z1' at offset 1\n");
    cli_result_dispose(&r);
    r = cli_run("escape", "datastore", "-d", "--strict", "a:b");
    ASSERT_RUN(r, 1, "", "vmxkit: escape: unexpected character ':' at offset 1\n");
    cli_result_dispose(&r);
}

Test(cli_escape, reads_lines_from_stdin)
{
    cli_result r = cli_run_stdin("a|b\r\nc\"d\n\ne", "escape", "pipe", "-");

    ASSERT_RUN(r, 0, "a|7cb\nc|22d\n\ne\n", "");
    cli_result_dispose(&r);
    r = cli_run_stdin("ok\n|zz\n|7C\n", "escape", "pipe", "-d", "--strict", "-");
    ASSERT_RUN(r, 1, "ok\n|\n",
               "vmxkit: escape: <stdin>:2: invalid escape '|zz' at offset 0\n");
    cli_result_dispose(&r);
    r = cli_run_stdin("a_b\n", "escape", "datastore", "-d", "-");
    ASSERT_RUN(r, 0, "a_b\n",
               "vmxkit: escape: <stdin>:1: warning: 'a_b': 1 '_' may stand for one of "
               "\"*<>:|? and cannot be restored (first at offset 1)\n");
    cli_result_dispose(&r);
}

Test(cli_escape, stdin_line_with_nul_is_an_error)
{
    cli_result r =
        cli_run_in("a\0b\nc|\n", 7, (const char *const[]){"escape", "pipe", "-", NULL});

    ASSERT_RUN(r, 1, "c|7c\n", "vmxkit: escape: <stdin>:1: line contains a NUL byte\n");
    cli_result_dispose(&r);
}

Test(cli_escape, double_dash_ends_options)
{
    cli_result r = cli_run("escape", "percent", "--", "-d", "--strict");

    ASSERT_RUN(r, 0, "-d\n--strict\n", "");
    cli_result_dispose(&r);
}

Test(cli_escape, usage_errors_exit_2)
{
    static const char *const cases[][5] = {
        {"escape", NULL},
        {"escape", "rot13", "x", NULL},
        {"escape", "pipe", NULL},
        {"escape", "pipe", "--bogus", "x", NULL},
        {"escape", "pipe", "-", "x", NULL},
        {"datastore-path", NULL},
        {"datastore-path", "--xml", "[a] b", NULL},
        {"datastore-path", "[a] b", "-", NULL},
    };
    static const char *const messages[] = {
        "vmxkit escape: missing scheme (percent, pipe or datastore)\n",
        "vmxkit escape: unknown scheme 'rot13' (percent, pipe or datastore)\n",
        "vmxkit escape: missing STRING\n",
        "vmxkit escape: unknown option '--bogus'\n",
        "vmxkit escape: '-' must be the only STRING\n",
        "vmxkit datastore-path: missing PATH\n",
        "vmxkit datastore-path: unknown option '--xml'\n",
        "vmxkit datastore-path: '-' must be the only PATH\n",
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cli_result r = cli_run_in(NULL, 0, cases[i]);

        cr_assert_eq(r.status, 2, "case %zu: exit %d", i, r.status);
        cr_assert_str_eq(r.out, "");
        cr_assert(strncmp(r.errout, messages[i], strlen(messages[i])) == 0,
                  "case %zu: %s", i, r.errout);
        cr_assert(strstr(r.errout, "--help") != NULL);
        cli_result_dispose(&r);
    }
}

Test(cli_escape, help)
{
    static const char *const cases[][4] = {
        {"escape", "--help", NULL},       {"escape", "pipe", "-h", NULL},
        {"help", "escape", NULL},         {"datastore-path", "--help", NULL},
        {"help", "datastore-path", NULL},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cli_result r = cli_run_in(NULL, 0, cases[i]);

        cr_assert_eq(r.status, 0, "case %zu", i);
        cr_assert(strncmp(r.out, "usage: vmxkit ", 14) == 0, "case %zu: %s", i, r.out);
        cr_assert_str_eq(r.errout, "");
        cli_result_dispose(&r);
    }
}

Test(cli_datastore_path, text_output)
{
    cli_result r =
        cli_run("datastore-path", "[datastore] directory1/directory2/file", "[ds]");

    ASSERT_RUN(r, 0,
               "datastore: datastore\n"
               "directory: directory1/directory2\n"
               "file: file\n"
               "directory_and_file: directory1/directory2/file\n"
               "\n"
               "datastore: ds\n"
               "directory: \n"
               "file: \n"
               "directory_and_file: \n",
               "");
    cli_result_dispose(&r);
}

Test(cli_datastore_path, json_output)
{
    cli_result r = cli_run("datastore-path", "--json", "[d\"s] a/b.vmx", "[ds] dir/");

    ASSERT_RUN(
        r, 0,
        "{\"path\": \"[d\\\"s] a/b.vmx\", \"datastore\": \"d\\\"s\", \"directory\": "
        "\"a\", \"file\": \"b.vmx\", \"directory_and_file\": \"a/b.vmx\"}\n"
        "{\"path\": \"[ds] dir/\", \"datastore\": \"ds\", \"directory\": \"dir\", "
        "\"file\": \"\", \"directory_and_file\": \"dir/\"}\n",
        "");
    cli_result_dispose(&r);
}

Test(cli_datastore_path, invalid_paths_exit_1)
{
    cli_result r = cli_run("datastore-path", "[] x");

    ASSERT_RUN(
        r, 1, "",
        "vmxkit: datastore-path: invalid datastore path '[] x': empty datastore name\n");
    cli_result_dispose(&r);
    r = cli_run("datastore-path", "--json", "x", "[a] b");
    ASSERT_RUN(
        r, 1,
        "{\"path\": \"[a] b\", \"datastore\": \"a\", \"directory\": \"b\", \"file\": "
        "\"b\", \"directory_and_file\": \"b\"}\n",
        "vmxkit: datastore-path: invalid datastore path 'x': it does not start with "
        "'['\n");
    cli_result_dispose(&r);
}

Test(cli_datastore_path, reads_lines_from_stdin)
{
    cli_result r = cli_run_stdin("[a] b/c\n[]\n", "datastore-path", "--json", "-");

    ASSERT_RUN(
        r, 1,
        "{\"path\": \"[a] b/c\", \"datastore\": \"a\", \"directory\": \"b\", \"file\": "
        "\"c\", \"directory_and_file\": \"b/c\"}\n",
        "vmxkit: datastore-path: <stdin>:2: invalid datastore path '[]': empty "
        "datastore name\n");
    cli_result_dispose(&r);
}

Test(cli_escape, decodes_libvirt_annotation_fixture)
{
    char *vmx = test_read_file(TESTDATA_DIR "/libvirt/vmx2xml/annotation.vmx", NULL);
    char *start, *end;
    cli_result r;

    cr_assert_not_null(vmx);
    start = strstr(vmx, "annotation = \"");
    cr_assert_not_null(start);
    start += strlen("annotation = \"");
    end = strchr(start, '"');
    cr_assert_not_null(end);
    *end = '\0';
    r = cli_run("escape", "pipe", "--decode", "--strict", start);
    /* libvirt's annotation.xml has this description */
    ASSERT_RUN(r, 0, "Some |text| to test the \"escaping\": ||\"\"||\"| Escaped!\n", "");
    cli_result_dispose(&r);
    free(vmx);
}
