/* Start and stop the vSphere simulator (tests/vcsim, built by make check)
 * from a Criterion test. It listens on 127.0.0.1 only, on a port of its own
 * choosing, and keeps its datastores under a temporary directory that
 * vcsim_stop() removes. Header-only, like cli_run.h.
 *
 * The audit: when VMXKIT_SYNC_AUDIT names a directory, sync_audit_add()
 * appends every output a test saw to its "outputs" file, and vcsim_stop()
 * appends the session cookies the server handed out to its "cookies" file,
 * so that the test program can check at the end that no password or cookie
 * ever appeared in any output (sync_audit_check()). */
#ifndef VMXKIT_TESTS_SYNC_SERVER_H
#define VMXKIT_TESTS_SYNC_SERVER_H

#include <criterion/criterion.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define VCSIM_BIN BUILDDIR "/tests/vcsim/vmxkit-vcsim"

typedef struct vcsim {
    pid_t pid;
    int out_fd; /* the server's stdout, after "ready" */
    char dir[64];
    char certfile[128];
    char logfile[128]; /* the server's -log: cookies, expiries, proxy requests */
    char url[128];
    int port;
    int proxy_port; /* with -proxy */
    char sha1[128];
    char sha256[160];
    char datacenter[64];
    char datastore[64];
    char vms[256];
} vcsim;

/* Read one line from @fd (a byte at a time: the fd is shared with a child
 * that reads on). Gives up after 20 s so that a broken server fails the test
 * instead of hanging it. */
static int vcsim__line(int fd, char *buf, size_t size)
{
    size_t n = 0;

    while (n + 1 < size) {
        struct pollfd p = {fd, POLLIN, 0};
        char c;

        if (poll(&p, 1, 20000) <= 0 || read(fd, &c, 1) != 1)
            return -1;
        if (c == '\n')
            break;
        buf[n++] = c;
    }
    buf[n] = '\0';
    return 0;
}

static void vcsim__field(char *dst, size_t size, const char *line, const char *key)
{
    size_t k = strlen(key);

    if (strncmp(line, key, k) == 0 && line[k] == '=')
        snprintf(dst, size, "%s", line + k + 1);
}

/* Start the server with extra flags (NULL-terminated). Skips the test when
 * the server was not built (no Go toolchain). */
static void vcsim_start(vcsim *v, const char *const *flags)
{
    const char *argv[24];
    char line[512], port[16] = "";
    int fds[2], i = 0;

    memset(v, 0, sizeof(*v));
    v->pid = -1;
    if (access(VCSIM_BIN, X_OK) != 0)
        cr_skip_test("the vSphere simulator was not built (install golang-go and "
                     "golang-github-vmware-govmomi-dev)");
    snprintf(v->dir, sizeof(v->dir), "/tmp/vmxkit-vcsim-XXXXXX");
    cr_assert_not_null(mkdtemp(v->dir));
    snprintf(v->certfile, sizeof(v->certfile), "%s/cert.pem", v->dir);
    snprintf(v->logfile, sizeof(v->logfile), "%s/events.log", v->dir);
    argv[i++] = VCSIM_BIN;
    argv[i++] = "-certfile";
    argv[i++] = v->certfile;
    argv[i++] = "-log";
    argv[i++] = v->logfile;
    for (; flags && *flags && i < 22; flags++)
        argv[i++] = *flags;
    argv[i] = NULL;
    cr_assert_eq(pipe(fds), 0);
    v->pid = fork();
    cr_assert_neq(v->pid, -1);
    if (v->pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);

        dup2(fds[1], 1);
        dup2(devnull, 2);
        close(fds[0]);
        setenv("TMPDIR", v->dir, 1);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(fds[1]);
    v->out_fd = fds[0];
    for (;;) {
        cr_assert_eq(vcsim__line(v->out_fd, line, sizeof(line)), 0,
                     "the simulator did not start");
        if (strcmp(line, "ready") == 0)
            break;
        vcsim__field(v->url, sizeof(v->url), line, "url");
        vcsim__field(port, sizeof(port), line, "port");
        if (strncmp(line, "proxy_port=", 11) == 0)
            v->proxy_port = atoi(line + 11);
        vcsim__field(v->sha1, sizeof(v->sha1), line, "sha1");
        vcsim__field(v->sha256, sizeof(v->sha256), line, "sha256");
        vcsim__field(v->datacenter, sizeof(v->datacenter), line, "datacenter");
        vcsim__field(v->datastore, sizeof(v->datastore), line, "datastore");
        vcsim__field(v->vms, sizeof(v->vms), line, "virtualmachine");
    }
    v->port = atoi(port);
    cr_assert_gt(v->port, 0);
}

/* Wait for a line of the server starting with @prefix: "held " (a task
 * held running) or "waiting " (a blocking WaitForUpdatesEx arrived). */
__attribute__((unused)) static int vcsim_wait_line(vcsim *v, const char *prefix)
{
    char line[256];

    while (vcsim__line(v->out_fd, line, sizeof(line)) == 0)
        if (strncmp(line, prefix, strlen(prefix)) == 0)
            return 0;
    return -1;
}

static void vcsim_kill(vcsim *v, int sig)
{
    int st;

    if (v->pid > 0) {
        kill(v->pid, sig);
        waitpid(v->pid, &st, 0);
        v->pid = -1;
    }
}

/* Lines of the server's -log starting with @prefix ("cookie ", "expired ",
 * "proxy CONNECT ", ...). */
__attribute__((unused)) static int vcsim_log_count(const vcsim *v, const char *prefix)
{
    char line[1024];
    FILE *f = fopen(v->logfile, "r");
    int n = 0;

    if (!f)
        return 0;
    while (fgets(line, sizeof(line), f))
        if (strncmp(line, prefix, strlen(prefix)) == 0)
            n++;
    fclose(f);
    return n;
}

/* Append @len bytes to the audit file @name; nothing without an audit. */
static void sync_audit__append(const char *name, const char *text, size_t len)
{
    const char *dir = getenv("VMXKIT_SYNC_AUDIT");
    char path[256];
    int fd;

    if (!dir || !len)
        return;
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0600);
    if (fd < 0)
        return;
    /* one write per record: records of parallel tests do not interleave */
    if (write(fd, text, len) != (ssize_t)len)
        fprintf(stderr, "audit: short write to %s\n", path);
    close(fd);
}

/* Record an output (stdout, stderr, a terminal's output) for the audit. */
__attribute__((unused)) static void sync_audit_add(const char *text, size_t len)
{
    sync_audit__append("outputs", text, len);
}

static void vcsim_stop(vcsim *v)
{
    char cmd[128];

    if (v->logfile[0]) {
        char line[1024];
        FILE *f = fopen(v->logfile, "r");

        while (f && fgets(line, sizeof(line), f))
            if (strncmp(line, "cookie ", 7) == 0)
                sync_audit__append("cookies", line + 7, strlen(line + 7));
        if (f)
            fclose(f);
    }
    vcsim_kill(v, SIGTERM);
    if (v->out_fd > 0)
        close(v->out_fd);
    v->out_fd = 0;
    if (v->dir[0]) {
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", v->dir);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", v->dir);
    }
    v->dir[0] = '\0';
}

#endif
