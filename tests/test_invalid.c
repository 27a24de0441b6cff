/* Bad input through the command line: every case of testdata/invalid/ (and of
 * the readers' own suites, testdata/xml-invalid/ and testdata/yaml/invalid/)
 * makes `vmxkit convert -o OUT` exit 1 with a one-line message naming the
 * expected line and message, in bounded time and memory, without creating
 * OUT and without touching an existing OUT; VMX cases make `vmxkit lint`
 * fail too. Large inputs (a 10 MB line, a million entries) are generated
 * here. See doc/hardening.md.
 *
 * Folders of testdata/invalid/ (format of <case>.error: the line, 0 for
 * none, then the message):
 *   *.vmx        the file layer refuses them (also tests/test_vmxfile.c)
 *   convert/     VMX that parses but does not convert
 *   lint/        VMX that converts (bytes read as windows-1252) but that
 *                lint refuses: the declared encoding does not hold
 *   xml/, yaml/  libvirt domain XML and YAML
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli_run.h"

/* A generous hang guard, not a speed assertion: every case takes well under
 * a second, even under valgrind or the sanitizers. */
#define HANG_GUARD_SECONDS 60
/* Memory cap of the command (address space; under ASan, resident size). */
#define MEMORY_CAP_MB 1024

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

typedef struct run_result {
    int status; /* exit code, or 128 + signal */
    char *out, *err;
    size_t outlen, errlen;
} run_result;

static void run_dispose(run_result *r)
{
    free(r->out);
    free(r->err);
}

/* Run BUILDDIR/bin/vmxkit with @args (NULL-terminated) under the hang guard
 * and the memory cap; stdin is /dev/null. */
static run_result run_capped(const char *const *args)
{
    char outp[] = "/tmp/vmxkit-invalid-outXXXXXX",
         errp[] = "/tmp/vmxkit-invalid-errXXXXXX";
    int ofd = mkstemp(outp), efd = mkstemp(errp);
    const char *argv[32];
    run_result r = {0};
    size_t i = 0;
    pid_t pid;
    int st;

    cr_assert(ofd >= 0 && efd >= 0);
    argv[i++] = BUILDDIR "/bin/vmxkit";
    for (; *args && i < 31; args++)
        argv[i++] = *args;
    argv[i] = NULL;
    pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        int nul = open("/dev/null", O_RDONLY);

        dup2(nul, 0);
        dup2(ofd, 1);
        dup2(efd, 2);
#ifdef UNDER_ASAN
        {
            /* ASan reserves terabytes of address space: cap the RSS instead */
            const char *old = getenv("ASAN_OPTIONS");
            char opts[1024];

            snprintf(opts, sizeof(opts), "%s%shard_rss_limit_mb=%d", old ? old : "",
                     old && *old ? ":" : "", MEMORY_CAP_MB);
            setenv("ASAN_OPTIONS", opts, 1);
        }
#else
        {
            struct rlimit rl;

            rl.rlim_cur = rl.rlim_max = (rlim_t)MEMORY_CAP_MB * 1024 * 1024;
            setrlimit(RLIMIT_AS, &rl);
        }
#endif
        alarm(HANG_GUARD_SECONDS); /* survives exec: SIGALRM ends a hang */
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    lseek(ofd, 0, SEEK_SET);
    lseek(efd, 0, SEEK_SET);
    r.out = cli__slurp_fd(ofd, &r.outlen);
    r.err = cli__slurp_fd(efd, &r.errlen);
    close(ofd);
    close(efd);
    unlink(outp);
    unlink(errp);
    return r;
}

#define RUN(...) run_capped((const char *const[]){__VA_ARGS__, NULL})

static int has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Number of entries of directory @dir, "." and ".." left out. */
static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    if (!d)
        return -1;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

/* What a case expects. @message is a substring for the readers' own suites
 * and the whole message for testdata/invalid. */
typedef struct expectation {
    unsigned long line; /* 0: the message names no line */
    char message[512];
} expectation;

/* stderr is one line: "vmxkit: PATH:LINE: MESSAGE[ [KEY]]\n". */
static void check_message(const char *what, const char *path, const run_result *r,
                          const expectation *want, int exact)
{
    char head[4200];
    const char *msg;

    cr_expect_gt(r->errlen, 0, "%s: no message", what);
    if (r->errlen == 0)
        return;
    cr_expect_eq(r->err[r->errlen - 1], '\n', "%s: message not ended by a newline", what);
    cr_expect_eq(memchr(r->err, '\n', r->errlen), r->err + r->errlen - 1,
                 "%s: message on more than one line:\n%s", what, r->err);
    if (want->line)
        snprintf(head, sizeof(head), "vmxkit: %s:%lu: ", path, want->line);
    else
        snprintf(head, sizeof(head), "vmxkit: %s: ", path);
    cr_expect(strncmp(r->err, head, strlen(head)) == 0, "%s: expected '%s...', got %s",
              what, head, r->err);
    if (strncmp(r->err, head, strlen(head)) != 0)
        return;
    msg = r->err + strlen(head);
    if (exact) {
        size_t n = strlen(want->message);

        cr_expect(strncmp(msg, want->message, n) == 0 &&
                      (msg[n] == '\n' || strncmp(msg + n, " [", 2) == 0),
                  "%s: expected message '%s', got %s", what, want->message, r->err);
    } else {
        cr_expect(strstr(msg, want->message) != NULL, "%s: expected '%s' in %s", what,
                  want->message, r->err);
    }
}

/* Run `vmxkit convert [-f FROM] [OPTION] -o OUT PATH`. */
static run_result run_convert(const char *path, const char *from, const char *option,
                              const char *out)
{
    const char *args[10];
    size_t n = 0;

    args[n++] = "convert";
    if (from) {
        args[n++] = "-f";
        args[n++] = from;
    }
    if (option)
        args[n++] = option;
    args[n++] = "-o";
    args[n++] = out;
    args[n++] = path;
    args[n] = NULL;
    return run_capped(args);
}

/* `vmxkit convert -o OUT` fails cleanly twice: with OUT absent (it must stay
 * absent, and no temporary file may be left) and with OUT present (it must
 * keep its bytes). @option is an extra option such as "--strict", or NULL. */
static void check_convert(const char *path, const char *from, const char *option,
                          const expectation *want, int exact)
{
    static const char precious[] = "an existing output file\n";
    char dir[] = "/tmp/vmxkit-invalid-XXXXXX", out[64];
    run_result r;
    char *kept;
    size_t keptlen = 0;
    FILE *f;

    cr_assert_not_null(mkdtemp(dir));
    snprintf(out, sizeof(out), "%s/out", dir);

    r = run_convert(path, from, option, out);
    cr_expect_eq(r.status, 1, "%s: exit %d (%s)", path, r.status, r.err);
    cr_expect_eq(r.outlen, 0, "%s: wrote to stdout", path);
    check_message(path, path, &r, want, exact);
    cr_expect_eq(access(out, F_OK), -1, "%s: output file created", path);
    cr_expect_eq(count_entries(dir), 0, "%s: files left in the output directory", path);
    run_dispose(&r);

    f = fopen(out, "w");
    cr_assert_not_null(f);
    fputs(precious, f);
    fclose(f);
    r = run_convert(path, from, option, out);
    cr_expect_eq(r.status, 1, "%s: exit %d with an existing output", path, r.status);
    kept = test_read_file(out, &keptlen);
    cr_expect(kept && keptlen == sizeof(precious) - 1 &&
                  memcmp(kept, precious, keptlen) == 0,
              "%s: the existing output file changed", path);
    cr_expect_eq(count_entries(dir), 1, "%s: files left in the output directory", path);
    free(kept);
    run_dispose(&r);
    unlink(out);
    rmdir(dir);
}

/* Without --strict, a VMX file libvirt refuses converts (with the bad
 * entries repaired or left out) or fails cleanly; a converted file is
 * written whole. */
static void check_tolerant(const char *path)
{
    char dir[] = "/tmp/vmxkit-invalid-XXXXXX", out[64];
    run_result r;

    cr_assert_not_null(mkdtemp(dir));
    snprintf(out, sizeof(out), "%s/out.xml", dir);
    r = run_convert(path, NULL, NULL, out);
    cr_expect(r.status == 0 || r.status == 1, "%s: tolerant exit %d (%s)", path, r.status,
              r.err);
    if (r.status == 0) {
        char *xml = test_read_file(out, NULL);

        cr_expect(xml && strstr(xml, "</domain>\n"), "%s: incomplete output", path);
        free(xml);
    } else {
        cr_expect_eq(access(out, F_OK), -1, "%s: output file created", path);
    }
    unlink(out);
    cr_expect_eq(count_entries(dir), 0, "%s: files left in the output directory", path);
    run_dispose(&r);
    rmdir(dir);
}

/* `vmxkit lint` exits 1 and prints "PATH:LINE: error: MESSAGE". */
static void check_lint(const char *path, const expectation *want)
{
    run_result r = RUN("lint", path);
    char needle[4200];

    cr_expect_eq(r.status, 1, "%s: lint exit %d", path, r.status);
    if (want->line)
        snprintf(needle, sizeof(needle), "%s:%lu: error: %s", path, want->line,
                 want->message);
    else
        snprintf(needle, sizeof(needle), "%s: error: %s", path, want->message);
    cr_expect(strstr(r.out, needle) != NULL || strstr(r.err, needle) != NULL,
              "%s: lint does not say '%s':\n%s%s", path, needle, r.out, r.err);
    run_dispose(&r);
}

/* Read testdata/invalid's "<line>\n<message>\n". */
static int read_expectation(expectation *want, const char *path)
{
    char *text = test_read_file(path, NULL), *nl;

    if (!text)
        return -1;
    want->line = strtoul(text, &nl, 10);
    if (*nl != '\n') {
        free(text);
        return -1;
    }
    nl++;
    nl[strcspn(nl, "\n")] = '\0';
    snprintf(want->message, sizeof(want->message), "%s", nl);
    free(text);
    return 0;
}

enum { LINT_NO, LINT_YES };

/* Run every <case>.<ext> of testdata/invalid/<sub>; returns the count. */
static int run_folder(const char *sub, const char *ext, int lint)
{
    char dir[1024];
    struct dirent *e;
    int n = 0;
    DIR *d;

    snprintf(dir, sizeof(dir), "%s/invalid%s%s", TESTDATA_DIR, *sub ? "/" : "", sub);
    d = opendir(dir);
    cr_assert_not_null(d, "%s", dir);
    while ((e = readdir(d)) != NULL) {
        char path[2048], epath[2048];
        expectation want;

        if (!has_suffix(e->d_name, ext))
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        snprintf(epath, sizeof(epath), "%s/%.*s.error", dir,
                 (int)(strlen(e->d_name) - strlen(ext)), e->d_name);
        cr_assert_eq(read_expectation(&want, epath), 0, "%s: missing or malformed",
                     epath);
        if (lint == LINT_YES)
            check_lint(path, &want);
        if (strcmp(sub, "convert") == 0) {
            /* libvirt refuses them; vmxkit converts what it can unless told
             * to be strict (doc/lossless.md) */
            check_convert(path, NULL, "--strict", &want, 1);
            check_tolerant(path);
        } else if (strcmp(sub, "lint") != 0) {
            check_convert(path, NULL, NULL, &want, 1);
        }
        n++;
    }
    closedir(d);
    return n;
}

Test(invalid, file_layer_cases_fail_in_convert_and_lint)
{
    int n = run_folder("", ".vmx", LINT_YES);

    cr_expect_geq(n, 25, "%d cases", n);
}

Test(invalid, unconvertible_vmx_cases_fail_in_convert)
{
    int n = run_folder("convert", ".vmx", LINT_NO);

    cr_expect_geq(n, 25, "%d cases", n);
}

Test(invalid, declared_encoding_violations_fail_in_lint)
{
    int n = run_folder("lint", ".vmx", LINT_YES);

    cr_expect_geq(n, 3, "%d cases", n);
}

Test(invalid, xml_cases_fail_in_convert)
{
    int n = run_folder("xml", ".xml", LINT_NO);

    cr_expect_geq(n, 28, "%d cases", n);
}

Test(invalid, yaml_cases_fail_in_convert)
{
    int n = run_folder("yaml", ".yaml", LINT_NO);

    cr_expect_geq(n, 20, "%d cases", n);
}

Test(invalid, the_suite_has_at_least_forty_cases)
{
    static const char *const subs[] = {"", "convert", "lint", "xml", "yaml"};
    int total = 0;
    size_t i;

    for (i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
        char dir[1024];
        struct dirent *e;
        DIR *d;

        snprintf(dir, sizeof(dir), "%s/invalid/%s", TESTDATA_DIR, subs[i]);
        cr_assert_not_null(d = opendir(dir), "%s", dir);
        while ((e = readdir(d)) != NULL)
            total += has_suffix(e->d_name, ".error");
        closedir(d);
    }
    cr_assert_geq(total, 40, "%d cases", total);
}

/* The readers' own suites, through the command line: there the .error holds
 * the line (xml-invalid) or "line:column" (yaml/invalid), then a part of the
 * message. */
static int run_reader_suite(const char *sub, const char *ext, const char *from)
{
    char dir[1024];
    struct dirent *e;
    int n = 0;
    DIR *d;

    snprintf(dir, sizeof(dir), "%s/%s", TESTDATA_DIR, sub);
    cr_assert_not_null(d = opendir(dir), "%s", dir);
    while ((e = readdir(d)) != NULL) {
        char path[2048], epath[2048], *text, *nl;
        expectation want;

        if (!has_suffix(e->d_name, ext))
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        snprintf(epath, sizeof(epath), "%s/%.*s.error", dir,
                 (int)(strlen(e->d_name) - strlen(ext)), e->d_name);
        text = test_read_file(epath, NULL);
        cr_assert_not_null(text, "%s", epath);
        want.line = strtoul(text, NULL, 10);
        nl = strchr(text, '\n');
        cr_assert_not_null(nl, "%s", epath);
        nl++;
        nl[strcspn(nl, "\n")] = '\0';
        snprintf(want.message, sizeof(want.message), "%s", nl);
        free(text);
        check_convert(path, from, NULL, &want, 0);
        n++;
    }
    closedir(d);
    return n;
}

Test(invalid, xml_reader_suite_fails_cleanly_in_convert)
{
    int n = run_reader_suite("xml-invalid", ".xml", "xml");

    cr_expect_geq(n, 60, "%d cases", n);
}

Test(invalid, yaml_reader_suite_fails_cleanly_in_convert)
{
    int n = run_reader_suite("yaml/invalid", ".yaml", "yaml");

    cr_expect_geq(n, 20, "%d cases", n);
}

/* ---- generated inputs ---- */

/* Write @n copies of @unit after @head and before @tail into DIR/NAME. */
static void write_repeated(const char *path, const char *head, const char *unit, size_t n,
                           const char *tail)
{
    FILE *f = fopen(path, "w");
    size_t i, ulen = strlen(unit);

    cr_assert_not_null(f, "%s", path);
    fputs(head, f);
    for (i = 0; i < n; i++)
        cr_assert_eq(fwrite(unit, 1, ulen, f), ulen);
    fputs(tail, f);
    cr_assert_eq(fclose(f), 0);
}

#define VMX_HEAD "config.version = \"8\"\nvirtualHW.version = \"4\"\n"

Test(invalid, ten_megabyte_line_is_refused)
{
    char dir[] = "/tmp/vmxkit-invalid-gen-XXXXXX", path[128];
    expectation want = {3, "line longer than 65536 bytes"};

    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/long-line.vmx", dir);
    write_repeated(path, VMX_HEAD "displayName = \"", "a", 10 * 1024 * 1024, "\"\n");
    check_convert(path, NULL, NULL, &want, 1);
    check_lint(path, &want);
    unlink(path);
    rmdir(dir);
}

Test(invalid, a_million_entries_are_refused)
{
    char dir[] = "/tmp/vmxkit-invalid-gen-XXXXXX", path[128];
    expectation want = {100001, "too many lines (the limit is 100000)"};

    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/million.vmx", dir);
    write_repeated(path, VMX_HEAD, "k = \"\"\n", 1000000 - 2, "");
    check_convert(path, NULL, NULL, &want, 1);
    check_lint(path, &want);
    unlink(path);
    rmdir(dir);
}

Test(invalid, a_million_yaml_entries_are_refused)
{
    char dir[] = "/tmp/vmxkit-invalid-gen-XXXXXX", path[128];
    expectation want = {3, "more than 200000 nodes"};

    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/million.yaml", dir);
    write_repeated(path, "name: x\nmemory: 32 MiB\nextra: [", "v, ", 1000000, "v]\n");
    check_convert(path, NULL, NULL, &want, 1);
    unlink(path);
    rmdir(dir);
}

Test(invalid, files_over_the_size_limit_are_refused)
{
    char dir[] = "/tmp/vmxkit-invalid-gen-XXXXXX", path[128];
    expectation want = {0, "file larger than the limit of 16777216 bytes"};

    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/huge.vmx", dir);
    write_repeated(path, "", "# a comment line of 32 bytes...\n", 17 * 1024 * 1024 / 32,
                   "");
    check_convert(path, NULL, NULL, &want, 1);
    unlink(path);
    snprintf(path, sizeof(path), "%s/huge.xml", dir);
    write_repeated(path, "<domain type='vmware'>", "<!-- a comment of 32 bytes.. -->",
                   17 * 1024 * 1024 / 32, "</domain>\n");
    check_convert(path, NULL, NULL, &want, 1);
    unlink(path);
    rmdir(dir);
}

/* XML or YAML with a 10 MB description would convert to a VMX file whose
 * annotation line the VMX reader refuses (its 64 KiB line cap): the
 * conversion is refused instead, naming the key. */
Test(invalid, ten_megabyte_description_does_not_convert_to_vmx)
{
    char dir[] = "/tmp/vmxkit-invalid-gen-XXXXXX", path[128];
    expectation want = {0, "value of 'annotation' is too long: 10485760 bytes, at most "
                           "65521"};

    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/description.xml", dir);
    write_repeated(path,
                   "<domain type='vmware'>\n<name>x</name>\n"
                   "<memory unit='KiB'>32768</memory>\n"
                   "<os><type arch='i686'>hvm</type></os>\n<description>",
                   "a", 10 * 1024 * 1024, "</description>\n</domain>\n");
    check_convert(path, NULL, NULL, &want, 1);
    unlink(path);
    snprintf(path, sizeof(path), "%s/description.yaml", dir);
    write_repeated(path, "name: x\nmemory: 32 MiB\ndescription: ", "a", 10 * 1024 * 1024,
                   "\n");
    check_convert(path, NULL, NULL, &want, 1);
    unlink(path);
    rmdir(dir);
}

/* libxml2 2.9 checks for duplicate attributes in quadratic time: a start tag
 * with 200000 attributes took minutes (6 s for 50000). The XML reader now
 * refuses more than 256 attributes on an element before libxml2 parses the
 * document; the hang guard fails the test if it does not. */
Test(invalid, many_attributes_do_not_hang_the_xml_reader)
{
    char dir[] = "/tmp/vmxkit-invalid-gen-XXXXXX", path[128];
    expectation want = {1, "element <domain> has more than 256 attributes"};
    FILE *f;
    run_result r;
    int i;

    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/attributes.xml", dir);
    f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("<domain type='vmware'", f);
    for (i = 0; i < 200000; i++)
        fprintf(f, " a%d='1'", i);
    fputs("><name>x</name></domain>\n", f);
    fclose(f);
    r = RUN("convert", "-t", "vmx", path);
    cr_expect_eq(r.status, 1, "exit %d", r.status);
    check_message(path, path, &r, &want, 1);
    run_dispose(&r);
    check_convert(path, NULL, NULL, &want, 1);
    unlink(path);
    rmdir(dir);
}

/* ---- XML external entities are never read ---- */

/* Inputs that name a local file (at the '@' of each document): some are
 * refused, some accepted (the DTD is ignored, XInclude is not processed);
 * either way the file's text appears nowhere. */
Test(invalid, xml_external_entities_never_read_files)
{
    static const char *const docs[] = {
        "<!DOCTYPE domain [<!ENTITY x SYSTEM '@'>]>\n"
        "<domain type='vmware'><name>x</name><description>&x;</description>",
        "<!DOCTYPE domain [<!ENTITY % p SYSTEM '@'> %p;]>\n"
        "<domain type='vmware'><name>x</name>",
        "<!DOCTYPE domain SYSTEM '@'>\n<domain type='vmware'><name>x</name>",
        "<domain type='vmware' xmlns:xi='http://www.w3.org/2001/XInclude'><name>x</name>"
        "<description><xi:include href='@' parse='text'/></description>",
        "<!DOCTYPE domain [<!ENTITY x SYSTEM '@'>]>\n"
        "<domain type='vmware'><name>x</name><description a='&x;'/>",
    };
    static const char rest[] = "<memory unit='KiB'>32768</memory>"
                               "<os><type arch='i686'>hvm</type></os></domain>\n";
    const char *secret = TESTDATA_DIR "/invalid/xml/xxe-secret.txt";
    char dir[] = "/tmp/vmxkit-invalid-xxe-XXXXXX", path[128], doc[2048];
    static const char *const targets[] = {"vmx", "xml", "yaml"};
    const char *at;
    size_t i, t;

    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/xxe.xml", dir);
    for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
        FILE *f = fopen(path, "w");

        cr_assert_not_null(f);
        at = strchr(docs[i], '@');
        cr_assert_not_null(at);
        snprintf(doc, sizeof(doc), "%.*s%s%s%s", (int)(at - docs[i]), docs[i], secret,
                 at + 1, rest);
        fputs(doc, f);
        fclose(f);
        for (t = 0; t < 3; t++) {
            run_result r = RUN("convert", "-t", targets[t], path);

            cr_expect(r.status == 0 || r.status == 1, "doc %zu: exit %d", i, r.status);
            cr_expect_null(strstr(r.out, "XXE-SECRET"), "doc %zu read the file:\n%s", i,
                           r.out);
            cr_expect_null(strstr(r.err, "XXE-SECRET"), "doc %zu read the file:\n%s", i,
                           r.err);
            run_dispose(&r);
        }
    }
    unlink(path);
    rmdir(dir);
}

/* ---- messages are safe to print ---- */

/* Offset of the first control character other than a newline, or @len. */
static size_t first_control(const char *s, size_t len)
{
    size_t k;

    for (k = 0; k < len; k++)
        if (s[k] != '\n' && ((unsigned char)s[k] < 0x20 || s[k] == 0x7f))
            break;
    return k;
}

/* A message quotes the offending key or value; bytes of the input that are
 * control characters must not reach the terminal as they are (an escape
 * sequence in a .vmx file could otherwise rewrite the user's screen). */
Test(invalid, messages_hold_no_control_characters)
{
    static const char *const inputs[] = {
        VMX_HEAD "\x1b]0;title\x07 = \"x\"\n",
        VMX_HEAD "key\x1b[2J\n",
        VMX_HEAD "memsize = \"12\x1b[31m\"\n",
        VMX_HEAD "displayName = \"a|zz\x1b[0m\"\n",
    };
    char dir[] = "/tmp/vmxkit-invalid-ctl-XXXXXX", path[128];
    size_t i, k;

    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/ctl.vmx", dir);
    for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
        FILE *f = fopen(path, "w");
        run_result r, l;

        cr_assert_not_null(f);
        fputs(inputs[i], f);
        fclose(f);
        r = RUN("convert", "--strict", path);
        l = RUN("lint", path);
        cr_expect_eq(r.status, 1, "input %zu: exit %d", i, r.status);
        k = first_control(r.err, r.errlen);
        cr_expect_eq(k, r.errlen, "input %zu: control character 0x%02x in %s", i,
                     k < r.errlen ? (unsigned char)r.err[k] : 0, r.err);
        k = first_control(l.out, l.outlen);
        cr_expect_eq(k, l.outlen, "input %zu: control character 0x%02x in lint's %s", i,
                     k < l.outlen ? (unsigned char)l.out[k] : 0, l.out);
        run_dispose(&r);
        run_dispose(&l);
    }
    unlink(path);
    rmdir(dir);
}

/* ---- libxml2 prints nothing ---- */

#define ENC_DOC                                                                          \
    "<domain type='vmware'><name>x</name><memory unit='KiB'>32768</memory>"              \
    "<os><type arch='i686'>hvm</type></os></domain>\n"

/* @ascii widened to @width bytes a character (UTF-16 or UTF-32), in @out. */
static size_t widen(char *out, const char *ascii, int width, int big_endian)
{
    size_t n = 0;
    int k;

    for (; *ascii; ascii++)
        for (k = 0; k < width; k++)
            out[n++] = (big_endian ? k == width - 1 : k == 0) ? *ascii : '\0';
    return n;
}

typedef struct encoding_case {
    const char *name;
    char bytes[1024];
    size_t len;
    int status;
    const char *where;   /* ":LINE" or "" */
    const char *message; /* NULL when the file converts */
} encoding_case;

/* Inputs in encodings libxml2 refuses or reads only in part: libxml2 used to
 * print "encoding error : input conversion failed ..." and "I/O error :
 * encoder error" on stderr before vmxkit's own message. Now stderr holds
 * exactly vmxkit's one line, in `convert` and in `batch` with four threads
 * (libxml2's error handlers are per thread). */
Test(invalid, libxml2_prints_nothing_for_unreadable_encodings)
{
    static encoding_case cases[] = {
        {"01-utf32le-no-bom", "", 0, 1, ":1",
         "input conversion failed due to input error, bytes 0x64 0x00 0x00 0x00"},
        {"02-utf32be-no-bom", "", 0, 0, "", NULL},
        {"03-utf32be-odd", "", 0, 1, "",
         "input ends inside a UCS-4 character (1 byte left over)"},
        {"04-utf16le-odd", "", 0, 1, "",
         "input ends inside a UTF-16 character (1 byte left over)"},
        {"05-utf16be-odd", "", 0, 1, "",
         "input ends inside a UTF-16 character (1 byte left over)"},
        {"06-unknown-encoding", "", 0, 1, ":1", "unsupported encoding x-no-such-charset"},
        {"07-gbk-invalid", "", 0, 1, ":2",
         "input conversion failed due to input error, bytes 0xFF 0xFF 0x3C 0x2F"},
        {"08-iso-2022-jp-invalid", "", 0, 1, ":2",
         "input conversion failed due to input error, bytes 0xFF 0xFF 0x3C 0x2F"},
        {"09-euc-jp-invalid", "", 0, 1, ":2",
         "input conversion failed due to input error, bytes 0x8E 0x20 0x3C 0x2F"},
    };
    static const char bad_name[] = "<domain type='vmware'><name>%s</name></domain>\n";
    char dir[] = "/tmp/vmxkit-invalid-enc-XXXXXX", outdir[64], path[160], want[512];
    char *batch_want = NULL;
    size_t i, k, n = 0, cap = 0;
    encoding_case *c;
    run_result r;

    c = &cases[0];
    c->len = widen(c->bytes, ENC_DOC, 4, 0);
    c = &cases[1];
    c->len = widen(c->bytes, ENC_DOC, 4, 1);
    c = &cases[2];
    c->len = widen(c->bytes, ENC_DOC, 4, 1) + 1;
    c = &cases[3];
    memcpy(c->bytes, "\xff\xfe", 2);
    c->len = 2 + widen(c->bytes + 2, ENC_DOC, 2, 0) + 1;
    c->bytes[c->len - 1] = '\n';
    c = &cases[4];
    memcpy(c->bytes, "\xfe\xff", 2);
    c->len = 2 + widen(c->bytes + 2, ENC_DOC, 2, 1) + 1;
    c->bytes[c->len - 1] = 'x';
    c = &cases[5];
    c->len =
        (size_t)snprintf(c->bytes, sizeof(c->bytes), "%s%s",
                         "<?xml version='1.0' encoding='x-no-such-charset'?>\n", ENC_DOC);
    /* bytes the declared encoding refuses */
    for (i = 6; i < 9; i++) {
        static const char *const decl[] = {"GBK", "ISO-2022-JP", "EUC-JP"};
        static const char *const bad[] = {"\xff\xff", "\x1b$B\xff\xff", "\x8e\x20"};

        c = &cases[i];
        c->len = (size_t)snprintf(c->bytes, sizeof(c->bytes),
                                  "<?xml version='1.0' encoding='%s'?>\n", decl[i - 6]);
        c->len += (size_t)snprintf(c->bytes + c->len, sizeof(c->bytes) - c->len, bad_name,
                                   bad[i - 6]);
    }

    cr_assert_not_null(mkdtemp(dir));
    snprintf(outdir, sizeof(outdir), "%s.out", dir);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        c = &cases[i];
        /* four copies of each, for the threads of `batch` */
        for (k = 0; k < 4; k++) {
            FILE *f;

            snprintf(path, sizeof(path), "%s/%s-%zu.xml", dir, c->name, k);
            f = fopen(path, "wb");
            cr_assert_not_null(f);
            cr_assert_eq(fwrite(c->bytes, 1, c->len, f), c->len);
            cr_assert_eq(fclose(f), 0);
            if (!c->message)
                continue;
            snprintf(want, sizeof(want), "vmxkit: %s%s: %s\n", path, c->where,
                     c->message);
            if (n + strlen(want) + 1 > cap) {
                cap = (n + strlen(want) + 1) * 2;
                batch_want = realloc(batch_want, cap);
                cr_assert_not_null(batch_want);
            }
            memcpy(batch_want + n, want, strlen(want) + 1);
            n += strlen(want);
        }
        snprintf(path, sizeof(path), "%s/%s-0.xml", dir, c->name);
        r = RUN("convert", "-f", "xml", "-t", "vmx", path);
        cr_expect_eq(r.status, c->status, "%s: exit %d (%s)", c->name, r.status, r.err);
        if (c->message)
            snprintf(want, sizeof(want), "vmxkit: %s%s: %s\n", path, c->where,
                     c->message);
        else
            want[0] = '\0';
        cr_expect_str_eq(r.err, want, "%s: stderr is\n%s", c->name, r.err);
        run_dispose(&r);
    }
    cr_assert_not_null(batch_want);
    r = RUN("batch", "-q", "-j", "4", "-t", "yaml", "-o", outdir, dir);
    cr_expect_eq(r.status, 1, "batch: exit %d", r.status);
    cr_expect_str_eq(r.err, batch_want, "batch: stderr is\n%s", r.err);
    run_dispose(&r);
    free(batch_want);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        for (k = 0; k < 4; k++) {
            snprintf(path, sizeof(path), "%s/%s-%zu.xml", dir, cases[i].name, k);
            unlink(path);
            snprintf(path, sizeof(path), "%s/%s-%zu.yaml", outdir, cases[i].name, k);
            unlink(path);
        }
    rmdir(outdir);
    rmdir(dir);
}
