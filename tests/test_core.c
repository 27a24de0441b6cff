/* Core pieces: error records, atomic file writes, the command's basics. */
#include <criterion/criterion.h>
#include <sys/stat.h>

#include "vmxkit/vmxkit.h"
#include "cli_run.h"

Test(core, error_format_has_file_line_message_key)
{
    vmx_error err = VMX_ERROR_INIT;
    char line[256];

    cr_assert_eq(vmx_error_set(&err, VMX_EPARSE, "a.vmx", 7, "memsize", "bad %s", "value"),
                 VMX_EPARSE);
    vmx_error_format(line, sizeof(line), &err);
    cr_assert_str_eq(line, "a.vmx:7: bad value [memsize]");
}

Test(core, error_first_error_wins)
{
    vmx_error err = VMX_ERROR_INIT;

    vmx_error_set(&err, VMX_EPARSE, "a", 1, NULL, "first");
    vmx_error_set(&err, VMX_EIO, "b", 2, NULL, "second");
    cr_assert_eq(err.code, VMX_EPARSE);
    cr_assert_str_eq(err.message, "first");
}

Test(core, error_message_is_one_line)
{
    vmx_error err = VMX_ERROR_INIT;

    vmx_error_set(&err, VMX_EPARSE, NULL, 0, NULL, "a\nb\rc");
    cr_assert_str_eq(err.message, "a b c");
}

Test(core, error_escapes_control_characters)
{
    vmx_error err = VMX_ERROR_INIT;

    vmx_error_set(&err, VMX_EPARSE, "a\x1b.vmx", 0, "k\x01y", "bad \x1b[2J%s", "\x7f!");
    cr_assert_str_eq(err.message, "bad \\x1b[2J\\x7f!");
    cr_assert_str_eq(err.key, "k?y");
    cr_assert_str_eq(err.source, "a?.vmx");
}

Test(core, error_without_source_or_key)
{
    vmx_error err = VMX_ERROR_INIT;
    char line[64];

    vmx_error_set(&err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
    vmx_error_format(line, sizeof(line), &err);
    cr_assert_str_eq(line, "out of memory");
}

Test(core, atomic_write_replaces_and_leaves_no_temp)
{
    char dir[] = "/tmp/vmxkit-core-XXXXXX";
    char path[512], *data;
    vmx_error err = VMX_ERROR_INIT;
    size_t len;

    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/out.txt", dir);
    cr_assert_eq(vmx_file_write_atomic(path, "one\n", 4, &err), 0);
    cr_assert_eq(vmx_file_write_atomic(path, "two\n", 4, &err), 0);
    cr_assert_eq(vmx_file_read(&data, &len, path, 0, &err), 0);
    cr_assert_str_eq(data, "two\n");
    cr_assert_eq(len, 4);
    vmx_free(data);
    unlink(path);
    cr_assert_eq(rmdir(dir), 0, "a temporary file was left behind");
}

Test(core, atomic_write_into_missing_dir_fails_cleanly)
{
    vmx_error err = VMX_ERROR_INIT;

    cr_assert_eq(vmx_file_write_atomic("/nonexistent-dir/x.xml", "a", 1, &err), VMX_EIO);
    cr_assert_str_eq(err.source, "/nonexistent-dir/x.xml");
}

Test(core, read_refuses_files_over_the_limit)
{
    vmx_error err = VMX_ERROR_INIT;
    char *data = NULL;
    size_t len;

    cr_assert_eq(vmx_file_read(&data, &len, TESTDATA_DIR "/libvirt/vmx2xml/minimal.vmx", 10,
                               &err),
                 VMX_ELIMIT);
    cr_assert_null(data);
}

Test(core, cli_version_and_help)
{
    cli_result r = cli_run("--version");

    cr_assert_eq(r.status, 0);
    cr_assert(strncmp(r.out, "vmxkit ", 7) == 0, "got %s", r.out);
    cli_result_dispose(&r);
    r = cli_run("help");
    cr_assert_eq(r.status, 0);
    cr_assert(strstr(r.out, "usage: vmxkit") != NULL);
    cli_result_dispose(&r);
    r = cli_run("no-such-command");
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.errout, "unknown command") != NULL);
    cli_result_dispose(&r);
}
