/* vmxkit batch: convert many files and whole trees with worker threads.
 *
 * The main thread walks the inputs (each directory's entries sorted, so the
 * order is deterministic) and hands jobs to a bounded queue; workers read,
 * convert and write each file atomically. Results are reported in input
 * order through a bounded reorder window, so the report and messages do not
 * depend on -j, and memory stays flat however many files there are. */
#include "config.h"
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The walker refills the queue when half of it is free: a larger queue
 * means fewer wake-ups, and workers that do not run dry while the walker
 * waits for a CPU on a busy machine. */
#define QUEUE_SIZE 256
#define WINDOW 1024 /* results kept for in-order reporting */

/* Files are opened relative to a directory descriptor (the walked root,
 * OUTDIR), which spares the kernel the lookup of every leading component
 * of the path on each open. */
typedef struct job {
    unsigned long seq;
    char *input;
    char *output;   /* NULL when the output path could not be made */
    int in_fd;      /* input + in_off is relative to in_fd (or AT_FDCWD) */
    size_t in_off;
    vmx_format from;
} job;

typedef struct result {
    bool done;
    bool ok;
    char *input;
    char *output;
    vmx_error err;
    unsigned long micros;
} result;

typedef struct batch {
    /* options */
    vmx_format to;
    const char *outdir;
    int out_fd;               /* OUTDIR; output + out_off is relative to it */
    size_t out_off;
    int *root_fds;            /* the walked directories, closed at the end */
    size_t nroots;
    vmx_convert_options opts;
    bool quiet;
    bool progress_tty;
    FILE *report;
    int jobs;
    /* queue, protected by lock */
    pthread_mutex_t lock;
    pthread_cond_t can_push, can_pop, window_moved;
    job queue[QUEUE_SIZE];
    size_t qhead, qlen;
    bool closed;
    bool pusher_waiting;      /* the walker sleeps on can_push */
    /* reorder window */
    result window[WINDOW];
    unsigned long next_seq;   /* next sequence number handed out */
    unsigned long next_emit;  /* next result to report */
    /* totals */
    unsigned long total;      /* known total (counting pass), 0 if unknown */
    unsigned long converted, failed;
    double t0;
    double last_progress;
    bool io_error;            /* OUTDIR unusable */
} batch;

static double now_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int usage(FILE *f)
{
    fprintf(f,
            "usage: vmxkit batch -t xml|yaml|vmx -o OUTDIR [-j N] [--report FILE.json]\n"
            "                    [--lossless] [--quiet] [--hw-version N]\n"
            "                    [--datastore-map libvirt|none] PATH...\n\n"
            "Convert files and whole directory trees. Directories are searched\n"
            "recursively for files of the other formats (.vmx, .xml, .yaml/.yml);\n"
            "the relative layout is mirrored under OUTDIR with the new extension.\n\n"
            "  -t, --to FORMAT        output format\n"
            "  -o, --output DIR       output directory (created if missing)\n"
            "  -j, --jobs N           worker threads (default: number of CPUs)\n"
            "      --report FILE      write a JSON report (one record per file + totals)\n"
            "      --lossless         keep what libvirt drops\n"
            "  -q, --quiet            no progress output\n"
            "      --hw-version N     virtualHW.version for VMX output (default 4)\n"
            "      --datastore-map M  file name mapping: libvirt (default) or none\n\n"
            "Exit status: 0 all converted, 1 some failed, 2 usage error or OUTDIR\n"
            "not writable.\n");
    return f == stdout ? CLI_EXIT_OK : CLI_EXIT_USAGE;
}

/* mkdir -p for the parent directories of @path. */
static int make_parents(const char *path)
{
    char buf[4096];
    size_t n = strlen(path);
    char *p;

    if (n >= sizeof(buf))
        return -1;
    memcpy(buf, path, n + 1);
    for (p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0777) < 0 && errno != EEXIST) {
            *p = '/';
            return -1;
        }
        *p = '/';
    }
    return 0;
}

/* "OUTDIR/REL" with REL's extension replaced by the output format's. */
static char *join_output(const batch *b, const char *rel)
{
    const char *ext = vmx_format_extension(b->to);
    const char *dot = strrchr(rel, '.'), *slash = strrchr(rel, '/');
    size_t stem = (dot && (!slash || dot > slash)) ? (size_t)(dot - rel) : strlen(rel);
    size_t d = strlen(b->outdir), e = strlen(ext);
    char *out = malloc(d + stem + e + 3), *p;

    if (!out)
        return NULL;
    p = out;
    memcpy(p, b->outdir, d);
    p += d;
    *p++ = '/';
    memcpy(p, rel, stem);
    p += stem;
    *p++ = '.';
    memcpy(p, ext, e + 1);
    return out;
}

/* ---- reporting (called with the lock held, in input order) ---- */

static void report_record(batch *b, const result *r)
{
    FILE *f = b->report;

    if (!f)
        return;
    fprintf(f, "%s\n    {\"input\": ", b->converted + b->failed > 1 ? "," : "");
    cli_json_string(f, r->input);
    fputs(", \"output\": ", f);
    if (r->ok)
        cli_json_string(f, r->output);
    else
        fputs("null", f);
    fprintf(f, ", \"status\": \"%s\"", r->ok ? "ok" : "failed");
    if (!r->ok) {
        fprintf(f, ", \"error\": {\"line\": %lu, \"key\": ", r->err.line);
        cli_json_string(f, r->err.key);
        fputs(", \"message\": ", f);
        cli_json_string(f, r->err.message[0] ? r->err.message : vmx_strerror(r->err.code));
        fputc('}', f);
    }
    fprintf(f, ", \"warnings\": [], \"microseconds\": %lu}", r->micros);
}

static void show_progress(batch *b, bool final)
{
    double t = now_seconds(), elapsed = t - b->t0;
    unsigned long done = b->converted + b->failed;
    double rate = elapsed > 0 ? (double)done / elapsed : 0;

    if (b->quiet)
        return;
    if (b->progress_tty) {
        char bar[31];
        int fill = b->total ? (int)(30.0 * (double)done / (double)b->total) : 0;
        double eta = (rate > 0 && b->total > done) ? (double)(b->total - done) / rate : 0;

        if (!final && t - b->last_progress < 0.1)
            return;
        b->last_progress = t;
        memset(bar, ' ', 30);
        memset(bar, '=', (size_t)(fill > 30 ? 30 : fill));
        bar[30] = '\0';
        fprintf(stderr, "\r[%s] %lu/%lu files  %.0f files/s  ETA %d:%02d  failed %lu ", bar,
                done, b->total, rate, (int)eta / 60, (int)eta % 60, b->failed);
        if (final)
            fputc('\n', stderr);
    } else if (final) {
        fprintf(stderr, "batch: %lu converted, %lu failed, %.2f s\n", b->converted,
                b->failed, elapsed);
    } else if (t - b->last_progress >= 5.0) {
        b->last_progress = t;
        fprintf(stderr, "batch: %lu/%lu files, %lu failed\n", done, b->total, b->failed);
    }
}

/* Report every finished result at the head of the window. */
static void drain_window(batch *b)
{
    result *r;

    while ((r = &b->window[b->next_emit % WINDOW])->done) {
        if (r->ok) {
            b->converted++;
        } else {
            b->failed++;
            if (b->progress_tty && !b->quiet)
                fputc('\n', stderr);
            cli_print_error(&r->err);
        }
        report_record(b, r);
        free(r->input);
        free(r->output);
        memset(r, 0, sizeof(*r));
        b->next_emit++;
        show_progress(b, false);
    }
    pthread_cond_broadcast(&b->window_moved);
}

/* ---- workers ---- */

/* A worker's input buffer, reused from file to file. */
typedef struct inbuf {
    char *ptr;
    size_t cap;
} inbuf;

/* Read a whole input file into @ib (NUL-terminated): open, read to the end,
 * close, with no allocation once the buffer has grown to the file sizes at
 * hand. The messages are vmx_file_read's. */
static int read_input(inbuf *ib, size_t *len, int dirfd, const char *rel, const char *path,
                      vmx_error *err)
{
    size_t n = 0;
    ssize_t got;
    int fd, rc = 0;

    if ((fd = openat(dirfd, rel, O_RDONLY | O_CLOEXEC)) < 0)
        return vmx_error_set(err, VMX_EIO, path, 0, NULL, "cannot open: %s",
                             strerror(errno));
    for (;;) {
        if (n + 1 >= ib->cap) { /* keep room for the NUL */
            size_t cap = ib->cap ? ib->cap * 2 : 65536;
            char *p;

            if (cap > VMX_IO_MAX_FILE_SIZE + 2)
                cap = VMX_IO_MAX_FILE_SIZE + 2;
            if (cap <= ib->cap || !(p = realloc(ib->ptr, cap))) {
                rc = vmx_error_set(err, VMX_ENOMEM, path, 0, NULL, "out of memory");
                break;
            }
            ib->ptr = p;
            ib->cap = cap;
        }
        got = read(fd, ib->ptr + n, ib->cap - 1 - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            rc = vmx_error_set(err, VMX_EIO, path, 0, NULL, "read error: %s",
                               strerror(errno));
            break;
        }
        if (got == 0)
            break;
        n += (size_t)got;
        if (n > VMX_IO_MAX_FILE_SIZE) {
            rc = vmx_error_set(err, VMX_ELIMIT, path, 0, NULL,
                               "file larger than the limit of %zu bytes",
                               VMX_IO_MAX_FILE_SIZE);
            break;
        }
    }
    close(fd);
    if (rc < 0)
        return rc;
    ib->ptr[n] = '\0';
    *len = n;
    return 0;
}

static int write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Write an output file with one write. A file that is not there yet is
 * created exclusively under its own name and removed again if the write
 * fails, so no partial file is left; one that exists is replaced atomically
 * (a temporary file renamed over it, vmx_file_write_atomic). Creating under
 * the final name saves the rename, the costliest step on tmpfs and disk.
 * Parent directories are made when the create finds them missing. */
static int write_output(const batch *b, const char *path, const char *data, size_t len,
                        vmx_error *err)
{
    const char *rel = path + b->out_off;
    int fd, e;

    while ((fd = openat(b->out_fd, rel, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666)) < 0) {
        e = errno;
        if (e == EINTR)
            continue;
        if (e == EEXIST)
            return vmx_file_write_atomic(path, data, len, err);
        if (e != ENOENT)
            return vmx_error_set(err, VMX_EIO, path, 0, NULL, "cannot create file: %s",
                                 strerror(e));
        if (make_parents(path) < 0)
            return vmx_error_set(err, VMX_EIO, path, 0, NULL,
                                 "cannot create directory: %s", strerror(errno));
        if ((fd = openat(b->out_fd, rel, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666)) < 0) {
            e = errno;
            if (e == EEXIST)
                return vmx_file_write_atomic(path, data, len, err);
            return vmx_error_set(err, VMX_EIO, path, 0, NULL, "cannot create file: %s",
                                 strerror(e));
        }
        break;
    }
    if (write_all(fd, data, len) < 0) {
        e = errno;
        close(fd);
        unlinkat(b->out_fd, rel, 0);
        return vmx_error_set(err, VMX_EIO, path, 0, NULL, "write error: %s", strerror(e));
    }
    if (close(fd) < 0) {
        e = errno;
        unlinkat(b->out_fd, rel, 0);
        return vmx_error_set(err, VMX_EIO, path, 0, NULL, "write error: %s", strerror(e));
    }
    return 0;
}

static void run_job(batch *b, job *j, result *r, inbuf *ib)
{
    char *out = NULL;
    size_t inlen = 0, outlen = 0;
    double t0 = now_seconds();
    int rc;

    vmx_error_clear(&r->err);
    if (!j->output) {
        rc = vmx_error_set(&r->err, VMX_ELIMIT, j->input, 0, NULL, "output path too long");
        goto out;
    }
    if ((rc = read_input(ib, &inlen, j->in_fd, j->input + j->in_off, j->input, &r->err)) < 0)
        goto out;
    if ((rc = vmx_convert(&out, &outlen, ib->ptr, inlen, j->input, j->from, b->to,
                          &b->opts, &r->err)) < 0)
        goto out;
    rc = write_output(b, j->output, out, outlen, &r->err);
out:
    if (rc < 0 && !r->err.source[0])
        strncat(r->err.source, j->input, sizeof(r->err.source) - 1);
    r->ok = rc == 0;
    r->micros = (unsigned long)((now_seconds() - t0) * 1e6);
    vmx_free(out);
}

static void *worker(void *arg)
{
    batch *b = arg;
    inbuf ib = {NULL, 0};

    for (;;) {
        job j;
        result *r;

        pthread_mutex_lock(&b->lock);
        while (b->qlen == 0 && !b->closed)
            pthread_cond_wait(&b->can_pop, &b->lock);
        if (b->qlen == 0) {
            pthread_mutex_unlock(&b->lock);
            free(ib.ptr);
            return NULL;
        }
        j = b->queue[b->qhead];
        b->qhead = (b->qhead + 1) % QUEUE_SIZE;
        b->qlen--;
        /* wake the walker only when half the queue is free, so that it
         * refills it in one go rather than once per file */
        if (b->pusher_waiting && b->qlen <= QUEUE_SIZE / 2)
            pthread_cond_signal(&b->can_push);
        pthread_mutex_unlock(&b->lock);

        /* The job's window slot is free and cleared: its previous result was
         * reported before the job was queued (see push_job). Only `done`
         * is read by other threads, and it is set under the lock. */
        r = &b->window[j.seq % WINDOW];
        run_job(b, &j, r, &ib);

        pthread_mutex_lock(&b->lock);
        r->input = j.input;
        r->output = j.output;
        r->done = true;
        drain_window(b);
        pthread_mutex_unlock(&b->lock);
    }
}

/* ---- the walk ---- */

static void push_job(batch *b, int in_fd, size_t in_off, const char *input, const char *rel,
                     vmx_format from)
{
    job j;

    j.input = strdup(input);
    j.in_fd = in_fd;
    j.in_off = in_off;
    if (j.input && in_off > strlen(j.input)) { /* a cut path: open it whole */
        j.in_fd = AT_FDCWD;
        j.in_off = 0;
    }
    j.output = join_output(b, rel);
    j.from = from;
    pthread_mutex_lock(&b->lock);
    j.seq = b->next_seq++;
    /* Bounded memory: wait while the queue is full or the oldest unreported
     * result is a whole window behind. */
    while (b->qlen == QUEUE_SIZE || j.seq >= b->next_emit + WINDOW - QUEUE_SIZE) {
        b->pusher_waiting = b->qlen == QUEUE_SIZE;
        pthread_cond_wait(b->qlen == QUEUE_SIZE ? &b->can_push : &b->window_moved,
                          &b->lock);
    }
    b->pusher_waiting = false;
    b->queue[(b->qhead + b->qlen) % QUEUE_SIZE] = j;
    b->qlen++;
    pthread_cond_signal(&b->can_pop);
    pthread_mutex_unlock(&b->lock);
}

static bool wanted_input(const batch *b, const char *name, vmx_format *from)
{
    vmx_format f = vmx_format_from_path(name);

    if (f == VMX_FORMAT_UNKNOWN || f == b->to)
        return false;
    *from = f;
    return true;
}

/* "A/B" (just "B" when A is empty) into @out, cut to @size as snprintf
 * would: the walk builds two such paths per file. */
static void join_path(char *out, size_t size, const char *a, size_t alen, const char *b)
{
    size_t blen = strlen(b), n = 0;

    if (alen) {
        n = alen < size - 1 ? alen : size - 1;
        memcpy(out, a, n);
        if (n < size - 1)
            out[n++] = '/';
    }
    if (blen > size - 1 - n)
        blen = size - 1 - n;
    memcpy(out + n, b, blen);
    out[n + blen] = '\0';
}

typedef struct dir_entry {
    char *name;
    unsigned char type; /* d_type: DT_UNKNOWN asks lstat */
} dir_entry;

static int cmp_names(const void *a, const void *c)
{
    return strcmp(((const dir_entry *)a)->name, ((const dir_entry *)c)->name);
}

/* Walk @dir; @rel is its path relative to the walked root ("" at the root),
 * whose descriptor is @root_fd (files are opened as @rel/NAME from it) and
 * whose path takes the first @root_off bytes of @dir/NAME.
 * With @count set only counts the files. Symbolic links are not followed. */
static unsigned long walk_dir(batch *b, int root_fd, size_t root_off, const char *dir,
                              const char *rel, bool count, int depth)
{
    DIR *d;
    struct dirent *e;
    dir_entry *names = NULL;
    size_t n = 0, cap = 0, i, dirlen = strlen(dir), rellen = strlen(rel);
    unsigned long found = 0;

    if (depth > 64 || !(d = opendir(dir)))
        return 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            dir_entry *nn = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof(*names));

            if (!nn)
                break;
            names = nn;
        }
        names[n].name = strdup(e->d_name);
        names[n++].type = e->d_type;
    }
    closedir(d);
    for (i = 0; i < n && names[i].name; i++)
        ;
    if (i < n) { /* out of memory: drop the entries that were not copied */
        size_t k = 0;

        for (i = 0; i < n; i++)
            if (names[i].name)
                names[k++] = names[i];
        n = k;
    }
    qsort(names, n, sizeof(*names), cmp_names);
    for (i = 0; i < n; i++) {
        char path[4096], sub[4096];
        unsigned char type = names[i].type;
        struct stat st;
        vmx_format from;

        join_path(path, sizeof(path), dir, dirlen, names[i].name);
        join_path(sub, sizeof(sub), rel, rellen, names[i].name);
        /* the directory entry's type spares an lstat per file */
        if (type == DT_UNKNOWN) {
            if (lstat(path, &st) < 0)
                type = DT_LNK; /* gone: skipped */
            else
                type = S_ISDIR(st.st_mode)   ? DT_DIR
                       : S_ISREG(st.st_mode) ? DT_REG
                                             : DT_LNK;
        }
        if (type == DT_DIR)
            found += walk_dir(b, root_fd, root_off, path, sub, count, depth + 1);
        else if (type == DT_REG && wanted_input(b, names[i].name, &from)) {
            found++;
            if (!count)
                push_job(b, root_fd, root_off, path, sub, from);
        }
        free(names[i].name);
    }
    free(names);
    return found;
}

static unsigned long walk_args(batch *b, int argc, char **argv, bool count)
{
    unsigned long found = 0;
    int i;

    for (i = 0; i < argc; i++) {
        struct stat st;
        const char *base;
        vmx_format from;

        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            int fd = AT_FDCWD;
            size_t off = 0;

            if (!count) {
                int *fds = realloc(b->root_fds, (b->nroots + 1) * sizeof(*fds));

                if (fds) {
                    b->root_fds = fds;
                    fd = open(argv[i], O_PATH | O_DIRECTORY | O_CLOEXEC);
                    if (fd >= 0) {
                        fds[b->nroots++] = fd;
                        off = strlen(argv[i]) + 1;
                    } else
                        fd = AT_FDCWD;
                }
            }
            found += walk_dir(b, fd, off, argv[i], "", count, 0);
            continue;
        }
        found++;
        if (count)
            continue;
        base = strrchr(argv[i], '/');
        base = base ? base + 1 : argv[i];
        from = vmx_format_from_path(argv[i]);
        if (from == VMX_FORMAT_UNKNOWN)
            from = VMX_FORMAT_VMX;
        push_job(b, AT_FDCWD, 0, argv[i], base, from);
    }
    return found;
}

int cmd_batch(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"to", required_argument, NULL, 't'},
        {"output", required_argument, NULL, 'o'},
        {"jobs", required_argument, NULL, 'j'},
        {"report", required_argument, NULL, 'R'},
        {"lossless", no_argument, NULL, 'L'},
        {"quiet", no_argument, NULL, 'q'},
        {"hw-version", required_argument, NULL, 'H'},
        {"datastore-map", required_argument, NULL, 'M'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    vmx_convert_options defaults = VMX_CONVERT_OPTIONS_INIT;
    batch *b;
    pthread_t *threads = NULL;
    const char *report_path = NULL;
    char report_tmp[4096] = "";
    int c, i, status;
    long v;
    char *end;

    b = calloc(1, sizeof(*b));
    if (!b)
        return CLI_EXIT_FAIL;
    b->opts = defaults;
    b->jobs = (int)sysconf(_SC_NPROCESSORS_ONLN);
    optind = 1;
    while ((c = getopt_long(argc, argv, "t:o:j:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 't':
            b->to = vmx_format_from_name(optarg);
            if (b->to == VMX_FORMAT_UNKNOWN) {
                free(b);
                return cli_usage_error("batch", "unknown format '%s'", optarg);
            }
            break;
        case 'o':
            b->outdir = optarg;
            break;
        case 'j':
            errno = 0;
            v = strtol(optarg, &end, 10);
            if (errno || *end || v < 1 || v > 256) {
                free(b);
                return cli_usage_error("batch", "invalid job count '%s'", optarg);
            }
            b->jobs = (int)v;
            break;
        case 'R':
            report_path = optarg;
            break;
        case 'L':
            b->opts.flags |= VMX_CONVERT_LOSSLESS;
            break;
        case 'q':
            b->quiet = true;
            break;
        case 'H':
            errno = 0;
            v = strtol(optarg, &end, 10);
            if (errno || *end || v < 3 || v > 99) {
                free(b);
                return cli_usage_error("batch", "invalid virtualHW version '%s'", optarg);
            }
            b->opts.hw_version = (int)v;
            break;
        case 'M':
            if (strcmp(optarg, "libvirt") == 0)
                b->opts.datastore_map = VMX_DATASTORE_MAP_LIBVIRT;
            else if (strcmp(optarg, "none") == 0)
                b->opts.datastore_map = VMX_DATASTORE_MAP_NONE;
            else {
                free(b);
                return cli_usage_error("batch", "unknown datastore map '%s'", optarg);
            }
            break;
        case 'h':
            free(b);
            return usage(stdout);
        default:
            free(b);
            return usage(stderr);
        }
    }
    if (!b->to || !b->outdir || optind >= argc) {
        const char *what = !b->to       ? "missing -t FORMAT"
                           : !b->outdir ? "missing -o OUTDIR"
                                        : "no input paths";

        free(b);
        return cli_usage_error("batch", "%s", what);
    }
    if (mkdir(b->outdir, 0777) < 0 && errno != EEXIST) {
        fprintf(stderr, "vmxkit: %s: cannot create output directory: %s\n", b->outdir,
                strerror(errno));
        free(b);
        return CLI_EXIT_USAGE;
    }
    if (access(b->outdir, W_OK) < 0 ||
        (b->out_fd = open(b->outdir, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
        fprintf(stderr, "vmxkit: %s: output directory is not writable: %s\n", b->outdir,
                strerror(errno));
        free(b);
        return CLI_EXIT_USAGE;
    }
    b->out_off = strlen(b->outdir) + 1;
    if (report_path) {
        snprintf(report_tmp, sizeof(report_tmp), "%s.tmp%ld", report_path, (long)getpid());
        b->report = fopen(report_tmp, "w");
        if (!b->report) {
            fprintf(stderr, "vmxkit: %s: cannot write report: %s\n", report_path,
                    strerror(errno));
            close(b->out_fd);
            free(b);
            return CLI_EXIT_USAGE;
        }
        fputs("{\n  \"files\": [", b->report);
    }
    b->progress_tty = isatty(STDERR_FILENO);
    pthread_mutex_init(&b->lock, NULL);
    pthread_cond_init(&b->can_push, NULL);
    pthread_cond_init(&b->can_pop, NULL);
    pthread_cond_init(&b->window_moved, NULL);
    if (!b->quiet)
        b->total = walk_args(b, argc - optind, argv + optind, true);
    b->t0 = now_seconds();
    threads = calloc((size_t)b->jobs, sizeof(*threads));
    for (i = 0; i < b->jobs; i++)
        pthread_create(&threads[i], NULL, worker, b);
    walk_args(b, argc - optind, argv + optind, false);
    pthread_mutex_lock(&b->lock);
    b->closed = true;
    pthread_cond_broadcast(&b->can_pop);
    pthread_mutex_unlock(&b->lock);
    for (i = 0; i < b->jobs; i++)
        pthread_join(threads[i], NULL);
    free(threads);
    show_progress(b, true);
    if (b->report) {
        fprintf(b->report,
                "\n  ],\n  \"totals\": {\"files\": %lu, \"converted\": %lu, \"failed\": %lu, "
                "\"seconds\": %.3f, \"jobs\": %d}\n}\n",
                b->converted + b->failed, b->converted, b->failed, now_seconds() - b->t0,
                b->jobs);
        if (fclose(b->report) != 0 || rename(report_tmp, report_path) < 0) {
            fprintf(stderr, "vmxkit: %s: cannot write report: %s\n", report_path,
                    strerror(errno));
            unlink(report_tmp);
        }
    }
    status = b->failed ? CLI_EXIT_FAIL : CLI_EXIT_OK;
    close(b->out_fd);
    while (b->nroots > 0)
        close(b->root_fds[--b->nroots]);
    free(b->root_fds);
    pthread_mutex_destroy(&b->lock);
    pthread_cond_destroy(&b->can_push);
    pthread_cond_destroy(&b->can_pop);
    pthread_cond_destroy(&b->window_moved);
    free(b);
    return status;
}
