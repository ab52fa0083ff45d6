import Foundation
import XCTest

@testable import EventLoop

final class PercentDecodingTests: XCTestCase {
    func testPlainTextIsUnchanged() {
        XCTAssertEqual(PercentDecoding.decode("llama-3-8b"), "llama-3-8b")
        XCTAssertEqual(PercentDecoding.decode(""), "")
    }

    func testEscapesOfEitherCaseDecode() {
        XCTAssertEqual(PercentDecoding.decode("org%2Fmodel"), "org/model")
        XCTAssertEqual(PercentDecoding.decode("org%2fmodel"), "org/model")
        XCTAssertEqual(PercentDecoding.decode("a%20b%25c"), "a b%c")
    }

    func testMultiByteUTF8Decodes() {
        XCTAssertEqual(PercentDecoding.decode("caf%C3%A9"), "café")
        XCTAssertEqual(PercentDecoding.decode("%F0%9F%98%80"), "😀")
    }

    func testPlusIsNotASpace() {
        XCTAssertEqual(PercentDecoding.decode("a+b"), "a+b")
    }

    func testMalformedEscapesAreRefused() {
        XCTAssertNil(PercentDecoding.decode("%"))
        XCTAssertNil(PercentDecoding.decode("abc%2"))
        XCTAssertNil(PercentDecoding.decode("%zz"))
        // `UInt8("+f", radix: 16)` is 15: a sign must not pass for a hex digit.
        XCTAssertNil(PercentDecoding.decode("%+f"))
        XCTAssertNil(PercentDecoding.decode("%-1"))
    }

    func testInvalidUTF8IsRefused() {
        XCTAssertNil(PercentDecoding.decode("%FF"))
        XCTAssertNil(PercentDecoding.decode("%C3"))
    }

    func testAgreesWithFoundationOnWellFormedInput() {
        for sample in ["model%2Dname", "%41%42%43", "x%E2%82%ACy", "100%25"] {
            XCTAssertEqual(PercentDecoding.decode(sample), sample.removingPercentEncoding, sample)
        }
    }
}
