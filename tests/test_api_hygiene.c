/* Public API hygiene: the shared libraries export only vmx_ symbols, and
 * each public header compiles on its own, as C11 and as C++, with every
 * warning an error. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef HYGIENE_CC
#define HYGIENE_CC "cc"
#endif
#ifndef HYGIENE_CXX
#define HYGIENE_CXX "c++"
#endif

#define HEADER_DIR SRCDIR "/lib/include/vmxkit"

/* Run @cmd through the shell; its output (stdout and stderr) goes to
 * *output, owned by the caller. Returns the exit status, -1 on failure. */
static int run_shell(const char *cmd, char **output)
{
    size_t cap = 4096, n = 0, r;
    char *buf = malloc(cap);
    FILE *p;
    int st;

    cr_assert_not_null(buf);
    p = popen(cmd, "r");
    cr_assert_not_null(p, "popen %s", cmd);
    while ((r = fread(buf + n, 1, cap - n - 1, p)) > 0) {
        n += r;
        if (cap - n < 2) {
            cap *= 2;
            buf = realloc(buf, cap);
            cr_assert_not_null(buf);
        }
    }
    buf[n] = '\0';
    st = pclose(p);
    *output = buf;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Check the dynamic symbols @lib defines; returns how many there are. */
static int check_exports(const char *lib, const char *prefix)
{
    char cmd[2048], *out, *line, *save = NULL;
    int n = 0;

    snprintf(cmd, sizeof(cmd), "nm -D --defined-only '%s' 2>&1", lib);
    cr_assert_eq(run_shell(cmd, &out), 0, "nm failed: %s", out);
    for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        /* "ADDRESS TYPE NAME" */
        const char *name = strrchr(line, ' ');

        cr_assert_not_null(name, "unexpected nm line '%s'", line);
        name++;
        cr_expect(strncmp(name, prefix, strlen(prefix)) == 0,
                  "%s exports '%s', which does not start with %s", lib, name, prefix);
        n++;
    }
    free(out);
    return n;
}

Test(api_hygiene, libvmxkit_exports_only_vmx_symbols)
{
    const char *lib = BUILDDIR "/lib/.libs/libvmxkit.so";

    if (access(lib, R_OK) != 0)
        cr_skip_test("%s not built (--disable-shared)", lib);
    /* the whole API, so that a broken nm or an empty table cannot pass */
    cr_assert_gt(check_exports(lib, "vmx_"), 60);
}

Test(api_hygiene, libvmxkit_sync_exports_only_vmx_symbols)
{
    const char *lib = BUILDDIR "/lib/.libs/libvmxkit-sync.so";

    if (access(lib, R_OK) != 0)
        cr_skip_test("%s not built (--without-sync)", lib);
    cr_assert_gt(check_exports(lib, "vmx_"), 5);
}

/* Compile a file that includes only @header (with @wrap around the include:
 * "" or the extern "C" block). */
static void compile_alone(const char *compiler, const char *flags, const char *ext,
                          const char *header, const char *before, const char *after)
{
    char src[] = "/tmp/vmxkit-hygiene-XXXXXX", path[64], cmd[2048], *out;
    FILE *f;
    int st;

    cr_assert_not_null(mkdtemp(src));
    snprintf(path, sizeof(path), "%s/alone.%s", src, ext);
    f = fopen(path, "w");
    cr_assert_not_null(f);
    fprintf(f, "%s#include <vmxkit/%s>\n%sint vmx_hygiene_unused;\n", before, header,
            after);
    fclose(f);
    snprintf(cmd, sizeof(cmd), "%s %s -fsyntax-only -I'%s/lib/include' '%s' 2>&1",
             compiler, flags, SRCDIR, path);
    st = run_shell(cmd, &out);
    cr_expect_eq(st, 0, "%s does not compile alone:\n%s\n%s", header, cmd, out);
    free(out);
    unlink(path);
    rmdir(src);
}

/* Every .h of lib/include/vmxkit; returns how many. */
static int for_each_header(void (*fn)(const char *header))
{
    DIR *d = opendir(HEADER_DIR);
    struct dirent *e;
    int n = 0;

    cr_assert_not_null(d, HEADER_DIR);
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);

        if (len > 2 && strcmp(e->d_name + len - 2, ".h") == 0) {
            fn(e->d_name);
            n++;
        }
    }
    closedir(d);
    return n;
}

static void as_c11(const char *header)
{
    compile_alone(HYGIENE_CC, "-x c -std=c11 -Wall -Wextra -pedantic -Werror", "c",
                  header, "", "");
}

static int have_cxx(void)
{
    char *out;
    int st = run_shell("command -v " HYGIENE_CXX " >/dev/null 2>&1", &out);

    free(out);
    return st == 0;
}

static void as_cxx(const char *header)
{
    compile_alone(HYGIENE_CXX, "-x c++ -std=c++11 -Wall -Wextra -pedantic -Werror", "cc",
                  header, "", "");
}

static void as_cxx_in_extern_c(const char *header)
{
    compile_alone(HYGIENE_CXX, "-x c++ -std=c++11 -Wall -Wextra -pedantic -Werror", "cc",
                  header, "extern \"C\" {\n", "}\n");
}

Test(api_hygiene, public_headers_compile_alone_as_c11)
{
    cr_assert_geq(for_each_header(as_c11), 8);
}

Test(api_hygiene, public_headers_compile_alone_as_cxx)
{
    if (!have_cxx())
        cr_skip_test(HYGIENE_CXX " not found");
    cr_assert_geq(for_each_header(as_cxx), 8);
    cr_assert_geq(for_each_header(as_cxx_in_extern_c), 8);
}

/* The libraries a program needs (readelf's NEEDED entries), one per line. */
static char *needed_libs(const char *prog)
{
    char cmd[2048], *out;

    snprintf(cmd, sizeof(cmd), "readelf -d '%s' 2>&1 | sed -n 's/.*(NEEDED).*\\[\\(.*\\)\\]/\\1/p'",
             prog);
    cr_assert_eq(run_shell(cmd, &out), 0, "readelf failed: %s", out);
    return out;
}

/* Only vmxkit-sync loads libvmxkit-sync (and libcurl, OpenSSL): the other
 * commands start without mapping them (doc/performance.md). */
Test(api_hygiene, only_the_sync_helper_links_the_sync_library)
{
    const char *vmxkit = BUILDDIR "/bin/.libs/vmxkit";
    const char *helper = BUILDDIR "/bin/.libs/vmxkit-sync";
    char *libs;

    if (access(vmxkit, X_OK) != 0)
        vmxkit = BUILDDIR "/bin/vmxkit";
    libs = needed_libs(vmxkit);
    cr_expect_null(strstr(libs, "libvmxkit-sync"), "vmxkit needs:\n%s", libs);
    cr_expect_null(strstr(libs, "libcurl"), "vmxkit needs:\n%s", libs);
    cr_expect_null(strstr(libs, "libssl"), "vmxkit needs:\n%s", libs);
    free(libs);
    if (access(helper, X_OK) != 0)
        helper = BUILDDIR "/bin/vmxkit-sync";
    if (access(helper, X_OK) != 0)
        cr_skip_test("vmxkit-sync not built (--without-sync)");
    libs = needed_libs(helper);
    cr_expect_not_null(strstr(libs, "libvmxkit-sync"), "vmxkit-sync needs:\n%s", libs);
    free(libs);
}

/* vmxkit finds its helper beside itself; VMXKIT_EXEC_PATH overrides that,
 * and a helper that cannot be run is a one-line error with exit code 3. */
Test(api_hygiene, sync_commands_run_the_helper)
{
    char cmd[2048], *out;
    int st;

    if (access(BUILDDIR "/bin/vmxkit-sync", X_OK) != 0)
        cr_skip_test("vmxkit-sync not built (--without-sync)");
    snprintf(cmd, sizeof(cmd), "'%s/bin/vmxkit' push --help 2>&1", BUILDDIR);
    st = run_shell(cmd, &out);
    cr_expect_eq(st, 0, "%s", out);
    cr_expect_not_null(strstr(out, "usage: vmxkit push URI"), "%s", out);
    free(out);
    snprintf(cmd, sizeof(cmd),
             "VMXKIT_EXEC_PATH=/nonexistent/vmxkit '%s/bin/vmxkit' power --help 2>&1",
             BUILDDIR);
    st = run_shell(cmd, &out);
    cr_expect_eq(st, 3, "%s", out);
    cr_expect_str_eq(out, "vmxkit power: cannot run /nonexistent/vmxkit/vmxkit-sync: No such "
                          "file or directory (set VMXKIT_EXEC_PATH to its directory)\n");
    free(out);
}
