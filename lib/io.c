#include "config.h"
#include "buf.h"
#include "vmxkit/io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int vmx_file_read(char **out, size_t *len, const char *path, size_t max, vmx_error *err)
{
    vmx_buf b = VMX_BUF_INIT;
    int rc;

    *out = NULL;
    if ((rc = vmx_buf_read_file(&b, path, max ? max : VMX_IO_MAX_FILE_SIZE, err)) < 0) {
        vmx_buf_dispose(&b);
        return rc;
    }
    *out = vmx_buf_detach(&b, len);
    if (!*out)
        return vmx_error_set(err, VMX_ENOMEM, path, 0, NULL, "out of memory");
    return 0;
}

static int write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Temporary names are unique within the process (a counter) and across
 * processes (the pid); O_EXCL guards against anything else. */
static unsigned long tmp_counter;

int vmx_file_write_atomic(const char *path, const char *data, size_t len, vmx_error *err)
{
    char tmp[4096];
    unsigned long n;
    int fd, rc = 0;

    if (strcmp(path, "-") == 0) {
        if (write_all(STDOUT_FILENO, data, len) < 0)
            return vmx_error_set(err, VMX_EIO, "<stdout>", 0, NULL, "write error: %s",
                                 strerror(errno));
        return 0;
    }
    n = __atomic_add_fetch(&tmp_counter, 1, __ATOMIC_RELAXED);
    if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp%ld.%lu", path, (long)getpid(), n) >=
        sizeof(tmp))
        return vmx_error_set(err, VMX_ELIMIT, path, 0, NULL, "file name too long");
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0)
        return vmx_error_set(err, VMX_EIO, path, 0, NULL, "cannot create file: %s",
                             strerror(errno));
    if (write_all(fd, data, len) < 0) {
        rc = vmx_error_set(err, VMX_EIO, path, 0, NULL, "write error: %s", strerror(errno));
        close(fd);
        goto out;
    }
    if (close(fd) < 0) {
        rc = vmx_error_set(err, VMX_EIO, path, 0, NULL, "write error: %s", strerror(errno));
        goto out;
    }
    if (rename(tmp, path) < 0)
        rc = vmx_error_set(err, VMX_EIO, path, 0, NULL, "cannot rename into place: %s",
                           strerror(errno));
out:
    if (rc < 0)
        unlink(tmp);
    return rc;
}

void vmx_free(void *ptr)
{
    free(ptr);
}
