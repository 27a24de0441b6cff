/**
 * @file vmxkit/sync.h
 * @brief libvmxkit-sync: push VMX definitions to ESX and vCenter hosts over
 * the vSphere Web Services (SOAP) API, and drive power tasks with an
 * auto-answer policy for virtual machine questions.
 *
 * Link with `pkg-config --libs vmxkit-sync`. The library keeps no hidden
 * global state apart from what vmx_sync_global_init() sets up; a session is
 * used from one thread at a time. See doc/sync.md for the URI format and the
 * question policy.
 */
#ifndef VMXKIT_SYNC_H
#define VMXKIT_SYNC_H

#include <stdbool.h>
#include <stddef.h>

#include "vmxkit/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Initialise the libraries the sync module uses (curl_global_init). Call
 * once, before any other thread runs, and before vmx_sync_connect().
 * @return 0, or VMX_ENET when the HTTP library cannot be initialised.
 */
VMX_EXTERN int vmx_sync_global_init(void);

/** Undo vmx_sync_global_init() (curl_global_cleanup). */
VMX_EXTERN void vmx_sync_global_cleanup(void);

/** A connection to one ESX host or vCenter, logged in. Opaque. */
typedef struct vmx_sync_session vmx_sync_session;

/**
 * Called with each SOAP request and response when tracing. @p dir is
 * "request" or "response"; @p text is the body with the password replaced by
 * "***", borrowed for the duration of the call.
 */
typedef void (*vmx_sync_trace_cb)(const char *dir, const char *text, size_t len,
                                  void *payload);

#define VMX_SYNC_OPTIONS_VERSION 1

/** Connection options. Start from VMX_SYNC_OPTIONS_INIT. */
typedef struct vmx_sync_options {
    unsigned int version;     /**< VMX_SYNC_OPTIONS_VERSION */
    const char *user;         /**< used when the URI names no user; may be NULL */
    const char *password;     /**< never written to any output; may be NULL */
    long connect_timeout_ms;  /**< per connection attempt; 0 means 10 s */
    long timeout_ms;          /**< whole session, every call and wait; 0: none */
    unsigned int retries;     /**< extra attempts on connection failure only */
    const char *answers_file; /**< question answers (see doc/sync.md), or NULL */
    vmx_sync_trace_cb trace;  /**< SOAP dump callback, or NULL */
    void *trace_payload;      /**< passed to @c trace */
} vmx_sync_options;

#define VMX_SYNC_OPTIONS_INIT                                                            \
    {                                                                                    \
        VMX_SYNC_OPTIONS_VERSION, NULL, NULL, 0, 0, 2, NULL, NULL, NULL                  \
    }

/**
 * Parse @p uri (`esx://`, `vpx://` or `gsx://`, see doc/sync.md), connect,
 * check the certificate (verification, `thumbprint=` pin or `no_verify=1`),
 * retrieve the service content and log in.
 *
 * @param out   receives the session, owned by the caller (vmx_sync_session_free)
 * @param uri   connection URI; its query parameters override nothing in @p opts
 * @param opts  options, or NULL for the defaults (then no password)
 * @param err   error record, may be NULL
 * @return 0; VMX_EINVAL (bad URI or options), VMX_ENET (connection, timeout),
 *         VMX_ETLS (certificate check, the message names the check and shows
 *         the server's SHA-256 thumbprint), VMX_EFAULT (server fault, e.g.
 *         InvalidLogin), VMX_EPARSE (unreadable answer), VMX_ENOMEM, VMX_EIO
 *         (answers file).
 */
VMX_EXTERN int vmx_sync_connect(vmx_sync_session **out, const char *uri,
                                const vmx_sync_options *opts, vmx_error *err);

/** Log out (errors ignored) and release @p s; NULL is accepted. */
VMX_EXTERN void vmx_sync_session_free(vmx_sync_session *s);

/** "VirtualCenter" or "HostAgent", borrowed until the session is freed. */
VMX_EXTERN const char *vmx_sync_api_type(const vmx_sync_session *s);

/** What vmx_sync_push() did, or would do with dry_run. */
typedef enum vmx_sync_action {
    VMX_SYNC_NONE = 0,
    VMX_SYNC_CREATE,   /**< uploaded and registered a new VM */
    VMX_SYNC_UPDATE,   /**< reconfigured an existing VM */
    VMX_SYNC_UNCHANGED /**< the VM already matches the definition */
} vmx_sync_action;

#define VMX_SYNC_PUSH_OPTIONS_VERSION 1

/** Options of vmx_sync_push(). Start from VMX_SYNC_PUSH_OPTIONS_INIT. */
typedef struct vmx_sync_push_options {
    unsigned int version;  /**< VMX_SYNC_PUSH_OPTIONS_VERSION */
    const char *datastore; /**< datastore name; NULL: the first of the host */
    const char *folder;    /**< VM folder below the datacenter's, "a/b"; NULL: top */
    const char *name;      /**< VM name; NULL: displayName of the VMX */
    bool power_on;         /**< power the VM on afterwards */
    bool dry_run;          /**< plan only, change nothing */
} vmx_sync_push_options;

#define VMX_SYNC_PUSH_OPTIONS_INIT                                                       \
    {                                                                                    \
        VMX_SYNC_PUSH_OPTIONS_VERSION, NULL, NULL, NULL, false, false                    \
    }

#define VMX_SYNC_PUSH_RESULT_VERSION 1

/** Outcome of vmx_sync_push(); the caller owns it, vmx_sync_push_result_dispose(). */
typedef struct vmx_sync_push_result {
    unsigned int version;   /**< VMX_SYNC_PUSH_RESULT_VERSION */
    vmx_sync_action action; /**< what was done (or planned) */
    char *name;             /**< VM name */
    char *datastore_path;   /**< "[datastore] directory/file.vmx" */
    char *changed_keys;     /**< UPDATE: the keys that differ, comma-separated */
    bool powered_on;        /**< the VM was powered on */
    bool answered;          /**< a pending question was answered instead of powering on */
    bool reloaded; /**< UPDATE: the merged .vmx was written back and the VM reloaded */
} vmx_sync_push_result;

#define VMX_SYNC_PUSH_RESULT_INIT                                                        \
    {                                                                                    \
        VMX_SYNC_PUSH_RESULT_VERSION, VMX_SYNC_NONE, NULL, NULL, NULL, false, false,     \
            false                                                                        \
    }

/** Free what @p r holds and reset it; NULL is accepted. */
VMX_EXTERN void vmx_sync_push_result_dispose(vmx_sync_push_result *r);

/**
 * Put one VMX definition on the host: upload it to the datastore and
 * register it when no VM of that name or path exists; otherwise reconfigure
 * the VM with only the keys that differ (nothing when none differ). When
 * the differences include keys a host ignores in extraConfig (device keys
 * and keys other ConfigSpec fields own, doc/sync.md), the VM must be powered
 * off: the host's .vmx with the definition's keys applied is written back
 * and the VM reloaded (VMX_EINVAL naming the keys, nothing changed, when it
 * is not powered off; with dry_run too).
 *
 * @param out   filled with what was done; owned by the caller
 * @param vmx   VMX file contents (uploaded as they are for a new VM)
 * @param len   length of @p vmx
 * @param source name of the input for errors, may be NULL
 * @return 0; VMX_EPARSE (bad VMX), VMX_EINVAL, VMX_ENET, VMX_ETLS,
 *         VMX_EFAULT (the message names the step and the fault type, e.g.
 *         "register: AlreadyExists: ..."), VMX_ENOMEM.
 */
VMX_EXTERN int vmx_sync_push(vmx_sync_push_result *out, vmx_sync_session *s,
                             const char *vmx, size_t len, const char *source,
                             const vmx_sync_push_options *opts, vmx_error *err);

/**
 * The virtual hardware version the host gives new VMs by default, as a
 * number (19 for "vmx-19"): the descriptor flagged `defaultConfigOption` in
 * the answer of QueryConfigOptionDescriptor on the EnvironmentBrowser of the
 * URI's host or cluster, or, from hosts that flag none, the version of the
 * default config option (QueryConfigOption). Asked once per session.
 * vmxkit push converts XML and YAML definitions with it.
 * @return 0; VMX_EINVAL (no such host or cluster), VMX_EPARSE (unreadable
 *         version), VMX_EFAULT, VMX_ENET, VMX_ENOMEM.
 */
VMX_EXTERN int vmx_sync_default_hw_version(int *out, vmx_sync_session *s, vmx_error *err);

/** Power operations of vmx_sync_power(). */
typedef enum vmx_sync_power_op {
    VMX_SYNC_POWER_ON = 1,
    VMX_SYNC_POWER_OFF,
    VMX_SYNC_POWER_RESET,
    VMX_SYNC_POWER_SUSPEND
} vmx_sync_power_op;

/**
 * Run a power operation on the VM called @p name and wait for it, applying
 * the question policy (doc/sync.md): a pending question is answered (and the
 * operation not started) when auto-answer is on, reported otherwise; pending
 * tasks are reported and nothing is started.
 *
 * @param answered  set to true when a pending question was answered instead
 *                  of starting the operation; may be NULL
 * @return 0; VMX_EINVAL (no such VM), VMX_EFAULT (task error, question),
 *         VMX_ENET (connection lost, timeout), VMX_ENOMEM.
 */
VMX_EXTERN int vmx_sync_power(vmx_sync_session *s, const char *name, vmx_sync_power_op op,
                              bool *answered, vmx_error *err);

/**
 * Remove the VM called @p name from the inventory, leaving its files.
 * @return 0; VMX_EINVAL (no such VM), VMX_EFAULT, VMX_ENET, VMX_ENOMEM.
 */
VMX_EXTERN int vmx_sync_unregister(vmx_sync_session *s, const char *name, vmx_error *err);

/**
 * Download a datastore file ("[datastore] dir/file") over /folder.
 * @param out  receives a NUL-terminated buffer owned by the caller (vmx_free())
 * @return 0; VMX_EINVAL (bad path), VMX_EIO (HTTP status), VMX_ENET, VMX_ENOMEM.
 */
VMX_EXTERN int vmx_sync_download(char **out, size_t *len, vmx_sync_session *s,
                                 const char *datastore_path, vmx_error *err);

#ifdef __cplusplus
}
#endif
#endif
