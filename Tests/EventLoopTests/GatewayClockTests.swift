import EventLoop
import Foundation
import Testing

@Suite("GatewayClock")
struct GatewayClockTests {
    @Test func theSystemClocksReadWhatTheyClaim() {
        let clock = GatewayClock.system
        let first = clock.monotonic()
        let second = clock.monotonic()
        #expect(second >= first)
        #expect(abs(clock.wall() - Date().timeIntervalSince1970) < 5)
    }

    @Test func aClockCanBeMadeUpForTests() {
        let clock = GatewayClock(monotonic: { 42 }, wall: { 1_700_000_000 })
        #expect(clock.monotonic() == 42)
        #expect(clock.wall() == 1_700_000_000)
    }
}
