/* Replays the fuzz targets' seeds and past crashes without a fuzzing engine,
 * so that `make check` (gcc, and the sanitizer build) runs every target over
 * them.
 *
 *   standalone                      replay everything under TESTDATA_DIR
 *   standalone --root DIR ...       take the seeds from DIR instead (repeatable;
 *                                   regressions always come from TESTDATA_DIR)
 *   standalone --write-seeds OUT    write each target's seeds to OUT/<target>/
 *                                   (the initial corpora of fuzz/run.sh)
 *   standalone --pending            replay testdata/regress/pending/ only:
 *                                   the reported, not yet fixed findings
 *   standalone TARGET FILE...       run one target over the given files
 *
 * Seeds: whole .vmx files for the VMX targets, .xml for the XML reader,
 * .yaml for the YAML reader; for the codecs, every string of the .jsonl
 * vectors, every quoted VMX value and every XML attribute value. Crashes
 * found by fuzzing live in testdata/regress/<target>/ and are replayed as
 * they are. Each seed file (or vector file) runs in a child process; when a
 * child fails, its inputs are run again one per child to name the culprit.
 * The closing line "N passed, N failed" counts files (seed files and
 * regressions), per target; the per-target lines also give the inputs. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef TESTDATA_DIR
#define TESTDATA_DIR "testdata"
#endif

typedef int (*target_fn)(const uint8_t *data, size_t size);

#define DECLARE(name) int fuzz_target_##name(const uint8_t *data, size_t size);
DECLARE(vmx_parse)
DECLARE(vmx_convert)
DECLARE(xml_read)
DECLARE(yaml_read)
DECLARE(escape_percent)
DECLARE(escape_pipe)
DECLARE(escape_datastore)
DECLARE(datastore_path)
DECLARE(charset)

/* What a target takes from a seed file, by the file's suffix. */
enum { TAKE_NONE, TAKE_FILE, TAKE_JSON_STRINGS, TAKE_VMX_VALUES, TAKE_XML_ATTRS };

typedef struct target {
    const char *name;
    target_fn fn;
    int vmx, xml, yaml, jsonl; /* TAKE_* for each kind of seed file */
} target;

static const target targets[] = {
    {"vmx_parse", fuzz_target_vmx_parse, TAKE_FILE, TAKE_NONE, TAKE_NONE, TAKE_NONE},
    {"vmx_convert", fuzz_target_vmx_convert, TAKE_FILE, TAKE_NONE, TAKE_NONE, TAKE_NONE},
    {"xml_read", fuzz_target_xml_read, TAKE_NONE, TAKE_FILE, TAKE_NONE, TAKE_NONE},
    {"yaml_read", fuzz_target_yaml_read, TAKE_NONE, TAKE_NONE, TAKE_FILE, TAKE_NONE},
    {"escape_percent", fuzz_target_escape_percent, TAKE_VMX_VALUES, TAKE_XML_ATTRS,
     TAKE_NONE, TAKE_JSON_STRINGS},
    {"escape_pipe", fuzz_target_escape_pipe, TAKE_VMX_VALUES, TAKE_XML_ATTRS, TAKE_NONE,
     TAKE_JSON_STRINGS},
    {"escape_datastore", fuzz_target_escape_datastore, TAKE_VMX_VALUES, TAKE_XML_ATTRS,
     TAKE_NONE, TAKE_JSON_STRINGS},
    {"datastore_path", fuzz_target_datastore_path, TAKE_VMX_VALUES, TAKE_XML_ATTRS,
     TAKE_NONE, TAKE_JSON_STRINGS},
    {"charset", fuzz_target_charset, TAKE_FILE, TAKE_NONE, TAKE_NONE, TAKE_JSON_STRINGS},
};
#define NTARGETS (sizeof(targets) / sizeof(targets[0]))

/* One input, and the group (seed file) it came from. */
typedef struct input {
    char *data;
    size_t len;
} input;

typedef struct group {
    char *label; /* the file */
    input *items;
    size_t n, cap;
} group;

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p) {
        fprintf(stderr, "standalone: out of memory\n");
        exit(2);
    }
    return p;
}

static void group_add(group *g, const char *data, size_t len)
{
    if (g->n == g->cap) {
        g->cap = g->cap ? 2 * g->cap : 16;
        g->items = xrealloc(g->items, g->cap * sizeof(*g->items));
    }
    g->items[g->n].data = xrealloc(NULL, len + 1);
    memcpy(g->items[g->n].data, data, len);
    g->items[g->n].data[len] = '\0';
    g->items[g->n].len = len;
    g->n++;
}

static void group_dispose(group *g)
{
    size_t i;

    for (i = 0; i < g->n; i++)
        free(g->items[i].data);
    free(g->items);
    free(g->label);
    memset(g, 0, sizeof(*g));
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *p = NULL;
    size_t n = 0, cap = 0, r;

    if (!f)
        return NULL;
    do {
        if (cap - n < 4096) {
            cap = cap ? 2 * cap : 65536;
            p = xrealloc(p, cap + 1);
        }
        r = fread(p + n, 1, cap - n, f);
        n += r;
    } while (r > 0);
    fclose(f);
    p[n] = '\0';
    *len = n;
    return p;
}

static void put_utf8(char *d, size_t *n, unsigned long cp)
{
    if (cp < 0x80) {
        d[(*n)++] = (char)cp;
    } else if (cp < 0x800) {
        d[(*n)++] = (char)(0xc0 | (cp >> 6));
        d[(*n)++] = (char)(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        d[(*n)++] = (char)(0xe0 | (cp >> 12));
        d[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3f));
        d[(*n)++] = (char)(0x80 | (cp & 0x3f));
    } else {
        d[(*n)++] = (char)(0xf0 | (cp >> 18));
        d[(*n)++] = (char)(0x80 | ((cp >> 12) & 0x3f));
        d[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3f));
        d[(*n)++] = (char)(0x80 | (cp & 0x3f));
    }
}

static unsigned long hex4(const char *p)
{
    unsigned long v = 0;
    int i;

    for (i = 0; i < 4; i++) {
        char c = p[i];

        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned long)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned long)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned long)(c - 'A' + 10);
        else
            return (unsigned long)-1;
    }
    return v;
}

/* Every JSON string of a file (keys too: they are harmless inputs). */
static void take_json_strings(group *g, const char *s, size_t len)
{
    char *buf = xrealloc(NULL, len + 1);
    const char *end = s + len;

    while (s < end) {
        size_t n = 0;

        if (*s++ != '"')
            continue;
        while (s < end && *s != '"') {
            if (*s != '\\' || s + 1 >= end) {
                buf[n++] = *s++;
                continue;
            }
            s++;
            switch (*s) {
            case 'n':
                buf[n++] = '\n';
                break;
            case 't':
                buf[n++] = '\t';
                break;
            case 'r':
                buf[n++] = '\r';
                break;
            case 'b':
                buf[n++] = '\b';
                break;
            case 'f':
                buf[n++] = '\f';
                break;
            case 'u':
                if (end - s >= 5 && hex4(s + 1) != (unsigned long)-1) {
                    unsigned long cp = hex4(s + 1);

                    s += 4;
                    if (cp >= 0xd800 && cp < 0xdc00 && end - s >= 7 && s[1] == '\\' &&
                        s[2] == 'u' && hex4(s + 3) >= 0xdc00 && hex4(s + 3) < 0xe000) {
                        cp = 0x10000 + ((cp - 0xd800) << 10) + (hex4(s + 3) - 0xdc00);
                        s += 6;
                    }
                    put_utf8(buf, &n, cp);
                    break;
                }
                buf[n++] = 'u';
                break;
            default:
                buf[n++] = *s;
                break;
            }
            s++;
        }
        if (s < end)
            s++; /* the closing quote */
        group_add(g, buf, n);
    }
    free(buf);
}

/* The text between the first '"' after '=' and the last '"' of each line. */
static void take_vmx_values(group *g, const char *s, size_t len)
{
    const char *end = s + len;

    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *eol = nl ? nl : end, *eq, *open, *close;

        eq = memchr(s, '=', (size_t)(eol - s));
        open = eq ? memchr(eq, '"', (size_t)(eol - eq)) : NULL;
        close = eol;
        while (open && close > open + 1 && close[-1] != '"')
            close--;
        if (open && close > open + 1)
            group_add(g, open + 1, (size_t)(close - 1 - (open + 1)));
        s = eol + 1;
    }
}

/* Attribute values `='...'` and `="..."` of an XML file. */
static void take_xml_attrs(group *g, const char *s, size_t len)
{
    const char *end = s + len;

    for (; s + 1 < end; s++) {
        const char *close;

        if (s[0] != '=' || (s[1] != '\'' && s[1] != '"'))
            continue;
        close = memchr(s + 2, s[1], (size_t)(end - (s + 2)));
        if (!close)
            break;
        group_add(g, s + 2, (size_t)(close - (s + 2)));
        s = close;
    }
}

static int has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Fill @g with what @t takes from the file @path; 0 when it takes nothing. */
static int load_seed(group *g, const target *t, const char *path)
{
    int take = TAKE_NONE;
    char *data;
    size_t len;

    if (has_suffix(path, ".vmx"))
        take = t->vmx;
    else if (has_suffix(path, ".xml"))
        take = t->xml;
    else if (has_suffix(path, ".yaml"))
        take = t->yaml;
    else if (has_suffix(path, ".jsonl"))
        take = t->jsonl;
    if (take == TAKE_NONE || !(data = read_file(path, &len)))
        return 0;
    if (take == TAKE_FILE)
        group_add(g, data, len);
    else if (take == TAKE_JSON_STRINGS)
        take_json_strings(g, data, len);
    else if (take == TAKE_VMX_VALUES)
        take_vmx_values(g, data, len);
    else
        take_xml_attrs(g, data, len);
    free(data);
    return g->n > 0;
}

/* ---- running ---- */

/* Seed files (a file of escape vectors is one) and regressions that passed
 * or failed, and the inputs they held. */
static unsigned long passed, failed, inputs;
static const char *seed_out; /* --write-seeds */

/* Run @items in a child; 0 when the child exits cleanly. */
static int run_child(const target *t, const input *items, size_t n)
{
    pid_t pid;
    int st;
    size_t i;

    fflush(NULL);
    pid = fork();
    if (pid < 0) {
        perror("fork");
        exit(2);
    }
    if (pid == 0) {
        for (i = 0; i < n; i++)
            t->fn((const uint8_t *)items[i].data, items[i].len);
        exit(0); /* exit, not _exit: LeakSanitizer checks at exit */
    }
    if (waitpid(pid, &st, 0) < 0) {
        perror("waitpid");
        exit(2);
    }
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static unsigned long fnv1a(const char *s, size_t n)
{
    unsigned long h = 2166136261u;
    size_t i;

    for (i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h & 0xffffffffu;
}

static void write_seeds(const target *t, const group *g)
{
    char path[4096];
    size_t i;

    snprintf(path, sizeof(path), "%s/%s", seed_out, t->name);
    mkdir(seed_out, 0777);
    mkdir(path, 0777);
    for (i = 0; i < g->n; i++) {
        FILE *f;

        snprintf(path, sizeof(path), "%s/%s/seed-%08lx-%zu", seed_out, t->name,
                 fnv1a(g->items[i].data, g->items[i].len), g->items[i].len);
        f = fopen(path, "wb");
        if (!f || fwrite(g->items[i].data, 1, g->items[i].len, f) != g->items[i].len) {
            perror(path);
            exit(2);
        }
        fclose(f);
    }
}

static void run_group(const target *t, group *g)
{
    size_t i;

    inputs += g->n;
    if (seed_out) {
        write_seeds(t, g);
        passed++;
        return;
    }
    if (run_child(t, g->items, g->n) == 0) {
        passed++;
        return;
    }
    failed++;
    for (i = 0; i < g->n; i++)
        if (g->n == 1 || run_child(t, &g->items[i], 1) != 0)
            fprintf(stderr, "FAIL %s: %s (input %zu of %zu)\n", t->name, g->label, i + 1,
                    g->n);
}

/* Every seed file under @dir, recursively, in sorted order. */
static void walk_seeds(const target *t, const char *dir)
{
    struct dirent **names = NULL;
    int i, n = scandir(dir, &names, NULL, alphasort);

    for (i = 0; i < n; i++) {
        const char *name = names[i]->d_name;
        char path[4096];
        struct stat sb;
        group g = {0};
        int n_ok;

        if (name[0] == '.' || strcmp(name, "regress") == 0) {
            free(names[i]);
            continue;
        }
        n_ok = snprintf(path, sizeof(path), "%s/%s", dir, name) < (int)sizeof(path);
        free(names[i]);
        if (!n_ok || stat(path, &sb) < 0)
            continue;
        if (S_ISDIR(sb.st_mode)) {
            walk_seeds(t, path);
            continue;
        }
        if (load_seed(&g, t, path)) {
            g.label = xrealloc(NULL, strlen(path) + 1);
            memcpy(g.label, path, strlen(path) + 1);
            run_group(t, &g);
        }
        group_dispose(&g);
    }
    free(names);
}

/* testdata/regress/<target>/ (or, with --pending, the reported but not yet
 * fixed testdata/regress/pending/<target>/): every file, whole, one child
 * each. */
static int pending;

static void run_regressions(const target *t)
{
    char dir[4096];
    struct dirent **names = NULL;
    int i, n;

    snprintf(dir, sizeof(dir), "%s/regress/%s%s", TESTDATA_DIR, pending ? "pending/" : "",
             t->name);
    n = scandir(dir, &names, NULL, alphasort);
    for (i = 0; i < n; i++) {
        char path[4096];
        struct stat sb;
        group g = {0};
        char *data;
        size_t len;

        if (snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name) >=
            (int)sizeof(path))
            names[i]->d_name[0] = '.'; /* too long: skipped */
        if (names[i]->d_name[0] != '.' && strcmp(names[i]->d_name, "README.md") != 0 &&
            stat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
            (data = read_file(path, &len)) != NULL) {
            group_add(&g, data, len);
            free(data);
            g.label = xrealloc(NULL, strlen(path) + 1);
            memcpy(g.label, path, strlen(path) + 1);
            run_group(t, &g);
            group_dispose(&g);
        }
        free(names[i]);
    }
    free(names);
}

static const target *find_target(const char *name)
{
    size_t i;

    for (i = 0; i < NTARGETS; i++)
        if (strcmp(targets[i].name, name) == 0)
            return &targets[i];
    return NULL;
}

static int usage(void)
{
    size_t i;

    fprintf(stderr, "usage: standalone [--root DIR]... [--write-seeds OUT] [--pending] "
                    "[--only TARGET]\n       standalone TARGET FILE...\ntargets:");
    for (i = 0; i < NTARGETS; i++)
        fprintf(stderr, " %s", targets[i].name);
    fputc('\n', stderr);
    return 2;
}

int main(int argc, char **argv)
{
    const char *roots[16];
    const target *only = NULL;
    size_t nroots = 0, i, r;
    int a;

    for (a = 1; a < argc && argv[a][0] == '-'; a++) {
        if (strcmp(argv[a], "--root") == 0 && a + 1 < argc && nroots < 16)
            roots[nroots++] = argv[++a];
        else if (strcmp(argv[a], "--write-seeds") == 0 && a + 1 < argc)
            seed_out = argv[++a];
        else if (strcmp(argv[a], "--pending") == 0)
            pending = 1;
        else if (strcmp(argv[a], "--only") == 0 && a + 1 < argc &&
                 (only = find_target(argv[a + 1])) != NULL)
            a++;
        else
            return usage();
    }
    if (a < argc) {
        /* TARGET FILE...: reproduce in this process, under a debugger if need be */
        const target *t = find_target(argv[a]);

        if (!t || a + 1 >= argc)
            return usage();
        for (a++; a < argc; a++) {
            size_t len;
            char *data = read_file(argv[a], &len);

            if (!data) {
                fprintf(stderr, "%s: %s\n", argv[a], strerror(errno));
                return 2;
            }
            t->fn((const uint8_t *)data, len);
            free(data);
            printf("%s: %s ok\n", t->name, argv[a]);
        }
        return 0;
    }
    if (nroots == 0 && !pending)
        roots[nroots++] = TESTDATA_DIR;
    for (i = 0; i < NTARGETS; i++) {
        unsigned long before = passed + failed, before_inputs = inputs;

        if (only && only != &targets[i])
            continue;
        for (r = 0; r < nroots; r++)
            walk_seeds(&targets[i], roots[r]);
        run_regressions(&targets[i]);
        printf("%-16s %5lu files, %6lu inputs\n", targets[i].name,
               passed + failed - before, inputs - before_inputs);
    }
    if (seed_out) {
        printf("%lu seeds written to %s\n", inputs, seed_out);
        return 0;
    }
    printf("%lu passed, %lu failed\n", passed, failed);
    return failed ? 1 : 0;
}
