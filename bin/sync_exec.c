/*
 * The sync subcommands (push, power, unregister) live in a separate program,
 * vmxkit-sync, so that the vmxkit command does not load libvmxkit-sync and
 * the libcurl and OpenSSL libraries behind it: the dynamic loader mapping
 * them cost about 6 ms on every run, conversions included. vmxkit runs the
 * helper with the same arguments, in place of itself (exec), so standard
 * streams, the terminal and the exit status are the helper's own.
 *
 * The helper is looked for in this order:
 *   1. $VMXKIT_EXEC_PATH/vmxkit-sync, when the variable is set;
 *   2. beside the running vmxkit (in a build tree: bin/vmxkit-sync, also when
 *      the running program is libtool's bin/.libs/vmxkit);
 *   3. $(pkglibexecdir)/vmxkit-sync, where make install puts it.
 */
#include "config.h"
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SYNC_HELPER "vmxkit-sync"

/* Writes DIR/vmxkit-sync into @out; false when it does not fit. */
static bool helper_in(char *out, size_t size, const char *dir, size_t dir_len)
{
    size_t need = dir_len + 1 + sizeof(SYNC_HELPER);

    if (dir_len == 0 || need > size)
        return false;
    memcpy(out, dir, dir_len);
    out[dir_len] = '/';
    memcpy(out + dir_len + 1, SYNC_HELPER, sizeof(SYNC_HELPER));
    return true;
}

/* The directory of the running program, with a trailing "/.libs" removed. */
static bool own_dir(char *out, size_t size, size_t *len)
{
    ssize_t n = readlink("/proc/self/exe", out, size - 1);
    char *slash;

    if (n <= 0 || (size_t)n >= size - 1)
        return false;
    out[n] = '\0';
    slash = strrchr(out, '/');
    if (!slash)
        return false;
    *slash = '\0';
    n = slash - out;
    if (n >= 6 && strcmp(out + n - 6, "/.libs") == 0) {
        n -= 6;
        out[n] = '\0';
    }
    *len = (size_t)n;
    return true;
}

static int find_helper(char *path, size_t size)
{
    char dir[PATH_MAX];
    const char *env = getenv("VMXKIT_EXEC_PATH");
    size_t len;

    if (env && *env) {
        /* an explicit choice: no fallback behind it */
        return helper_in(path, size, env, strlen(env)) ? 0 : -1;
    }
    if (own_dir(dir, sizeof(dir), &len) && helper_in(path, size, dir, len) &&
        access(path, X_OK) == 0)
        return 0;
    return helper_in(path, size, VMX_PKGLIBEXECDIR, strlen(VMX_PKGLIBEXECDIR)) ? 0 : -1;
}

int cli_sync_exec(int argc, char **argv)
{
    char path[PATH_MAX];
    char **args;
    int i;

    if (find_helper(path, sizeof(path)) < 0) {
        fprintf(stderr, "%s %s: cannot locate the %s program (path too long)\n", cli_progname,
                argv[0], SYNC_HELPER);
        return CLI_EXIT_IO;
    }
    args = malloc(((size_t)argc + 2) * sizeof(*args));
    if (!args) {
        fprintf(stderr, "%s %s: out of memory\n", cli_progname, argv[0]);
        return CLI_EXIT_IO;
    }
    args[0] = path;
    for (i = 0; i < argc; i++)
        args[i + 1] = argv[i];
    args[argc + 1] = NULL;
    fflush(NULL);
    execv(path, args);
    fprintf(stderr, "%s %s: cannot run %s: %s (set VMXKIT_EXEC_PATH to its directory)\n",
            cli_progname, argv[0], path, strerror(errno));
    free(args);
    return CLI_EXIT_IO;
}
