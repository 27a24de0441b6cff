/* HTTP over libcurl: one easy handle per session (keeps the connection and
 * the session cookie), deadlines, bounded retries for connection failures,
 * and the translation of curl's errors into vmx_error. */
#include "config.h"
#include "sync_private.h"

#include <string.h>
#include <time.h>

long long vmx__now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

long long vmx__remaining_ms(const vmx_sync_session *s)
{
    long long left;

    if (!s->deadline_ms)
        return -1;
    left = s->deadline_ms - vmx__now_ms();
    return left > 0 ? left : 0;
}

int vmx__url_escape(vmx_buf *b, const char *s, bool keep_slash)
{
    static const char hex[] = "0123456789ABCDEF";

    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~' || (keep_slash && c == '/'))
            vmx_buf_putc(b, (char)c);
        else {
            vmx_buf_putc(b, '%');
            vmx_buf_putc(b, hex[c >> 4]);
            vmx_buf_putc(b, hex[c & 15]);
        }
    }
    return b->failed ? VMX_ENOMEM : 0;
}

static size_t write_cb(char *data, size_t size, size_t nmemb, void *userp)
{
    vmx_buf *b = userp;
    size_t n = size * nmemb;

    if (b->len + n > VMX__MAX_RESPONSE || vmx_buf_put(b, data, n) < 0)
        return 0; /* makes curl fail with CURLE_WRITE_ERROR */
    return n;
}

int vmx__http_init(vmx_sync_session *s, vmx_error *err)
{
    vmx_buf url = VMX_BUF_INIT;
    bool v6 = strchr(s->uri.host, ':') != NULL;

    s->curl = curl_easy_init();
    if (!s->curl)
        return vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL,
                             "cannot create an HTTP handle");
    vmx_buf_printf(&url, "%s://%s%s%s:%d", s->uri.https ? "https" : "http", v6 ? "[" : "",
                   s->uri.host, v6 ? "]" : "", s->uri.port);
    if (url.failed) {
        vmx_buf_dispose(&url);
        return vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
    }
    s->base_url = vmx_buf_detach(&url, NULL);
    s->tls.pin = s->uri.thumbprint;
    s->tls.no_verify = s->uri.no_verify;

    curl_easy_setopt(s->curl, CURLOPT_ERRORBUFFER, s->curl_error);
    curl_easy_setopt(s->curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(s->curl, CURLOPT_COOKIEFILE, ""); /* in-memory cookie engine */
    curl_easy_setopt(s->curl, CURLOPT_USERAGENT, "vmxkit/" PACKAGE_VERSION);
    curl_easy_setopt(s->curl, CURLOPT_WRITEFUNCTION, write_cb);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(s->curl, CURLOPT_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(s->curl, CURLOPT_PROTOCOLS,
                     (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    curl_easy_setopt(s->curl, CURLOPT_FOLLOWLOCATION, 0L);
    if (s->uri.proxy) {
        curl_easy_setopt(s->curl, CURLOPT_PROXY, s->uri.proxy);
        /* the URI's proxy is used for every host, whatever no_proxy says */
        curl_easy_setopt(s->curl, CURLOPT_NOPROXY, "");
    } else
        curl_easy_setopt(s->curl, CURLOPT_PROXY, ""); /* ignore *_proxy variables */
    if (s->uri.https) {
        if (s->uri.no_verify && !s->uri.thumbprint) {
            curl_easy_setopt(s->curl, CURLOPT_SSL_VERIFYPEER, 0L);
            curl_easy_setopt(s->curl, CURLOPT_SSL_VERIFYHOST, 0L);
        } else {
            curl_easy_setopt(s->curl, CURLOPT_SSL_VERIFYPEER, 1L);
            /* A pin identifies the server by itself. */
            curl_easy_setopt(s->curl, CURLOPT_SSL_VERIFYHOST,
                             s->uri.thumbprint ? 0L : 2L);
        }
        if (s->uri.cafile)
            curl_easy_setopt(s->curl, CURLOPT_CAINFO, s->uri.cafile);
        curl_easy_setopt(s->curl, CURLOPT_SSL_CTX_FUNCTION, vmx__tls_ctx_function);
        curl_easy_setopt(s->curl, CURLOPT_SSL_CTX_DATA, &s->tls);
        /* The callback must see every handshake. */
        curl_easy_setopt(s->curl, CURLOPT_SSL_SESSIONID_CACHE, 0L);
    }
    return 0;
}

void vmx__http_dispose(vmx_sync_session *s)
{
    if (s->curl)
        curl_easy_cleanup(s->curl);
    s->curl = NULL;
    curl_slist_free_all(s->headers);
    s->headers = NULL;
    vmx__free(s->base_url);
    s->base_url = NULL;
}

static bool is_connect_failure(CURLcode c)
{
    return c == CURLE_COULDNT_CONNECT || c == CURLE_COULDNT_RESOLVE_HOST ||
           c == CURLE_COULDNT_RESOLVE_PROXY;
}

/* The proxy as errors show it: without credentials. */
static const char *proxy_shown(const vmx_sync_session *s)
{
    const char *at = strrchr(s->uri.proxy, '@');

    return at ? at + 1 : s->uri.proxy;
}

static int translate(vmx_sync_session *s, CURLcode c, const char *target, vmx_error *err)
{
    const char *detail = s->curl_error[0] ? s->curl_error : curl_easy_strerror(c);

    if (s->tls.failure == VMX__TLS_PIN_MISMATCH)
        return vmx_error_set(
            err, VMX_ETLS, NULL, 0, "thumbprint",
            "certificate thumbprint mismatch: %s:%d presented SHA-256 %s "
            "(SHA-1 %s)",
            s->uri.host, s->uri.port, s->tls.sha256, s->tls.sha1);
    if (s->tls.failure == VMX__TLS_UNTRUSTED)
        return vmx_error_set(err, VMX_ETLS, NULL, 0, NULL,
                             "certificate verification: %s; server thumbprint SHA-256 %s "
                             "(pin it with thumbprint=, or no_verify=1)",
                             s->tls.reason, s->tls.sha256);
    switch (c) {
    case CURLE_PEER_FAILED_VERIFICATION:
        return vmx_error_set(
            err, VMX_ETLS, NULL, 0, NULL,
            "certificate host name check: %s; server thumbprint SHA-256 %s", detail,
            s->tls.sha256[0] ? s->tls.sha256 : "unknown");
    case CURLE_SSL_CONNECT_ERROR:
        /* certificate problems were caught above: this is the connection
         * failing during the handshake */
        return vmx_error_set(err, VMX_ENET, NULL, 0, NULL, "TLS handshake with %s:%d: %s",
                             s->uri.host, s->uri.port, detail);
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
        return vmx_error_set(err, VMX_ETLS, NULL, 0, NULL, "TLS: %s", detail);
    case CURLE_OPERATION_TIMEDOUT:
        return vmx_error_set(err, VMX_ENET, NULL, 0, NULL,
                             "timed out talking to %s:%d (%s)", s->uri.host, s->uri.port,
                             target);
    case CURLE_WRITE_ERROR:
        return vmx_error_set(err, VMX_ELIMIT, NULL, 0, NULL,
                             "answer from %s larger than the limit", s->uri.host);
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
        return vmx_error_set(err, VMX_ENET, NULL, 0, NULL,
                             "connection to %s:%d lost (%s): %s", s->uri.host,
                             s->uri.port, target, detail);
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
        if (s->uri.proxy) {
            long connect_code = 0;

            curl_easy_getinfo(s->curl, CURLINFO_HTTP_CONNECTCODE, &connect_code);
            if (connect_code > 0)
                return vmx_error_set(err, VMX_ENET, NULL, 0, "proxy",
                                     "%s:%d through proxy %s: the proxy answered "
                                     "CONNECT with HTTP status %ld",
                                     s->uri.host, s->uri.port, proxy_shown(s),
                                     connect_code);
            return vmx_error_set(err, VMX_ENET, NULL, 0, "proxy",
                                 "%s:%d through proxy %s: %s", s->uri.host, s->uri.port,
                                 proxy_shown(s), detail);
        }
        /* fall through */
    default:
        return vmx_error_set(err, VMX_ENET, NULL, 0, NULL, "%s:%d: %s", s->uri.host,
                             s->uri.port, detail);
    }
}

int vmx__http_request(vmx_sync_session *s, const char *method, const char *target,
                      const char *content_type, const char *body, size_t len,
                      long *status, vmx_buf *resp, vmx_error *err)
{
    vmx_buf url = VMX_BUF_INIT, ct = VMX_BUF_INIT;
    struct curl_slist *headers = NULL, *h;
    unsigned int attempt;
    long backoff_ms = 200;
    CURLcode c = CURLE_OK;
    int rc = 0;

    *status = 0;
    vmx_buf_printf(&url, "%s%s", s->base_url, target);
    if (content_type)
        vmx_buf_printf(&ct, "Content-Type: %s", content_type);
    if (url.failed || ct.failed) {
        rc = vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
        goto out;
    }
    if (content_type) {
        if (!(h = curl_slist_append(headers, ct.ptr)))
            goto nomem;
        headers = h;
    }
    if (strcmp(method, "POST") == 0) {
        if (!(h = curl_slist_append(headers, "SOAPAction: \"urn:vim25/6.0\"")))
            goto nomem;
        headers = h;
    }
    if (!(h = curl_slist_append(headers, "Expect:")))
        goto nomem;
    headers = h;

    curl_easy_setopt(s->curl, CURLOPT_URL, url.ptr);
    curl_easy_setopt(s->curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(s->curl, CURLOPT_WRITEDATA, resp);
    if (strcmp(method, "GET") == 0) {
        curl_easy_setopt(s->curl, CURLOPT_CUSTOMREQUEST, NULL);
        curl_easy_setopt(s->curl, CURLOPT_HTTPGET, 1L);
    } else {
        curl_easy_setopt(s->curl, CURLOPT_POSTFIELDS, body ? body : "");
        curl_easy_setopt(s->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
        curl_easy_setopt(s->curl, CURLOPT_CUSTOMREQUEST,
                         strcmp(method, "POST") == 0 ? NULL : method);
    }

    for (attempt = 0;; attempt++) {
        long long left = vmx__remaining_ms(s);
        long connect_ms = s->connect_timeout_ms > 0 ? s->connect_timeout_ms : 10000;

        if (left == 0) {
            rc = vmx_error_set(err, VMX_ENET, NULL, 0, NULL,
                               "timed out talking to %s:%d (%s)", s->uri.host,
                               s->uri.port, target);
            goto out;
        }
        if (left > 0 && left < connect_ms)
            connect_ms = (long)left;
        curl_easy_setopt(s->curl, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
        curl_easy_setopt(s->curl, CURLOPT_TIMEOUT_MS, left > 0 ? (long)left : 0L);
        s->curl_error[0] = '\0';
        s->tls.failure = 0;
        vmx_buf_clear(resp);
        c = curl_easy_perform(s->curl);
        if (c == CURLE_OK || !is_connect_failure(c) || attempt >= s->retries)
            break;
        /* Connection failures only: nothing reached the server. */
        if (left > 0 && left <= backoff_ms)
            break;
        {
            struct timespec ts = {backoff_ms / 1000, (backoff_ms % 1000) * 1000000L};

            nanosleep(&ts, NULL);
        }
        backoff_ms *= 2;
    }
    if (c == CURLE_WRITE_ERROR && resp->failed) {
        /* the write callback could not grow the buffer */
        rc = vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
        goto out;
    }
    if (c != CURLE_OK) {
        rc = translate(s, c, target, err);
        goto out;
    }
    if (resp->failed) {
        rc = vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
        goto out;
    }
    curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, status);
    goto out;
nomem:
    rc = vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
out:
    if (s->curl)
        curl_easy_setopt(s->curl, CURLOPT_HTTPHEADER, NULL);
    curl_slist_free_all(headers);
    vmx_buf_dispose(&url);
    vmx_buf_dispose(&ct);
    return rc;
}
