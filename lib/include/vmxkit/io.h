/**
 * @file vmxkit/io.h
 * @brief Whole-file reads and atomic writes, as the command line uses them.
 */
#ifndef VMXKIT_IO_H
#define VMXKIT_IO_H

#include <stddef.h>

#include "vmxkit/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Default cap on the size of an input file: 16 MiB. */
#define VMX_IO_MAX_FILE_SIZE ((size_t)16 * 1024 * 1024)

/**
 * Read the whole of @p path ("-" is standard input), refusing files larger
 * than @p max bytes (0 means VMX_IO_MAX_FILE_SIZE).
 * @param out  receives a NUL-terminated buffer owned by the caller (free())
 * @param len  receives the length without the NUL
 * @return 0, VMX_EIO, VMX_ELIMIT or VMX_ENOMEM.
 */
VMX_EXTERN int vmx_file_read(char **out, size_t *len, const char *path, size_t max,
                             vmx_error *err);

/**
 * Write @p len bytes to @p path atomically: into a temporary file in the same
 * directory, flushed, then renamed over @p path. On any error the temporary
 * file is removed and an existing @p path is left untouched. "-" writes to
 * standard output.
 */
VMX_EXTERN int vmx_file_write_atomic(const char *path, const char *data, size_t len,
                                     vmx_error *err);

/** Free a buffer returned by libvmxkit (same as free()). NULL is accepted. */
VMX_EXTERN void vmx_free(void *ptr);

#ifdef __cplusplus
}
#endif
#endif
