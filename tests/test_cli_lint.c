/* vmxkit lint: output format, exit status, JSON, options. */
#include <criterion/criterion.h>

#include "cli_run.h"

#define WILD TESTDATA_DIR "/wild/"

static size_t count_lines(const char *s)
{
    size_t n = 0;

    for (; *s; s++)
        if (*s == '\n')
            n++;
    return n;
}

Test(cli_lint, clean_file_is_quiet_and_exits_0)
{
    cli_result r = cli_run_stdin(".encoding = \"UTF-8\"\nconfig.version = \"8\"\n# ok\n",
                                 "lint", "-");

    cr_assert_eq(r.status, 0, "%s%s", r.out, r.errout);
    cr_assert_str_eq(r.out, "");
    cr_assert_str_eq(r.errout, "");
    cli_result_dispose(&r);
}

Test(cli_lint, warnings_print_file_line_message_key_and_exit_0)
{
    cli_result r =
        cli_run_stdin("memsize = 1024\nethernet0.present = \"true\"\n", "lint", "-");

    cr_assert_eq(r.status, 0);
    cr_assert_str_eq(r.out, "<stdin>:1: warning: unquoted value [memsize]\n"
                            "<stdin>:2: warning: non-canonical boolean \"true\" (VMware "
                            "writes \"TRUE\") [ethernet0.present]\n");
    cli_result_dispose(&r);
}

Test(cli_lint, error_diagnostics_exit_1)
{
    cli_result r = cli_run_stdin("a = \"1\"\nb = \"2\"\nA = \"3\"\n", "lint", "-");

    cr_assert_eq(r.status, 1);
    cr_assert_str_eq(r.out,
                     "<stdin>:3: error: duplicate key, first set on line 1 as 'a'; "
                     "the last one wins [A]\n");
    cli_result_dispose(&r);
}

Test(cli_lint, parse_failure_exits_1_with_the_position)
{
    cli_result r = cli_run("lint", WILD "vmconfig__fail-2.vmx");

    cr_assert_eq(r.status, 1);
    cr_assert_str_eq(r.out, WILD "vmconfig__fail-2.vmx:1: error: space in key [key 1]\n");
    cli_result_dispose(&r);
}

Test(cli_lint, several_files_are_all_reported)
{
    cli_result r = cli_run("lint", WILD "vmconfig__basic-1.vmx",
                           WILD "vmconfig__chaotic-1.vmx", WILD "vmconfig__fail-1.vmx");

    cr_assert_eq(r.status, 1);
    cr_assert_not_null(strstr(r.out,
                              WILD "vmconfig__chaotic-1.vmx:7: error: unexpected text "
                                   "after quoted value, line ignored"));
    cr_assert_not_null(strstr(r.out, WILD "vmconfig__chaotic-1.vmx:9: error:"));
    cr_assert_not_null(strstr(r.out, WILD "vmconfig__chaotic-1.vmx:1: warning: leading "
                                          "whitespace [key1]\n"));
    cr_assert_not_null(strstr(r.out,
                              WILD "vmconfig__fail-1.vmx:1: error: unterminated quoted "
                                   "value [key1]\n"));
    cr_assert_null(strstr(r.out, "basic-1"), "basic-1 is clean: %s", r.out);
    cli_result_dispose(&r);
}

Test(cli_lint, quiet_prints_errors_only)
{
    cli_result r = cli_run("lint", "-q", WILD "vmconfig__chaotic-1.vmx");

    cr_assert_eq(r.status, 1);
    cr_assert_eq(count_lines(r.out), 3, "%s", r.out);
    cr_assert_null(strstr(r.out, "warning"));
    cli_result_dispose(&r);
    r = cli_run("lint", "--quiet", WILD "haiku__haiku_2009.vmx");
    cr_assert_eq(r.status, 0);
    cr_assert_str_eq(r.out, "");
    cli_result_dispose(&r);
}

Test(cli_lint, unreadable_file_exits_3)
{
    cli_result r = cli_run("lint", "/nonexistent/x.vmx", WILD "vmconfig__fail-1.vmx");

    cr_assert_eq(r.status, 3);
    cr_assert_not_null(strstr(r.errout, "/nonexistent/x.vmx: cannot open"), "%s",
                       r.errout);
    cr_assert_not_null(strstr(r.out, "vmconfig__fail-1.vmx:1: error:"));
    cli_result_dispose(&r);
}

Test(cli_lint, json_lists_files_and_diagnostics)
{
    cli_result r = cli_run_stdin("a = \"1\"\nA = \"2\"\nm = 5\n", "lint", "--json", "-");
    const char *p;
    int depth = 0;

    cr_assert_eq(r.status, 1);
    cr_assert_eq(r.out[0], '[', "%s", r.out);
    cr_assert_not_null(strstr(r.out, "{\"file\": \"<stdin>\", \"diagnostics\": ["));
    cr_assert_not_null(strstr(r.out,
                              "{\"line\": 2, \"other_line\": 1, \"severity\": \"error\", "
                              "\"code\": \"duplicate-key\", \"key\": \"A\", "
                              "\"message\": \"duplicate key, first set on line 1 as "
                              "'a'; the last one wins\"}"),
                       "%s", r.out);
    cr_assert_not_null(strstr(r.out, "{\"line\": 3, \"severity\": \"warning\", \"code\": "
                                     "\"unquoted-value\", \"key\": \"m\", \"message\": "
                                     "\"unquoted value\"}"),
                       "%s", r.out);
    cr_assert_not_null(strstr(r.out, "\"errors\": 1, \"warnings\": 1}"));
    for (p = r.out; *p; p++) {
        if (*p == '[' || *p == '{')
            depth++;
        else if (*p == ']' || *p == '}')
            depth--;
        cr_assert_geq(depth, 0);
    }
    cr_assert_eq(depth, 0, "brackets balance");
    cli_result_dispose(&r);
}

Test(cli_lint, json_reports_parse_failures_and_escapes_strings)
{
    cli_result r = cli_run("lint", WILD "vmconfig__chaotic-1.vmx",
                           WILD "vmconfig__fail-1.vmx", "--json");

    cr_assert_eq(r.status, 1);
    cr_assert_not_null(strstr(r.out, "{\"line\": 1, \"severity\": \"error\", \"code\": "
                                     "\"syntax\", \"key\": \"key1\", \"message\": "
                                     "\"unterminated quoted value\"}"),
                       "%s", r.out);
    cr_assert_not_null(strstr(r.out, "does not escape '\\\"': write |22"), "%s", r.out);
    cr_assert_not_null(
        strstr(r.out, "},\n  {\"file\": \"" WILD "vmconfig__fail-1.vmx\""));
    cli_result_dispose(&r);
}

Test(cli_lint, json_clean_file_has_an_empty_list)
{
    cli_result r = cli_run_stdin("a = \"1\"\n", "lint", "--json", "-");

    cr_assert_eq(r.status, 0);
    cr_assert_str_eq(r.out,
                     "[\n  {\"file\": \"<stdin>\", \"diagnostics\": [], \"errors\": 0, "
                     "\"warnings\": 0}\n]\n");
    cli_result_dispose(&r);
}

Test(cli_lint, help_and_usage_errors)
{
    cli_result r = cli_run("lint", "--help");

    cr_assert_eq(r.status, 0);
    cr_assert_not_null(strstr(r.out, "usage: vmxkit lint [--json]"));
    cli_result_dispose(&r);
    r = cli_run("help", "lint");
    cr_assert_eq(r.status, 0);
    cr_assert_not_null(strstr(r.out, "usage: vmxkit lint"));
    cli_result_dispose(&r);
    r = cli_run("lint");
    cr_assert_eq(r.status, 2);
    cr_assert_not_null(strstr(r.errout, "no input file"));
    cli_result_dispose(&r);
    r = cli_run("lint", "--bogus", "x.vmx");
    cr_assert_eq(r.status, 2);
    cr_assert_not_null(strstr(r.errout, "unknown option '--bogus'"));
    cli_result_dispose(&r);
    r = cli_run("help");
    cr_assert_not_null(strstr(r.out, "lint"));
    cli_result_dispose(&r);
}

Test(cli_lint, control_characters_are_escaped)
{
    cli_result r = cli_run_stdin("a\x1b[2J = \"1\"\nb\x1b = \"\n", "lint", "-");

    cr_assert_eq(r.status, 1);
    cr_assert_str_eq(r.out, "<stdin>:2: error: unterminated quoted value [b\\x1b]\n");
    cli_result_dispose(&r);
    r = cli_run_stdin("k\x07y = \"1\"\n", "lint", "-");
    cr_assert_eq(r.status, 0);
    cr_assert_str_eq(r.out,
                     "<stdin>:1: warning: unusual character \\x07 in key [k\\x07y]\n");
    cli_result_dispose(&r);
    r = cli_run_stdin("k\x07y = \"1\"\n", "lint", "--json", "-");
    cr_assert_not_null(strstr(r.out, "\"key\": \"k\\u0007y\""), "%s", r.out);
    cli_result_dispose(&r);
}

Test(cli_lint, encoding_problems_name_the_line)
{
    cli_result r = cli_run("lint", "-q", WILD "lanrenlan__Windows_10_x64.vmx");

    cr_assert_eq(r.status, 1);
    cr_assert_not_null(strstr(r.out,
                              WILD "lanrenlan__Windows_10_x64.vmx:121: error: invalid "
                                   "UTF-8 byte sequence in value; bytes read as "
                                   "windows-1252 [sharedFolder0.hostPath]\n"),
                       "%s", r.out);
    cli_result_dispose(&r);
    r = cli_run_stdin(".encoding = \"x-nope\"\n", "lint", "-");
    cr_assert_eq(r.status, 1);
    cr_assert_str_eq(r.out, "<stdin>:1: error: unknown encoding 'x-nope' [.encoding]\n");
    cli_result_dispose(&r);
}
