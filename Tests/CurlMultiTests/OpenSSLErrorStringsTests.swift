import CurlMulti
import EventLoop
import Glibc
import Testing

/// curl's set-up tells OpenSSL not to load its error-string tables (idle memory); the set-up still has to
/// leave curl working, which every transfer test shows.
@Suite("OpenSSL error strings")
struct OpenSSLErrorStringsTests {
    @Test func curlSetUpLeavesOpenSSLsErrorStringsUnloaded() throws {
        let loop = try EventLoop()
        _ = try CurlMulti(loop: loop)  // runs the process-wide set-up once
        // The libssl that libcurl loaded; on a libcurl built on another TLS library there is nothing to check.
        guard let ssl = dlopen("libssl.so.3", RTLD_NOW | RTLD_NOLOAD) else { return }
        defer { dlclose(ssl) }
        let symbol = try #require(dlsym(ssl, "ERR_lib_error_string"))
        let libraryName = unsafeBitCast(symbol, to: (@convention(c) (UInt) -> UnsafePointer<CChar>?).self)
        // An SSL error code (ERR_PACK(ERR_LIB_SSL = 20, 0, 134)): its library is "SSL routines" once the tables
        // that curl_global_init loads by default are in.
        #expect(libraryName(UInt(20 << 23 | 134)) == nil)
    }
}
