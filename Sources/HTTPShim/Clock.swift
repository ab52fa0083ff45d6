import EventLoop

extension Shim {
    /// Seconds since the epoch, for OpenAI's `created` fields.
    func unixTime() -> Int { Int(clock.wall()) }
}
