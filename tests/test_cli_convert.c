/* The `vmxkit convert` subcommand: formats, output handling, options and exit
 * codes. Expected outputs are libvirt's (testdata/libvirt). */
#include <criterion/criterion.h>
#include <dirent.h>
#include <sys/stat.h>

#include "vmxkit/vmxkit.h"
#include "cli_run.h"

#define VMX2XML TESTDATA_DIR "/libvirt/vmx2xml"
#define XML2VMX TESTDATA_DIR "/libvirt/xml2vmx"

static char *must_read(const char *path)
{
    char *p = test_read_file(path, NULL);

    cr_assert_not_null(p, "cannot read %s", path);
    return p;
}

/* A fresh empty directory for output files. */
static void make_dir(char *tmpl)
{
    cr_assert_not_null(mkdtemp(tmpl));
}

static size_t dir_entries(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t n = 0;

    cr_assert_not_null(d);
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

static void write_file(const char *path, const char *data)
{
    FILE *f = fopen(path, "wb");

    cr_assert_not_null(f);
    cr_assert_eq(fwrite(data, 1, strlen(data), f), strlen(data));
    fclose(f);
}

static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[1024];

    if (!d)
        return;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

Test(cli_convert, vmx_to_xml_on_stdout)
{
    cli_result r = cli_run("convert", VMX2XML "/esx-in-the-wild-1.vmx");
    char *want = must_read(VMX2XML "/esx-in-the-wild-1.xml");

    cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.errout);
    cr_assert_str_eq(r.out, want);
    cr_assert_str_eq(r.errout, "");
    free(want);
    cli_result_dispose(&r);
}

Test(cli_convert, vmx_to_xml_into_file)
{
    char dir[] = "/tmp/vmxkit-convert-XXXXXX", out[512];
    char *want = must_read(VMX2XML "/graphics-vnc.xml"), *got;
    cli_result r;

    make_dir(dir);
    snprintf(out, sizeof(out), "%s/vm.xml", dir);
    r = cli_run("convert", "-o", out, VMX2XML "/graphics-vnc.vmx");
    cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.errout);
    cr_assert_str_eq(r.out, "");
    cr_assert_str_eq(r.errout, "");
    got = must_read(out);
    cr_assert_str_eq(got, want);
    cr_assert_eq(dir_entries(dir), 1, "temporary files were left behind");
    free(got);
    free(want);
    cli_result_dispose(&r);
    remove_dir(dir);
}

Test(cli_convert, dash_output_is_stdout)
{
    cli_result r = cli_run("convert", "--output", "-", VMX2XML "/minimal.vmx");
    char *want = must_read(VMX2XML "/minimal.xml");

    cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.errout);
    cr_assert_str_eq(r.out, want);
    free(want);
    cli_result_dispose(&r);
}

Test(cli_convert, xml_to_vmx_with_hw_version)
{
    /* xml2vmx/CASES.tsv: ws-in-the-wild-1 is converted for virtualHW 8 */
    cli_result r =
        cli_run("convert", "--hw-version", "8", XML2VMX "/xml2vmx-ws-in-the-wild-1.xml");
    char *want = must_read(XML2VMX "/xml2vmx-ws-in-the-wild-1.vmx");

    cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.errout);
    cr_assert_str_eq(r.out, want);
    cr_assert_str_eq(r.errout, "");
    free(want);
    cli_result_dispose(&r);
}

Test(cli_convert, xml_to_vmx_defaults_to_hw_version_4)
{
    cli_result r = cli_run("convert", "-t", "vmx", XML2VMX "/xml2vmx-minimal.xml");
    char *want = must_read(XML2VMX "/xml2vmx-minimal.vmx");

    cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.errout);
    cr_assert_str_eq(r.out, want);
    free(want);
    cli_result_dispose(&r);
}

Test(cli_convert, xml_to_xml_gives_libvirt_output_back)
{
    cli_result r = cli_run("convert", "-t", "xml", VMX2XML "/ethernet-vds.xml");
    char *want = must_read(VMX2XML "/ethernet-vds.xml");

    cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.errout);
    cr_assert_str_eq(r.out, want);
    free(want);
    cli_result_dispose(&r);
}

Test(cli_convert, output_extension_picks_the_format)
{
    char dir[] = "/tmp/vmxkit-convert-XXXXXX", out[512];
    char *want = must_read(VMX2XML "/minimal.xml"), *got;
    cli_result r;

    make_dir(dir);
    snprintf(out, sizeof(out), "%s/copy.XML", dir);
    r = cli_run("convert", "-o", out, VMX2XML "/minimal.xml");
    cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.errout);
    got = must_read(out);
    cr_assert_str_eq(got, want);
    free(got);
    free(want);
    cli_result_dispose(&r);
    remove_dir(dir);
}

Test(cli_convert, stdin_with_format)
{
    char *in = must_read(VMX2XML "/serial-file.vmx");
    char *want = must_read(VMX2XML "/serial-file.xml");
    cli_result r = cli_run_stdin(in, "convert", "-f", "vmx", "-");

    cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.errout);
    cr_assert_str_eq(r.out, want);
    free(in);
    free(want);
    cli_result_dispose(&r);
}

Test(cli_convert, stdin_needs_format)
{
    cli_result r = cli_run_stdin("displayName = \"x\"\n", "convert", "-");

    cr_assert_eq(r.status, 2);
    cr_assert_str_eq(r.out, "");
    cr_assert_str_eq(r.errout, "vmxkit convert: reading standard input needs -f vmx|xml|yaml\n"
                               "Try 'vmxkit convert --help'.\n");
    cli_result_dispose(&r);
}

Test(cli_convert, errors_name_file_line_and_key)
{
    char dir[] = "/tmp/vmxkit-convert-XXXXXX", in[512], prefix[600];
    cli_result r;

    make_dir(dir);
    snprintf(in, sizeof(in), "%s/bad.vmx", dir);
    write_file(in,
               "config.version = \"8\"\nvirtualHW.version = \"4\"\nmemsize = \"lots\"\n");
    r = cli_run("convert", "--strict", in);
    cr_assert_eq(r.status, 1, "exit %d: %s", r.status, r.errout);
    cr_assert_str_eq(r.out, "");
    snprintf(prefix, sizeof(prefix), "vmxkit: %s:", in);
    cr_assert(strncmp(r.errout, prefix, strlen(prefix)) == 0, "%s", r.errout);
    cr_assert_not_null(strstr(r.errout, " [memsize]\n"), "%s", r.errout);
    cr_assert_eq(strchr(r.errout, '\n') - r.errout + 1, (long)r.errlen, "one line: %s",
                 r.errout);
    cli_result_dispose(&r);

    write_file(in, "config.version = \"8\"\nthis is not a vmx line\n");
    r = cli_run("convert", in);
    cr_assert_eq(r.status, 1, "exit %d: %s", r.status, r.errout);
    snprintf(prefix, sizeof(prefix), "vmxkit: %s:2: ", in);
    cr_assert(strncmp(r.errout, prefix, strlen(prefix)) == 0, "%s", r.errout);
    cli_result_dispose(&r);
    remove_dir(dir);
}

Test(cli_convert, bad_input_leaves_no_output_file)
{
    char dir[] = "/tmp/vmxkit-convert-XXXXXX", in[512], out[512];
    cli_result r;

    make_dir(dir);
    snprintf(in, sizeof(in), "%s/bad.vmx", dir);
    snprintf(out, sizeof(out), "%s/bad.xml", dir);
    write_file(in, "config.version = \"8\"\nvirtualHW.version = \"2\"\n");
    r = cli_run("convert", "--strict", "-o", out, in);
    cr_assert_eq(r.status, 1, "exit %d: %s", r.status, r.errout);
    cr_assert_neq(access(out, F_OK), 0, "output file was created");
    cr_assert_eq(dir_entries(dir), 1, "files were left behind");
    cli_result_dispose(&r);
    remove_dir(dir);
}

Test(cli_convert, bad_input_keeps_an_existing_output_untouched)
{
    char dir[] = "/tmp/vmxkit-convert-XXXXXX", in[512], out[512];
    char *got;
    cli_result r;

    make_dir(dir);
    snprintf(in, sizeof(in), "%s/bad.vmx", dir);
    snprintf(out, sizeof(out), "%s/old.xml", dir);
    write_file(in, "virtualHW.version = \"2\"\n");
    write_file(out, "previous contents\n");
    r = cli_run("convert", "--strict", "-o", out, in);
    cr_assert_eq(r.status, 1, "exit %d: %s", r.status, r.errout);
    got = must_read(out);
    cr_assert_str_eq(got, "previous contents\n");
    cr_assert_eq(dir_entries(dir), 2, "files were left behind");
    free(got);
    cli_result_dispose(&r);
    remove_dir(dir);
}

Test(cli_convert, datacenter_path_option)
{
    cli_result r = cli_run("convert", "--datacenter-path", "folder1/folder2/datacenter1",
                           VMX2XML "/datacenterpath.vmx");
    char *want = must_read(VMX2XML "/datacenterpath.xml");

    cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.errout);
    cr_assert_str_eq(r.out, want);
    free(want);
    cli_result_dispose(&r);
}

Test(cli_convert, datastore_map_none_keeps_file_names)
{
    cli_result r =
        cli_run("convert", "--datastore-map", "none", VMX2XML "/esx-in-the-wild-1.vmx");

    cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.errout);
    /* the VMX says fileName = "Fedora11.vmdk"; libvirt's mapping would give
     * "[datastore] directory/Fedora11.vmdk" */
    cr_assert_not_null(strstr(r.out, "      <source file='Fedora11.vmdk'/>\n"), "%s",
                       r.out);
    cli_result_dispose(&r);

    r = cli_run("convert", "--datastore-map", "libvirt",
                VMX2XML "/esx-in-the-wild-1.vmx");
    cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.errout);
    cr_assert_not_null(
        strstr(r.out, "<source file='[datastore] directory/Fedora11.vmdk'/>"));
    cli_result_dispose(&r);
}

Test(cli_convert, usage_errors_exit_2)
{
    static const struct {
        const char *args[4];
        const char *message;
    } cases[] = {
        {{"--bogus", VMX2XML "/minimal.vmx"}, "unknown option '--bogus'"},
        {{"-x", VMX2XML "/minimal.vmx"}, "unknown option '-x'"},
        {{VMX2XML "/minimal.vmx", "-o"}, "option '-o' needs an argument"},
        {{"-t", "json", VMX2XML "/minimal.vmx"}, "unknown format 'json' for -t"},
        {{"-f", "json", "-"}, "unknown format 'json' for -f"},
        {{"--hw-version", "four", VMX2XML "/minimal.vmx"}, "invalid --hw-version 'four'"},
        {{"--datastore-map", "vmfs", VMX2XML "/minimal.vmx"},
         "invalid --datastore-map 'vmfs'"},
        {{VMX2XML "/CASES.tsv"}, "cannot tell the format of"},
        {{VMX2XML "/minimal.vmx", VMX2XML "/minimal.xml"}, "only one INPUT is accepted"},
        {{NULL}, "missing INPUT"},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *argv[6] = {"convert"};
        size_t j;
        cli_result r;

        for (j = 0; j < 4 && cases[i].args[j]; j++)
            argv[j + 1] = cases[i].args[j];
        argv[j + 1] = NULL;
        r = cli_run_in(NULL, 0, argv);
        cr_assert_eq(r.status, 2, "case %zu: exit %d: %s", i, r.status, r.errout);
        cr_assert_str_eq(r.out, "");
        cr_assert(strncmp(r.errout, "vmxkit convert: ", 16) == 0, "case %zu: %s", i,
                  r.errout);
        cr_assert_not_null(strstr(r.errout, cases[i].message), "case %zu: %s", i,
                           r.errout);
        cr_assert_not_null(strstr(r.errout, "Try 'vmxkit convert --help'.\n"));
        cli_result_dispose(&r);
    }
}

Test(cli_convert, io_errors_exit_3)
{
    char dir[] = "/tmp/vmxkit-convert-XXXXXX", out[512];
    cli_result r = cli_run("convert", "/nonexistent/dir/vm.vmx");

    cr_assert_eq(r.status, 3, "exit %d: %s", r.status, r.errout);
    cr_assert(strncmp(r.errout, "vmxkit: /nonexistent/dir/vm.vmx: cannot open", 44) == 0,
              "%s", r.errout);
    cli_result_dispose(&r);

    make_dir(dir);
    snprintf(out, sizeof(out), "%s/missing/vm.xml", dir);
    r = cli_run("convert", "-o", out, VMX2XML "/minimal.vmx");
    cr_assert_eq(r.status, 3, "exit %d: %s", r.status, r.errout);
    cr_assert_not_null(strstr(r.errout, "cannot create file"), "%s", r.errout);
    cr_assert_eq(dir_entries(dir), 0);
    cli_result_dispose(&r);
    remove_dir(dir);
}

Test(cli_convert, help)
{
    cli_result r = cli_run("convert", "--help");

    cr_assert_eq(r.status, 0);
    cr_assert(strncmp(r.out, "usage: vmxkit convert ", 22) == 0, "%s", r.out);
    cr_assert_not_null(strstr(r.out, "--datastore-map"));
    cr_assert_str_eq(r.errout, "");
    cli_result_dispose(&r);
    r = cli_run("help", "convert");
    cr_assert_eq(r.status, 0);
    cr_assert(strncmp(r.out, "usage: vmxkit convert ", 22) == 0, "%s", r.out);
    cli_result_dispose(&r);
}

Test(cli_convert, yaml_both_ways_through_the_cli)
{
    char dir[] = "/tmp/vmxkit-cli-yaml-XXXXXX", yaml[256];
    cli_result r, back, xml;

    cr_assert_not_null(mkdtemp(dir));
    snprintf(yaml, sizeof(yaml), "%s/vm.yaml", dir);
    r = cli_run("convert", "-o", yaml, VMX2XML "/esx-in-the-wild-1.vmx");
    cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.errout);
    cli_result_dispose(&r);
    /* YAML -> XML gives what VMX -> XML gives. */
    back = cli_run("convert", "-t", "xml", yaml);
    cr_assert_eq(back.status, 0, "exit %d: %s", back.status, back.errout);
    xml = cli_run("convert", VMX2XML "/esx-in-the-wild-1.vmx");
    cr_assert_str_eq(back.out, xml.out);
    cli_result_dispose(&back);
    cli_result_dispose(&xml);
    /* stdin with -f yaml */
    r = cli_run_stdin("name: x\nmemory: 4 MiB\nbogus: 1\n", "convert", "-f", "yaml", "-");
    cr_assert_eq(r.status, 1, "exit %d: %s", r.status, r.errout);
    cr_assert_not_null(strstr(r.errout, "<stdin>:3:"), "%s", r.errout);
    cr_assert_not_null(strstr(r.errout, "bogus"), "%s", r.errout);
    cli_result_dispose(&r);
    unlink(yaml);
    rmdir(dir);
}
