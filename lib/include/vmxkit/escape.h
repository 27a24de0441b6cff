/**
 * @file vmxkit/escape.h
 * @brief VMware's escaping schemes: percent, pipe, datastore items and paths.
 *
 * (Declarations are completed by the escaping module.)
 */
#ifndef VMXKIT_ESCAPE_H
#define VMXKIT_ESCAPE_H

#include <stddef.h>

#include "vmxkit/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif
#endif
