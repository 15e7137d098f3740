// The system's OpenSSL 3 libcrypto (libssl-dev to build; libcrypto.so.3 at run time).
// Only functions present in OpenSSL 3.0.0 may be used: Ubuntu 22.04 ships 3.0.2 (scripts/check-binary.sh checks
// that every OpenSSL symbol the binary needs is versioned OPENSSL_3.0.0).
#ifndef DOCKER_REGISTRY_CHARM_COPENSSL_SHIM_H
#define DOCKER_REGISTRY_CHARM_COPENSSL_SHIM_H

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

// STACK_OF(X509) is a family of macros Swift cannot call; these are the two the charm needs.
static inline STACK_OF(X509) *charm_sk_X509_new_null(void) { return sk_X509_new_null(); }
static inline int charm_sk_X509_push(STACK_OF(X509) *stack, X509 *certificate) {
    return sk_X509_push(stack, certificate);
}
static inline void charm_sk_X509_free(STACK_OF(X509) *stack) { sk_X509_free(stack); }

#endif
