// libcurl's declarations (libcurl4-openssl-dev to build), and callers for its variadic functions.
// curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call; these inline functions, compiled by
// Swift's Clang into the Swift object (no C target), call them through the pointer dlsym returned.
#ifndef DOCKER_REGISTRY_CHARM_CCURL_SHIM_H
#define DOCKER_REGISTRY_CHARM_CCURL_SHIM_H

#include <curl/curl.h>

typedef CURLcode (*charm_curl_setopt_function)(CURL *, CURLoption, ...);
typedef CURLcode (*charm_curl_getinfo_function)(CURL *, CURLINFO, ...);
typedef size_t (*charm_curl_data_callback)(char *, size_t, size_t, void *);

static inline CURLcode charm_curl_setopt_long(void *function, CURL *handle, CURLoption option, long value) {
    return ((charm_curl_setopt_function)function)(handle, option, value);
}

static inline CURLcode charm_curl_setopt_pointer(void *function, CURL *handle, CURLoption option, const void *value) {
    return ((charm_curl_setopt_function)function)(handle, option, value);
}

static inline CURLcode charm_curl_setopt_offset(void *function, CURL *handle, CURLoption option, curl_off_t value) {
    return ((charm_curl_setopt_function)function)(handle, option, value);
}

static inline CURLcode charm_curl_setopt_callback(
    void *function, CURL *handle, CURLoption option, charm_curl_data_callback value) {
    return ((charm_curl_setopt_function)function)(handle, option, value);
}

static inline CURLcode charm_curl_getinfo_long(void *function, CURL *handle, CURLINFO info, long *value) {
    return ((charm_curl_getinfo_function)function)(handle, info, value);
}

#endif
