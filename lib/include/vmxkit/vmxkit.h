/**
 * @file vmxkit/vmxkit.h
 * @brief Umbrella header of libvmxkit.
 */
#ifndef VMXKIT_VMXKIT_H
#define VMXKIT_VMXKIT_H

#include "vmxkit/error.h"
#include "vmxkit/io.h"
#include "vmxkit/vmxfile.h"
#include "vmxkit/escape.h"
#include "vmxkit/domain.h"
#include "vmxkit/convert.h"
#include "vmxkit/yaml.h"
#include "vmxkit/roundtrip.h"

#endif
