/* vmxkit batch: layout mirroring, failures, determinism, report, exit codes. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <sys/stat.h>

#include "cli_run.h"

static char root[64];

static void write_file(const char *rel, const char *data)
{
    char path[512];

    snprintf(path, sizeof(path), "%s/%s", root, rel);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "cannot create %s", path);
    fputs(data, f);
    fclose(f);
}

static void copy_corpus(const char *name, const char *rel)
{
    char src[512], *data;

    snprintf(src, sizeof(src), "%s/libvirt/vmx2xml/%s", TESTDATA_DIR, name);
    data = test_read_file(src, NULL);
    cr_assert_not_null(data, "missing %s", src);
    write_file(rel, data);
    free(data);
}

static void setup_tree(void)
{
    char path[512];

    snprintf(root, sizeof(root), "/tmp/vmxkit-batch-XXXXXX");
    cr_assert_not_null(mkdtemp(root));
    snprintf(path, sizeof(path), "%s/in", root);
    mkdir(path, 0777);
    snprintf(path, sizeof(path), "%s/in/sub", root);
    mkdir(path, 0777);
    snprintf(path, sizeof(path), "%s/in/sub/deeper", root);
    mkdir(path, 0777);
    copy_corpus("minimal.vmx", "in/a.vmx");
    copy_corpus("esx-in-the-wild-1.vmx", "in/sub/b.vmx");
    copy_corpus("graphics-vnc.vmx", "in/sub/deeper/c.vmx");
    write_file("in/sub/bad.vmx", "config.version = \"8\"\nvirtualHW.version = \"4\n");
    write_file("in/notes.txt", "not a vmx file\n");
}

static void teardown_tree(void)
{
    char cmd[128];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    cr_assert_eq(system(cmd), 0);
}

static bool exists(const char *rel)
{
    char path[512];
    struct stat st;

    snprintf(path, sizeof(path), "%s/%s", root, rel);
    return stat(path, &st) == 0;
}

static char *slurp(const char *rel)
{
    char path[512];

    snprintf(path, sizeof(path), "%s/%s", root, rel);
    return test_read_file(path, NULL);
}

/* Drop the "microseconds", "seconds" and "jobs" figures so reports compare. */
static void strip_timings(char *s)
{
    const char *keys[] = {"\"microseconds\": ", "\"seconds\": ", "\"jobs\": "};

    for (size_t k = 0; k < 3; k++) {
        char *p = s;

        while ((p = strstr(p, keys[k]))) {
            char *q;

            p += strlen(keys[k]);
            for (q = p; (*q >= '0' && *q <= '9') || *q == '.'; q++)
                ;
            memmove(p, q, strlen(q) + 1); /* drop the figure */
        }
    }
}

TestSuite(cli_batch, .init = setup_tree, .fini = teardown_tree);

Test(cli_batch, mirrors_layout_and_records_failures)
{
    char in[256], out[256], report[256];
    cli_result r;
    char *a, *expect, *rep;

    snprintf(in, sizeof(in), "%s/in", root);
    snprintf(out, sizeof(out), "%s/out", root);
    snprintf(report, sizeof(report), "%s/report.json", root);
    r = cli_run("batch", "-q", "-t", "xml", "-o", out, "-j", "2", "--report", report, in);
    cr_assert_eq(r.status, 1, "stderr: %s", r.errout);
    cr_assert(strstr(r.errout, "bad.vmx:2:") != NULL, "stderr: %s", r.errout);
    cli_result_dispose(&r);
    cr_assert(exists("out/a.xml"));
    cr_assert(exists("out/sub/b.xml"));
    cr_assert(exists("out/sub/deeper/c.xml"));
    cr_assert(!exists("out/sub/bad.xml"), "a failed file left an output");
    cr_assert(!exists("out/notes.xml"));

    /* Same bytes as a single convert. */
    snprintf(in, sizeof(in), "%s/in/sub/b.vmx", root);
    r = cli_run("convert", in);
    cr_assert_eq(r.status, 0);
    a = slurp("out/sub/b.xml");
    expect = r.out;
    cr_assert_str_eq(a, expect);
    free(a);
    cli_result_dispose(&r);

    rep = slurp("report.json");
    cr_assert_not_null(rep);
    cr_assert(strstr(rep, "\"totals\": {\"files\": 4, \"converted\": 3, \"failed\": 1") != NULL,
              "report: %s", rep);
    cr_assert(strstr(rep, "\"status\": \"failed\", \"error\": {\"line\": 2") != NULL,
              "report: %s", rep);
    /* Input order (names sorted bytewise): a.vmx, sub/b.vmx, sub/bad.vmx,
     * sub/deeper/c.vmx. */
    char *pa = strstr(rep, "in/a.vmx"), *pbad = strstr(rep, "sub/bad.vmx");
    char *pb = strstr(rep, "sub/b.vmx"), *pc = strstr(rep, "deeper/c.vmx");
    cr_assert(pa && pbad && pb && pc && pa < pb && pb < pbad && pbad < pc, "report: %s", rep);
    free(rep);
}

Test(cli_batch, output_does_not_depend_on_jobs)
{
    char in[256], out1[256], out2[256], rep1[256], rep2[256];
    cli_result r;
    char *x, *y;

    snprintf(in, sizeof(in), "%s/in", root);
    snprintf(out1, sizeof(out1), "%s/o1", root);
    snprintf(out2, sizeof(out2), "%s/o2", root);
    snprintf(rep1, sizeof(rep1), "%s/r1.json", root);
    snprintf(rep2, sizeof(rep2), "%s/r2.json", root);
    r = cli_run("batch", "-q", "-t", "yaml", "-o", out1, "-j", "1", "--report", rep1, in);
    cr_assert_eq(r.status, 1);
    cli_result_dispose(&r);
    r = cli_run("batch", "-q", "-t", "yaml", "-o", out2, "-j", "2", "--report", rep2, in);
    cr_assert_eq(r.status, 1);
    cli_result_dispose(&r);
    x = slurp("o1/sub/deeper/c.yaml");
    y = slurp("o2/sub/deeper/c.yaml");
    cr_assert_not_null(x);
    cr_assert_str_eq(x, y);
    free(x);
    free(y);
    x = slurp("r1.json");
    y = slurp("r2.json");
    strip_timings(x);
    strip_timings(y);
    /* Output paths differ by directory name only. */
    for (char *p = x; (p = strstr(p, "/o1/")); p++)
        p[2] = '2';
    cr_assert_str_eq(x, y);
    free(x);
    free(y);
}

Test(cli_batch, all_converted_exits_zero)
{
    char in[256], out[256];
    cli_result r;

    snprintf(in, sizeof(in), "%s/in/sub/deeper", root);
    snprintf(out, sizeof(out), "%s/out", root);
    r = cli_run("batch", "-t", "xml", "-o", out, in);
    cr_assert_eq(r.status, 0, "stderr: %s", r.errout);
    cr_assert(strstr(r.errout, "1 converted, 0 failed") != NULL, "stderr: %s", r.errout);
    cli_result_dispose(&r);
    cr_assert(exists("out/c.xml"));
}

Test(cli_batch, unusable_outdir_exits_two)
{
    char in[256], out[256];
    cli_result r;

    snprintf(in, sizeof(in), "%s/in", root);
    snprintf(out, sizeof(out), "%s/in/notes.txt/out", root);
    r = cli_run("batch", "-q", "-t", "xml", "-o", out, in);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.errout, "cannot create output directory") != NULL, "%s", r.errout);
    cli_result_dispose(&r);
}

Test(cli_batch, usage_errors)
{
    cli_result r = cli_run("batch", "-o", "/tmp/x", "/tmp");

    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.errout, "missing -t FORMAT") != NULL);
    cli_result_dispose(&r);
    r = cli_run("batch", "-t", "json", "-o", "/tmp/x", "/tmp");
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.errout, "unknown format 'json'") != NULL);
    cli_result_dispose(&r);
    r = cli_run("batch", "-t", "xml", "-o", "/tmp/x", "-j", "0", "/tmp");
    cr_assert_eq(r.status, 2);
    cli_result_dispose(&r);
    r = cli_run("batch", "--help");
    cr_assert_eq(r.status, 0);
    cr_assert(strstr(r.out, "usage: vmxkit batch") != NULL);
    cli_result_dispose(&r);
}

/* Files left in a directory, "." and ".." aside. */
static size_t count_entries(const char *rel)
{
    char path[512];
    struct dirent *e;
    size_t n = 0;
    DIR *d;

    snprintf(path, sizeof(path), "%s/%s", root, rel);
    d = opendir(path);
    cr_assert_not_null(d, "cannot open %s", path);
    while ((e = readdir(d)))
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

Test(cli_batch, rerun_replaces_outputs_and_leaves_no_temporary_files)
{
    char in[256], out[256];
    cli_result r;
    char *first, *again;

    snprintf(in, sizeof(in), "%s/in", root);
    snprintf(out, sizeof(out), "%s/out", root);
    r = cli_run("batch", "-q", "-t", "xml", "-o", out, "-j", "2", in);
    cr_assert_eq(r.status, 1, "stderr: %s", r.errout);
    cli_result_dispose(&r);
    first = slurp("out/sub/b.xml");
    cr_assert_not_null(first);

    /* outputs there already are replaced (atomically), a stale one too */
    write_file("out/a.xml", "stale\n");
    r = cli_run("batch", "-q", "-t", "xml", "-o", out, "-j", "2", in);
    cr_assert_eq(r.status, 1, "stderr: %s", r.errout);
    cli_result_dispose(&r);
    again = slurp("out/sub/b.xml");
    cr_assert_str_eq(again, first);
    free(again);
    again = slurp("out/a.xml");
    cr_assert(strncmp(again, "<domain type='vmware'>", 22) == 0, "a.xml: %s", again);
    free(again);
    free(first);
    cr_assert_eq(count_entries("out"), 2, "out/ holds more than a.xml and sub/");
    cr_assert_eq(count_entries("out/sub"), 2, "out/sub holds more than b.xml and deeper/");
    cr_assert_eq(count_entries("out/sub/deeper"), 1);
}
