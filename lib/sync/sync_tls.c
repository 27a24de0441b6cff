/* Certificate checks on OpenSSL, installed through CURLOPT_SSL_CTX_FUNCTION:
 * the chain is verified as usual, the leaf's SHA-1 and SHA-256 thumbprints
 * are recorded for error messages, and a thumbprint pin is checked against
 * the leaf certificate even when the chain is not trusted. */
#include "config.h"
#include "sync_private.h"

#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

/* "AA:BB:..." and "AABB..." forms of the digest of @cert. */
static void digest_hex(char *colon, size_t colon_size, char *plain, size_t plain_size,
                       X509 *cert, const EVP_MD *md)
{
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int n = 0, i;
    size_t c = 0, p = 0;

    colon[0] = '\0';
    if (plain)
        plain[0] = '\0';
    if (X509_digest(cert, md, d, &n) != 1)
        return;
    for (i = 0; i < n; i++) {
        if (c + 4 <= colon_size)
            c += (size_t)snprintf(colon + c, colon_size - c, i ? ":%02X" : "%02X", d[i]);
        if (plain && p + 3 <= plain_size)
            p += (size_t)snprintf(plain + p, plain_size - p, "%02X", d[i]);
    }
}

static int verify_cb(X509_STORE_CTX *store, void *arg)
{
    vmx__tls_state *st = arg;
    X509 *leaf = X509_STORE_CTX_get0_cert(store);
    char sha1_plain[48], sha256_plain[72];
    int ok;

    if (!leaf)
        return 0;
    digest_hex(st->sha1, sizeof(st->sha1), sha1_plain, sizeof(sha1_plain), leaf,
               EVP_sha1());
    digest_hex(st->sha256, sizeof(st->sha256), sha256_plain, sizeof(sha256_plain), leaf,
               EVP_sha256());
    ok = X509_verify_cert(store) == 1;
    if (st->pin) {
        const char *seen = strlen(st->pin) == 40 ? sha1_plain : sha256_plain;

        if (strcmp(seen, st->pin) != 0) {
            st->failure = VMX__TLS_PIN_MISMATCH;
            X509_STORE_CTX_set_error(store, X509_V_ERR_APPLICATION_VERIFICATION);
            return 0;
        }
        /* The pin decides: an untrusted chain is fine. */
        X509_STORE_CTX_set_error(store, X509_V_OK);
        return 1;
    }
    if (!ok && !st->no_verify) {
        st->failure = VMX__TLS_UNTRUSTED;
        snprintf(st->reason, sizeof(st->reason), "%s",
                 X509_verify_cert_error_string(X509_STORE_CTX_get_error(store)));
        return 0;
    }
    if (!ok)
        X509_STORE_CTX_set_error(store, X509_V_OK);
    return 1;
}

CURLcode vmx__tls_ctx_function(CURL *curl, void *sslctx, void *parm)
{
    (void)curl;
    SSL_CTX_set_cert_verify_callback((SSL_CTX *)sslctx, verify_cb, parm);
    return CURLE_OK;
}
