/* Run the built vmxkit command from a Criterion test and capture its output.
 * Header-only so that each test program can include it. */
#ifndef VMXKIT_TESTS_CLI_RUN_H
#define VMXKIT_TESTS_CLI_RUN_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct cli_result {
    int status;     /* exit code, or 128+signal */
    char *out;      /* captured stdout (NUL-terminated) */
    size_t outlen;
    char *errout;   /* captured stderr */
    size_t errlen;
} cli_result;

__attribute__((unused)) static char *cli__slurp_fd(int fd, size_t *len)
{
    size_t cap = 4096, n = 0;
    char *p = malloc(cap);
    ssize_t r;

    while ((r = read(fd, p + n, cap - n - 1)) > 0) {
        n += (size_t)r;
        if (cap - n < 2) {
            cap *= 2;
            p = realloc(p, cap);
        }
    }
    p[n] = '\0';
    if (len)
        *len = n;
    return p;
}

/* Run BUILDDIR/bin/vmxkit with @args (NULL-terminated, without argv[0]),
 * feeding @in (may be NULL) on stdin. Output goes through temp files so
 * that large outputs cannot deadlock. */
__attribute__((unused)) static cli_result cli_run_in(const char *in, size_t inlen, const char *const *args)
{
    cli_result r = {0};
    char outp[] = "/tmp/vmxkit-test-outXXXXXX", errp[] = "/tmp/vmxkit-test-errXXXXXX";
    char inp[] = "/tmp/vmxkit-test-inXXXXXX";
    int ofd = mkstemp(outp), efd = mkstemp(errp), ifd = mkstemp(inp);
    const char *argv[64];
    size_t i = 0;
    pid_t pid;
    int st;

    if (in && inlen && write(ifd, in, inlen) != (ssize_t)inlen)
        abort();
    lseek(ifd, 0, SEEK_SET);
    argv[i++] = BUILDDIR "/bin/vmxkit";
    for (; *args && i < 63; args++)
        argv[i++] = *args;
    argv[i] = NULL;
    pid = fork();
    if (pid == 0) {
        dup2(ifd, 0);
        dup2(ofd, 1);
        dup2(efd, 2);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    waitpid(pid, &st, 0);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    lseek(ofd, 0, SEEK_SET);
    lseek(efd, 0, SEEK_SET);
    r.out = cli__slurp_fd(ofd, &r.outlen);
    r.errout = cli__slurp_fd(efd, &r.errlen);
    close(ofd);
    close(efd);
    close(ifd);
    unlink(outp);
    unlink(errp);
    unlink(inp);
    return r;
}

#define cli_run(...) cli_run_in(NULL, 0, (const char *const[]){__VA_ARGS__, NULL})
#define cli_run_stdin(in, ...)                                                        \
    cli_run_in((in), strlen(in), (const char *const[]){__VA_ARGS__, NULL})

__attribute__((unused)) static void cli_result_dispose(cli_result *r)
{
    free(r->out);
    free(r->errout);
}

/* Read a whole file for comparisons; NULL if it cannot be read. */
__attribute__((unused)) static char *test_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *p;
    long n;

    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    p = malloc((size_t)n + 1);
    if (fread(p, 1, (size_t)n, f) != (size_t)n) {
        fclose(f);
        free(p);
        return NULL;
    }
    p[n] = '\0';
    fclose(f);
    if (len)
        *len = (size_t)n;
    return p;
}

#endif
