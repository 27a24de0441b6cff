/* vmxkit-bench: in-process conversion throughput, and small measuring aids
 * for bench/run.sh.
 *
 *   vmxkit-bench convert SECONDS FILE...   files/s and MB/s per direction
 *   vmxkit-bench copy OUTDIR FILE...       the I/O floor: plain read/write copy
 *   vmxkit-bench rss CMD [ARGS...]         run CMD, print its peak RSS in KiB
 *   vmxkit-bench replicate DIR COUNT FILE...
 *                                          COUNT copies of the files, round
 *                                          robin, as DIR/N-NAME
 *   vmxkit-bench time REPEAT OUTDIR CMD [ARGS...]
 *                                          run CMD REPEAT times, "@OUT@" in
 *                                          ARGS standing for a fresh
 *                                          OUTDIR/N each time; print the best
 *                                          wall time and that run's CPU time
 *
 * Inputs of `convert` are grouped by extension: .vmx files are timed for
 * VMX->XML and VMX->YAML, .xml files for XML->VMX; YAML inputs for YAML->VMX
 * are made from the .vmx files first. BENCH_ONLY=vmx2xml (etc.) times one
 * direction only, for profiling. Nothing here is a test: numbers only. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vmxkit/vmxkit.h"

typedef struct doc {
    char *data;
    size_t len;
    const char *name;
} doc;

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Convert every doc from @from to @to in a loop for @seconds. */
static void run(const char *label, doc *docs, size_t n, vmx_format from, vmx_format to,
                double seconds, int hw)
{
    vmx_convert_options opts = VMX_CONVERT_OPTIONS_INIT;
    unsigned long done = 0, failed = 0;
    double bytes = 0, t0, t;
    size_t i;

    opts.hw_version = hw;
    if (getenv("BENCH_ONLY") && strcmp(getenv("BENCH_ONLY"), label) != 0)
        return;
    if (n == 0) {
        printf("%-10s no input files\n", label);
        return;
    }
    t0 = now();
    do {
        for (i = 0; i < n; i++) {
            char *out = NULL;
            size_t outlen;
            vmx_error err = VMX_ERROR_INIT;

            if (vmx_convert(&out, &outlen, docs[i].data, docs[i].len, docs[i].name, from,
                            to, &opts, &err) < 0)
                failed++;
            vmx_free(out);
            bytes += (double)docs[i].len;
        }
        done += n;
    } while ((t = now() - t0) < seconds);
    printf("%-10s files=%zu conversions=%lu failed=%lu seconds=%.3f per_sec=%.1f "
           "MBps=%.2f\n",
           label, n, done, failed, t, (double)done / t, bytes / t / 1e6);
}

static int cmd_convert(int argc, char **argv)
{
    double seconds = atof(argv[0]);
    doc *vmx = calloc((size_t)argc, sizeof(doc)),
        *xml = calloc((size_t)argc, sizeof(doc));
    doc *yaml = calloc((size_t)argc, sizeof(doc));
    size_t nvmx = 0, nxml = 0, nyaml = 0, i;
    int a;

    for (a = 1; a < argc; a++) {
        vmx_error err = VMX_ERROR_INIT;
        vmx_format f = vmx_format_from_path(argv[a]);
        doc d = {NULL, 0, argv[a]};

        if (vmx_file_read(&d.data, &d.len, argv[a], 0, &err) < 0) {
            fprintf(stderr, "%s: %s\n", argv[a], err.message);
            return 1;
        }
        if (f == VMX_FORMAT_VMX)
            vmx[nvmx++] = d;
        else if (f == VMX_FORMAT_XML)
            xml[nxml++] = d;
        else
            vmx_free(d.data);
    }
    /* Keep only the inputs that convert, so failures do not skew rates. */
    for (i = 0;
         i < nvmx && (!getenv("BENCH_ONLY") || !strcmp(getenv("BENCH_ONLY"), "yaml2vmx"));
         i++) {
        vmx_convert_options opts = VMX_CONVERT_OPTIONS_INIT;
        vmx_error err = VMX_ERROR_INIT;
        doc y = {NULL, 0, vmx[i].name};
        char *back = NULL;
        size_t backlen;

        opts.hw_version = 7;
        if (vmx_convert(&y.data, &y.len, vmx[i].data, vmx[i].len, vmx[i].name,
                        VMX_FORMAT_VMX, VMX_FORMAT_YAML, &opts, &err) == 0 &&
            vmx_convert(&back, &backlen, y.data, y.len, y.name, VMX_FORMAT_YAML,
                        VMX_FORMAT_VMX, &opts, &err) == 0)
            yaml[nyaml++] = y;
        else
            vmx_free(y.data);
        vmx_free(back);
    }
    printf("in-process, single thread, %.1f s per direction\n", seconds);
    run("vmx2xml", vmx, nvmx, VMX_FORMAT_VMX, VMX_FORMAT_XML, seconds, 4);
    run("xml2vmx", xml, nxml, VMX_FORMAT_XML, VMX_FORMAT_VMX, seconds, 7);
    run("vmx2yaml", vmx, nvmx, VMX_FORMAT_VMX, VMX_FORMAT_YAML, seconds, 4);
    run("yaml2vmx", yaml, nyaml, VMX_FORMAT_YAML, VMX_FORMAT_VMX, seconds, 7);
    return 0;
}

/* The I/O floor: read each file and write it to OUTDIR with the same name. */
static int cmd_copy(int argc, char **argv)
{
    static char buf[1 << 20];
    int a;

    for (a = 1; a < argc; a++) {
        const char *base = strrchr(argv[a], '/');
        char path[4096];
        ssize_t n;
        int in, out;

        base = base ? base + 1 : argv[a];
        snprintf(path, sizeof(path), "%s/%s", argv[0], base);
        in = open(argv[a], O_RDONLY);
        out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
        if (in < 0 || out < 0)
            return 1;
        while ((n = read(in, buf, sizeof(buf))) > 0)
            if (write(out, buf, (size_t)n) != n)
                return 1;
        close(in);
        close(out);
    }
    return 0;
}

static int cmd_rss(char **argv)
{
    struct rusage ru;
    int status;
    pid_t pid = fork();

    if (pid == 0) {
        execvp(argv[0], argv);
        _exit(127);
    }
    if (wait4(pid, &status, 0, &ru) < 0)
        return 1;
    printf("peak_rss_kib=%ld exit=%d\n", ru.ru_maxrss,
           WIFEXITED(status) ? WEXITSTATUS(status) : 128);
    return 0;
}

/* COUNT copies of the files, round robin: DIR/<n>-<basename>. */
static int cmd_replicate(int argc, char **argv)
{
    long count = strtol(argv[1], NULL, 10), n = 0;
    int a;

    for (a = 2; n < count; a = a + 1 < argc ? a + 1 : 2, n++) {
        const char *base = strrchr(argv[a], '/');
        char *data = NULL, path[4096];
        size_t len;
        vmx_error err = VMX_ERROR_INIT;
        int fd;

        base = base ? base + 1 : argv[a];
        if (vmx_file_read(&data, &len, argv[a], 0, &err) < 0) {
            fprintf(stderr, "%s: %s\n", argv[a], err.message);
            return 1;
        }
        snprintf(path, sizeof(path), "%s/%ld-%s", argv[0], n, base);
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
        if (fd < 0 || write(fd, data, len) != (ssize_t)len || close(fd) < 0) {
            fprintf(stderr, "%s: %s\n", path, strerror(errno));
            return 1;
        }
        vmx_free(data);
    }
    return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag,
                        struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static double timeval_s(struct timeval tv)
{
    return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/* Run CMD REPEAT times, each run into a fresh directory OUTDIR/N that
 * replaces "@OUT@" in the arguments; OUTDIR is removed at the end unless
 * BENCH_KEEP is set. Nothing is deleted between runs: ext4 skips inodes freed in the last
 * 30 s when it allocates, which makes creating files after a large delete many times
 * slower. The best wall time is the figure least disturbed by other load on
 * the machine. */
static int cmd_time(int argc, char **argv)
{
    int repeat = (int)strtol(argv[0], NULL, 10), i, a;
    const char *outdir = argv[1];
    double best = -1, best_user = 0, best_sys = 0;
    char **args = calloc((size_t)argc, sizeof(*args));

    if (!args || (mkdir(outdir, 0777) < 0 && errno != EEXIST)) {
        fprintf(stderr, "%s: %s\n", outdir, strerror(errno));
        return 1;
    }
    for (i = 0; i < (repeat > 0 ? repeat : 1); i++) {
        char run[4096];
        struct rusage ru;
        int status;
        double t0, t;
        pid_t pid;

        snprintf(run, sizeof(run), "%s/%d", outdir, i);
        if (mkdir(run, 0777) < 0) {
            fprintf(stderr, "%s: %s\n", run, strerror(errno));
            return 1;
        }
        for (a = 2; a < argc; a++)
            args[a - 2] = strcmp(argv[a], "@OUT@") == 0 ? run : argv[a];
        args[argc - 2] = NULL;
        t0 = now();
        pid = fork();
        if (pid == 0) {
            int null = open("/dev/null", O_WRONLY);

            if (null >= 0) {
                dup2(null, STDOUT_FILENO);
                dup2(null, STDERR_FILENO);
            }
            execvp(args[0], args);
            _exit(127);
        }
        if (pid < 0 || wait4(pid, &status, 0, &ru) < 0)
            return 1;
        t = now() - t0;
        if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
            fprintf(stderr, "%s: cannot run\n", args[0]);
            return 1;
        }
        if (best < 0 || t < best) {
            best = t;
            best_user = timeval_s(ru.ru_utime);
            best_sys = timeval_s(ru.ru_stime);
        }
    }
    if (!getenv("BENCH_KEEP"))
        nftw(outdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(args);
    printf("seconds=%.3f user=%.3f sys=%.3f\n", best, best_user, best_sys);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 4 && strcmp(argv[1], "convert") == 0)
        return cmd_convert(argc - 2, argv + 2);
    if (argc >= 4 && strcmp(argv[1], "copy") == 0)
        return cmd_copy(argc - 2, argv + 2);
    if (argc >= 3 && strcmp(argv[1], "rss") == 0)
        return cmd_rss(argv + 2);
    if (argc >= 5 && strcmp(argv[1], "replicate") == 0)
        return cmd_replicate(argc - 2, argv + 2);
    if (argc >= 5 && strcmp(argv[1], "time") == 0)
        return cmd_time(argc - 2, argv + 2);
    fprintf(stderr, "usage: vmxkit-bench convert SECONDS FILE...\n"
                    "       vmxkit-bench copy OUTDIR FILE...\n"
                    "       vmxkit-bench rss CMD [ARGS...]\n"
                    "       vmxkit-bench replicate DIR COUNT FILE...\n"
                    "       vmxkit-bench time REPEAT OUTDIR CMD [ARGS...]\n");
    return 2;
}
