/* The YAML schema of the domain model, shared by the YAML writer and reader.
 * Internal.
 *
 * The format is table driven: every struct of the model has a table of
 * fields (YAML key, kind, offset) in output order. The writer walks the
 * tables to emit, the reader looks keys up in them, so a field added to the
 * model needs one line here to be written, read and documented. */
#ifndef VMX_DOMAIN_YAML_PRIVATE_H
#define VMX_DOMAIN_YAML_PRIVATE_H

#include <stddef.h>

#include "util.h"
#include "vmxkit/domain.h"

typedef enum vmx_yaml_kind {
    VMX_YAML_STRING,   /* char *, NULL when absent */
    VMX_YAML_BOOL,     /* bool */
    VMX_YAML_INT,      /* int */
    VMX_YAML_UINT,     /* unsigned int */
    VMX_YAML_LLONG,    /* long long */
    VMX_YAML_SIZE,     /* unsigned long long KiB, written with a unit */
    VMX_YAML_ENUM,     /* an enum (int sized) written by name */
    VMX_YAML_TRISTATE, /* vmx_tristate written as true/false, omitted when unset */
    VMX_YAML_GROUP,    /* nested mapping over the same struct */
    VMX_YAML_LIST,     /* array of structs in the domain: pointer + count */
    VMX_YAML_EXTRA     /* the domain's extra VMX keys, a mapping */
} vmx_yaml_kind;

/* Field flags. */
enum {
    VMX_YAML_ALWAYS = 1u << 0, /* written even when equal to the default */
    VMX_YAML_FLOW = 1u << 1    /* group written as a one-line flow mapping */
};

/* The member at byte offset @off of the struct at @base. */
#define VMX_YAML_AT(base, off, type) ((type *)(void *)((char *)(base) + (off)))

/* No presence flag. */
#define VMX_YAML_NO_FLAG ((size_t)-1)

typedef struct vmx_yaml_enum_name {
    int value;
    const char *name;
} vmx_yaml_enum_name;

typedef struct vmx_yaml_struct vmx_yaml_struct;

typedef struct vmx_yaml_field {
    const char *key;
    vmx_yaml_kind kind;
    size_t offset;      /* of the value in the struct */
    size_t flag_offset; /* bool set when the key is present, or VMX_YAML_NO_FLAG:
                           the key is written exactly when the flag is true */
    unsigned int flags; /* VMX_YAML_ALWAYS, VMX_YAML_FLOW */
    long long def;      /* numeric default: the key is omitted when equal */
    const vmx_yaml_enum_name *names; /* ENUM: names, ended by a NULL name */
    const vmx_yaml_struct *sub;      /* GROUP: fields; LIST: element fields */
    size_t count_offset;             /* LIST: size_t count in the domain */
    void *(*add)(vmx_domain *dom);   /* LIST: append a zeroed element */
} vmx_yaml_field;

struct vmx_yaml_struct {
    const char *name; /* for messages */
    size_t size;      /* element size for lists */
    const vmx_yaml_field *fields;
    size_t nfields;
};

/* The root: fields of vmx_domain. */
VMX_INTERNAL extern const vmx_yaml_struct vmx__yaml_domain_schema;

/* The name of @value in @names, or NULL. */
VMX_INTERNAL const char *vmx__yaml_enum_name(const vmx_yaml_enum_name *names, int value);

/* Size units, largest first, with their factor in KiB. */
typedef struct vmx_yaml_unit {
    const char *name;
    unsigned long long kib;
} vmx_yaml_unit;

VMX_INTERNAL extern const vmx_yaml_unit vmx__yaml_units[4];

#endif
