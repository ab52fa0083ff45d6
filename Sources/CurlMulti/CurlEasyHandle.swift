import CCurl

/// The one owner of a `CURL*`, freed in `deinit`. A `CurlMulti` lends it to one transfer at a time and takes it
/// back reset (`curl_easy_reset`) when the transfer leaves the multi: creating and freeing a handle per request
/// cost more than the rest of setting one up (curl documents reusing easy handles as the way to avoid that).
final class CurlEasyHandle {
    let pointer: UnsafeMutableRawPointer

    init() {
        // Only malloc failing makes curl_easy_init return NULL; like Swift's own allocations, that traps.
        guard let pointer = curl_easy_init() else { fatalError("curl_easy_init: out of memory") }
        self.pointer = pointer
    }

    deinit {
        curl_easy_cleanup(pointer)
    }

    /// Forgets every option, above all the pointers into the transfer that used the handle last (private
    /// pointer, callback data, header list, body, error buffer), so none outlives that transfer; the
    /// connection it used stays in the multi's cache.
    func reset() {
        curl_easy_reset(pointer)
    }
}
