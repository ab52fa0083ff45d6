#ifndef GATEWAY_CCURL_SHIM_H
#define GATEWAY_CCURL_SHIM_H
// sys/select.h first: two Clang modules that both pull it in otherwise disagree on fd_set.
#include <sys/select.h>
#include <curl/curl.h>
#include <dlfcn.h>
#include <stdint.h>

// Before curl_global_init: tells the OpenSSL that libcurl loaded (if it is OpenSSL 3) never to load its
// error-string tables. curl_global_init loads libcrypto's (library names and libcrypto's reasons; the SSL
// reasons it leaves out anyway, so curl's TLS errors already read "SSL routines::reason(134)"): ~570 KiB
// of the translator's idle RSS, only ever read to spell out a TLS failure. Without them OpenSSL names a
// failure by code (`openssl errstr CODE` spells it); curl's certificate messages come from
// X509_verify_cert_error_string and stay in words. Looked up, not linked: the translator does not link
// libssl itself, and a libcurl on another TLS library makes this a no-op. Returns 1 when OpenSSL took it.
static inline int gw_openssl_skip_error_strings(void) {
    void *ssl = dlopen("libssl.so.3", RTLD_NOW | RTLD_NOLOAD);
    if (ssl == NULL) return 0;
    int (*init)(uint64_t, const void *) = (int (*)(uint64_t, const void *))dlsym(ssl, "OPENSSL_init_ssl");
    // OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS | OPENSSL_INIT_NO_LOAD_SSL_STRINGS (openssl/crypto.h, ssl.h)
    int done = init != NULL && init(0x00000001L | 0x00100000L, NULL) == 1;
    dlclose(ssl);
    return done;
}

// curl_easy_setopt is variadic (Swift cannot call it); typed wrappers let the compiler check each value.
static inline CURLcode gw_curl_easy_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
// Variadic setopt, for string options (curl copies them) and pointers curl keeps (POSTFIELDS, PRIVATE, ...).
static inline CURLcode gw_curl_easy_setopt_ptr(CURL *h, CURLoption o, const void *v) { return curl_easy_setopt(h, o, v); }
// Variadic setopt, for curl_off_t sizes such as CURLOPT_POSTFIELDSIZE_LARGE.
static inline CURLcode gw_curl_easy_setopt_off_t(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
// Variadic setopt, for CURLOPT_HTTPHEADER's list.
static inline CURLcode gw_curl_easy_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
// Variadic setopt, for CURLOPT_WRITEFUNCTION / CURLOPT_HEADERFUNCTION (same signature).
static inline CURLcode gw_curl_easy_setopt_writefunction(CURL *h, CURLoption o, curl_write_callback v) { return curl_easy_setopt(h, o, v); }
// Variadic setopt, for CURLOPT_CLOSESOCKETFUNCTION.
static inline CURLcode gw_curl_easy_setopt_closesocketfunction(CURL *h, curl_closesocket_callback v) { return curl_easy_setopt(h, CURLOPT_CLOSESOCKETFUNCTION, v); }
// Variadic setopt, for CURLOPT_SOCKOPTFUNCTION.
static inline CURLcode gw_curl_easy_setopt_sockoptfunction(CURL *h, curl_sockopt_callback v) { return curl_easy_setopt(h, CURLOPT_SOCKOPTFUNCTION, v); }

// curl_easy_getinfo is variadic; one wrapper per result type.
static inline CURLcode gw_curl_easy_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
// Variadic getinfo, for CURLINFO_PRIVATE (documented as char **).
static inline CURLcode gw_curl_easy_getinfo_private(CURL *h, void **v) { return curl_easy_getinfo(h, CURLINFO_PRIVATE, (char **)v); }

// curl_multi_setopt is variadic; typed wrappers for the hiperfifo options.
static inline CURLMcode gw_curl_multi_setopt_ptr(CURLM *m, CURLMoption o, void *v) { return curl_multi_setopt(m, o, v); }
static inline CURLMcode gw_curl_multi_setopt_long(CURLM *m, CURLMoption o, long v) { return curl_multi_setopt(m, o, v); }
// Variadic multi setopt, for CURLMOPT_SOCKETFUNCTION.
static inline CURLMcode gw_curl_multi_setopt_socketfunction(CURLM *m, curl_socket_callback v) { return curl_multi_setopt(m, CURLMOPT_SOCKETFUNCTION, v); }
// Variadic multi setopt, for CURLMOPT_TIMERFUNCTION.
static inline CURLMcode gw_curl_multi_setopt_timerfunction(CURLM *m, curl_multi_timer_callback v) { return curl_multi_setopt(m, CURLMOPT_TIMERFUNCTION, v); }

#endif
