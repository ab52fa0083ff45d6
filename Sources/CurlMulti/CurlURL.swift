import CCurl

/// A URL parsed once by curl's URL API (`CURLU*`), with curl's own rendering of it; the one owner of both, freed in
/// `deinit`. `CurlMulti` keeps one per URL its transfers use and hands it to each with `CURLOPT_CURLU`
/// (https://curl.se/libcurl/c/CURLOPT_CURLU.html): a transfer given only `CURLOPT_URL` has curl parse the string
/// and print it back (`curl_url_set`, `curl_url_get(CURLUPART_URL)`, its printf byte by byte), about a twelfth of
/// what a SageMaker call costs the translator, for the same few URLs on every call.
///
/// Curl reads the handle, never changes it, and copies it (`curl_url_dup`) for each connection attempt, so any
/// number of transfers may share one; each transfer keeps a reference while it holds an easy handle.
final class CurlURL {
    let handle: OpaquePointer
    /// `handle` as curl renders it, which is what curl itself would take the URL string for: a transfer passes it as
    /// `CURLOPT_URL` too, so curl's idea of the URL (`data->state.url`: errors, retries) is the one it would have
    /// derived from the string, without deriving it again.
    let normalized: UnsafeMutablePointer<CChar>

    /// Parses `url` with the flags curl's own transfer setup parses a `CURLOPT_URL` with (guess a missing scheme,
    /// accept one it does not support; `url.c`'s `parseurlandfillconn`), so a transfer sees the same parts either
    /// way. Nil when curl rejects it: the transfer then passes the string alone and curl reports the error as before.
    init?(_ url: String) {
        guard let handle = curl_url() else { return nil }
        let flags = UInt32(CURLU_GUESS_SCHEME | CURLU_NON_SUPPORT_SCHEME)
        var rendered: UnsafeMutablePointer<CChar>?
        guard curl_url_set(handle, CURLUPART_URL, url, flags) == CURLUE_OK,
            curl_url_get(handle, CURLUPART_URL, &rendered, 0) == CURLUE_OK, let rendered
        else {
            curl_url_cleanup(handle)
            return nil
        }
        self.handle = handle
        normalized = rendered
    }

    deinit {
        curl_free(normalized)
        curl_url_cleanup(handle)
    }
}
