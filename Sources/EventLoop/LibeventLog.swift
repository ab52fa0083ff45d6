import CLibevent
import GatewayLog

/// libevent's own warnings (an epoll change it could not apply, an accept it could not retry) go through
/// `Log`, not straight to stderr as `[warn] …` text: with `LOG_FORMAT=json` every stderr line must be one
/// JSON object, or awslogs and Logs Insights get a record they cannot parse.
enum LibeventLog {
    /// Installed by the first `EventLoop`: the callback is process-wide, and a global's initializer runs once.
    static let installed: Void = event_set_log_callback { severity, message in
        let text = message.map { String(cString: $0) } ?? ""
        switch severity {
        case EVENT_LOG_DEBUG: Log.debug(text, ["source": "libevent"])
        case EVENT_LOG_MSG: Log.info(text, ["source": "libevent"])
        case EVENT_LOG_WARN: Log.warning(text, ["source": "libevent"])
        default: Log.error(text, ["source": "libevent"])
        }
    }
}
