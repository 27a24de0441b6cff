/* Internals of libvmxkit-sync, shared by the files of lib/sync/ and the unit tests.
 * Only this directory includes curl, OpenSSL and libxml2 headers. */
#ifndef VMX_SYNC_PRIVATE_H
#define VMX_SYNC_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include <curl/curl.h>
#include <libxml/tree.h>

#include "buf.h"
#include "util.h"
#include "vmxkit/sync.h"

#define VMX__VIM_NS "urn:vim25"
#define VMX__XSI_NS "http://www.w3.org/2001/XMLSchema-instance"
#define VMX__SOAP_NS "http://schemas.xmlsoap.org/soap/envelope/"

/* Caps on what a server may send. */
#define VMX__MAX_RESPONSE ((size_t)64 * 1024 * 1024)
#define VMX__MAX_VMX ((size_t)4 * 1024 * 1024)

/* A managed object reference. */
typedef struct vmx__moref {
    char type[64];
    char value[128];
} vmx__moref;

/* A SOAP fault, as translated at the SOAP boundary. */
typedef struct vmx__fault {
    char type[64];     /* "NotAuthenticated", "InvalidPowerState", ... */
    char message[256]; /* faultstring */
} vmx__fault;

/* One --answers entry: message id -> choice (key, label or summary). */
typedef struct vmx__answer {
    char *message_id;
    char *choice;
} vmx__answer;

/* A parsed connection URI. */
typedef struct vmx__uri {
    char *scheme; /* "esx", "vpx", "gsx" */
    char *user;   /* may be NULL */
    char *host;
    int port;
    char *path; /* vpx: "dc/cluster/host" without slashes at the ends, may be "" */
    bool https;
    bool no_verify;
    bool auto_answer;
    char *proxy;      /* curl proxy string, or NULL */
    char *thumbprint; /* upper-case hex without separators, 40 or 64 digits */
    char *cafile;
} vmx__uri;

/* What the TLS callback saw, so that errors can name the failed check. */
typedef struct vmx__tls_state {
    const char *pin; /* borrowed from the URI, or NULL */
    bool no_verify;
    int failure;      /* 0, VMX__TLS_PIN_MISMATCH, VMX__TLS_UNTRUSTED */
    char reason[160]; /* OpenSSL's verification error */
    char sha1[64];    /* server leaf thumbprints, "AA:BB:..." */
    char sha256[100];
} vmx__tls_state;

enum { VMX__TLS_PIN_MISMATCH = 1, VMX__TLS_UNTRUSTED = 2 };

struct vmx_sync_session {
    vmx__uri uri;
    char *user;
    char *password;
    long connect_timeout_ms;
    long timeout_ms;
    long long deadline_ms; /* monotonic, 0: none */
    unsigned int retries;
    vmx_sync_trace_cb trace;
    void *trace_payload;
    vmx__answer *answers;
    size_t nanswers;

    CURL *curl;
    struct curl_slist *headers;
    char curl_error[CURL_ERROR_SIZE];
    vmx__tls_state tls;
    char *base_url; /* "https://host:port" */

    /* service content */
    vmx__moref root_folder, property_collector, session_manager, search_index,
        file_manager, view_manager;
    char api_type[32];
    char api_version[16];
    bool logged_in;
    vmx__fault last_fault;
    struct vmx__placement *placement; /* resolved once, on first use */
    int default_hw_version;           /* 0 until asked for */
};

/* --- sync_uri.c */
VMX_INTERNAL int vmx__uri_parse(vmx__uri *out, const char *uri, vmx_error *err);
VMX_INTERNAL void vmx__uri_dispose(vmx__uri *u);
/* Normalise a SHA-1 or SHA-256 thumbprint ("aa:bb..." or "AABB...") to
 * upper-case hex without separators. */
VMX_INTERNAL int vmx__thumbprint_normalize(char **out, const char *in, vmx_error *err);

/* --- sync_http.c (curl) */
VMX_INTERNAL int vmx__http_init(vmx_sync_session *s, vmx_error *err);
VMX_INTERNAL void vmx__http_dispose(vmx_sync_session *s);
/* One HTTP exchange. @method "GET", "PUT" or "POST"; @target starts with
 * '/'. The response body goes to @resp (capped), the status to @status. */
VMX_INTERNAL int vmx__http_request(vmx_sync_session *s, const char *method,
                                   const char *target, const char *content_type,
                                   const char *body, size_t len, long *status,
                                   vmx_buf *resp, vmx_error *err);
VMX_INTERNAL long long vmx__now_ms(void);
/* Milliseconds left before the session deadline; -1 when there is none. */
VMX_INTERNAL long long vmx__remaining_ms(const vmx_sync_session *s);
/* Percent-encode @s for a URL path segment (keep_slash: '/' stays) or a
 * query value. */
VMX_INTERNAL int vmx__url_escape(vmx_buf *b, const char *s, bool keep_slash);

/* --- sync_tls.c (OpenSSL) */
VMX_INTERNAL CURLcode vmx__tls_ctx_function(CURL *curl, void *sslctx, void *parm);

/* --- sync_soap.c (libxml2) */
/* Build a request envelope for @method on @this with @args (raw XML). */
VMX_INTERNAL int vmx__soap_envelope(vmx_buf *b, const char *method,
                                    const vmx__moref *this_ref, const char *args);
/* Parse a response. On success *doc owns the tree and *resp is the body's
 * first element; a SOAP fault gives VMX_EFAULT with @fault filled. */
VMX_INTERNAL int vmx__soap_parse(xmlDoc **doc, xmlNode **resp, vmx__fault *fault,
                                 const char *buf, size_t len, vmx_error *err);
/* Replace the text of every <password> element, and the session key of a
 * LoginResponse, with *** (for traces). */
VMX_INTERNAL int vmx__soap_redact(vmx_buf *out, const char *buf, size_t len);
/* Call @method, re-logging in once on NotAuthenticated. */
VMX_INTERNAL int vmx__soap_call(vmx_sync_session *s, const char *method,
                                const vmx__moref *this_ref, const char *args,
                                xmlDoc **doc, xmlNode **resp, vmx_error *err);

/* XML helpers (namespaces resolved, never matched by prefix). */
VMX_INTERNAL xmlNode *vmx__xml_child(const xmlNode *n, const char *name);
VMX_INTERNAL xmlNode *vmx__xml_next(const xmlNode *n, const char *name);
/* Text of @n (borrowed from the tree; "" when empty). */
VMX_INTERNAL const char *vmx__xml_text(const xmlNode *n);
/* The xsi:type of @n without its prefix, or NULL. */
VMX_INTERNAL const char *vmx__xml_xsi_type(const xmlNode *n);
VMX_INTERNAL int vmx__xml_moref(vmx__moref *out, const xmlNode *n);
/* Append @s XML-escaped. */
VMX_INTERNAL int vmx__xml_put(vmx_buf *b, const char *s);

/* --- sync_props.c: RetrievePropertiesEx helpers */
/* Retrieve @props of one object. *objects is the <objects> element. */
VMX_INTERNAL int vmx__props_get(vmx_sync_session *s, const vmx__moref *obj,
                                const char *const *props, xmlDoc **doc, xmlNode **objects,
                                vmx_error *err);
/* The <val> of property @name in an <objects> element, or NULL. */
VMX_INTERNAL xmlNode *vmx__props_val(const xmlNode *objects, const char *name);
/* A missingSet NotAuthenticated in a RetrievePropertiesEx answer. */
VMX_INTERNAL bool vmx__props_not_authenticated(const xmlNode *resp);
/* Find an object by inventory path ("DC0/vm/folder"): 0 and found=false
 * when absent. */
VMX_INTERNAL int vmx__find_by_path(vmx__moref *out, bool *found, vmx_sync_session *s,
                                   const char *path, vmx_error *err);

/* --- sync_session.c */
VMX_INTERNAL int vmx__session_login(vmx_sync_session *s, vmx_error *err);

/* --- sync_inventory.c: where VMs go */
struct vmx__placement {
    char *dc_path; /* inventory path of the datacenter */
    vmx__moref datacenter, vm_folder, pool, host;
    vmx__moref compute; /* the host's (or the cluster's) compute resource */
    bool have_host;
};
typedef struct vmx__placement vmx__placement;
/* The placement the URI names, resolved on first use and kept in @s. */
VMX_INTERNAL int vmx__placement_get(const vmx__placement **out, vmx_sync_session *s,
                                    vmx_error *err);
VMX_INTERNAL void vmx__placement_free(vmx__placement *p);
/* Find a VM of the datacenter by name; VMX_EINVAL naming it when absent. */
VMX_INTERNAL int vmx__vm_lookup(vmx__moref *out, vmx_sync_session *s, const char *name,
                                vmx_error *err);
/* Power operation on @vm with the question policy (sync_power.c). */
VMX_INTERNAL int vmx__power(vmx_sync_session *s, const vmx__moref *vm, const char *name,
                            vmx_sync_power_op op, bool *answered, vmx_error *err);
/* Find a VM of the datacenter by name or by datastore path (either NULL). */
VMX_INTERNAL int vmx__vm_find(vmx__moref *out, bool *found, char **vmx_path,
                              vmx_sync_session *s, const vmx__placement *pl,
                              const char *name, const char *path, vmx_error *err);

/* --- sync_task.c */
/* Before a task on @vm: 1 when a pending question was answered (do not start
 * the task), 0 to go on, < 0 on error (question not answerable, tasks
 * pending). */
VMX_INTERNAL int vmx__task_precheck(vmx_sync_session *s, const vmx__moref *vm,
                                    const char *vm_name, vmx_error *err);
/* Wait for @task (started on @vm, which may be NULL) applying the question
 * policy. @what names the step in errors. */
VMX_INTERNAL int vmx__task_wait(vmx_sync_session *s, const vmx__moref *task,
                                const vmx__moref *vm, const char *vm_name,
                                const char *what, vmx_error *err);
VMX_INTERNAL int vmx__answers_parse(vmx_sync_session *s, const char *buf, size_t len,
                                    const char *source, vmx_error *err);
/* Choose the answer to a <question> (VirtualMachineQuestionInfo): the key of
 * the choice, or an error that quotes the question. */
VMX_INTERNAL int vmx__question_choose(char **choice, char **question_id,
                                      const vmx_sync_session *s, const xmlNode *question,
                                      const char *vm_name, vmx_error *err);

/* --- sync_vmx.c: the few VMX reading needs of the sync module */
typedef struct vmx__kv {
    char *key;
    char *value;
} vmx__kv;
typedef struct vmx__kvlist {
    vmx__kv *items;
    size_t n, cap;
    /* open-addressing index over the keys (ASCII case ignored): item
     * number + 1, 0 for a free slot; nslots is a power of two */
    size_t *slots;
    size_t nslots;
} vmx__kvlist;
VMX_INTERNAL int vmx__kv_parse(vmx__kvlist *out, const char *buf, size_t len,
                               const char *source, vmx_error *err);
VMX_INTERNAL const char *vmx__kv_get(const vmx__kvlist *l, const char *key);
VMX_INTERNAL void vmx__kv_dispose(vmx__kvlist *l);
/* Whether a host takes @key only from the .vmx file: a device key
 * (ethernetN.*, scsiN*, ideN:N.*, sataN*, nvmeN*, floppyN.*, serialN.*,
 * parallelN.*, pciBridgeN.*, vmciN.*, hpetN.*, usb*, ehci*, sound.*, svga.*,
 * virtualHW.*) or a key another VirtualMachineConfigSpec field owns
 * (doc/sync.md); extraConfig entries for these are ignored. */
VMX_INTERNAL bool vmx__kv_needs_reload(const char *key);
/* Append to @out the VMX @host with the keys of @want applied: the values of
 * the keys it sets are replaced (the host's spelling of the key, its other
 * lines byte for byte), the keys it lacks appended in @want's order; keys
 * for which @skip (may be NULL) is true are left as the host has them. */
VMX_INTERNAL int vmx__kv_merge(vmx_buf *out, const char *host, size_t len,
                               const vmx__kvlist *want, bool (*skip)(const char *key),
                               vmx_error *err);

#endif
