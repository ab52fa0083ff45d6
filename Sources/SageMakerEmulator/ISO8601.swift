import AWSSigV4
import FoundationEssentials

extension Date {
    /// `2024-05-01T12:00:00Z`, as the ECS credentials endpoint writes `Expiration`.
    var iso8601: String {
        let basic = Array(AMZDate(self).amzDate)
        func s(_ r: Range<Int>) -> String { String(basic[r]) }
        return "\(s(0..<4))-\(s(4..<6))-\(s(6..<8))T\(s(9..<11)):\(s(11..<13)):\(s(13..<15))Z"
    }
}
