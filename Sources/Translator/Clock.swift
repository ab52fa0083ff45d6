import EventLoop
import FoundationEssentials

extension GatewayClock {
    /// The wall reading as a `Date`, for SigV4 signing and bearer-token dates.
    var date: Date { Date(timeIntervalSince1970: wall()) }
}
