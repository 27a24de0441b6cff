/**
 * @file vmxkit/error.h
 * @brief Return codes and the error record filled by every libvmxkit call.
 */
#ifndef VMXKIT_ERROR_H
#define VMXKIT_ERROR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && defined(VMX_BUILDING_LIBRARY)
#define VMX_EXTERN __attribute__((visibility("default")))
#else
#define VMX_EXTERN
#endif

/** Return codes: 0 is success, failures are negative. */
enum {
    VMX_OK = 0,
    VMX_EPARSE = -1,       /**< malformed input (line and key in the error) */
    VMX_EINVAL = -2,       /**< invalid argument or value */
    VMX_EUNSUPPORTED = -3, /**< valid input the target format cannot express */
    VMX_ENOMEM = -4,       /**< allocation failed */
    VMX_EIO = -5,          /**< reading or writing a file failed */
    VMX_ELIMIT = -6,       /**< a size, length or count limit was exceeded */
    VMX_ENET = -7,         /**< network failure (sync library) */
    VMX_ETLS = -8,         /**< TLS verification failure (sync library) */
    VMX_EFAULT = -9        /**< the server answered with a SOAP fault (sync library) */
};

#define VMX_ERROR_SOURCE_MAX 512
#define VMX_ERROR_KEY_MAX 128
#define VMX_ERROR_MESSAGE_MAX 512

/**
 * Details of the first error of a call. The caller owns the struct (usually on
 * the stack); libvmxkit never allocates for it, so it can be filled even when
 * memory runs out. The first error wins: a call does not overwrite a record
 * whose code is already non-zero.
 */
typedef struct vmx_error {
    int code;                             /**< a VMX_E* code, 0 while unset */
    char source[VMX_ERROR_SOURCE_MAX];    /**< file name or "<stdin>", may be empty */
    unsigned long line;                   /**< 1-based line, 0 when unknown */
    unsigned long column;                 /**< 1-based column, 0 when unknown */
    char key[VMX_ERROR_KEY_MAX];          /**< VMX key, XML element or YAML path, may be empty */
    char message[VMX_ERROR_MESSAGE_MAX];  /**< one line, lowercase, no final period */
} vmx_error;

/** Static initialiser for a cleared error record. */
#define VMX_ERROR_INIT {0, "", 0, 0, "", ""}

/** Clear @p err (NULL is accepted). */
VMX_EXTERN void vmx_error_clear(vmx_error *err);

/**
 * Record an error in @p err unless it already holds one.
 *
 * @param err     record to fill, may be NULL
 * @param code    a VMX_E* code
 * @param source  file name, or NULL
 * @param line    1-based line, or 0
 * @param key     key the error is about, or NULL
 * @param fmt     printf-style message
 * @return @p code, so that callers can write `return vmx_error_set(...)`.
 */
VMX_EXTERN int vmx_error_set(vmx_error *err, int code, const char *source,
                             unsigned long line, const char *key, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

/**
 * Format @p err as one line: `source:line: message [key]` (parts that are
 * unset are left out). Always NUL-terminates when @p size > 0.
 *
 * @return the length the full line needs, as snprintf does.
 */
VMX_EXTERN int vmx_error_format(char *buf, size_t size, const vmx_error *err);

/** A short static description of a VMX_E* code. */
VMX_EXTERN const char *vmx_strerror(int code);

/** The library version string, e.g. "0.1.0". */
VMX_EXTERN const char *vmx_version(void);

#ifdef __cplusplus
}
#endif
#endif
