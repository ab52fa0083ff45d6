// swift-tools-version:6.0
import PackageDescription

// Dependencies point one way: executables -> I/O modules (EventLoop, CurlMulti) -> C modules;
// pure modules depend only on each other and swift-crypto, so every codec is testable without a socket.
let package = Package(
    name: "sagemaker-openai-gateway",
    products: [
        .executable(name: "httpshim", targets: ["HTTPShim"]),
        .executable(name: "translator", targets: ["Translator"]),
        .executable(name: "sagemaker-emulator", targets: ["SageMakerEmulator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2")
    ],
    targets: [
        .systemLibrary(name: "CLibevent", pkgConfig: "libevent", providers: [.apt(["libevent-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),

        .target(name: "GatewayLog"),
        .target(name: "GatewayMetrics"),
        // Eight-bytes-at-a-time byte tests, shared by the header checks, the JSON codecs and SigV4.
        .target(name: "WordScan"),
        .target(name: "GatewayWire", dependencies: ["GatewayMetrics", "WordScan"]),
        .target(name: "OpenAIWire", dependencies: ["GatewayWire"]),
        .target(name: "AnthropicWire", dependencies: ["GatewayWire", "OpenAIWire"]),
        .target(name: "ResponsesWire", dependencies: ["GatewayWire", "OpenAIWire"]),
        .target(name: "AWSSigV4", dependencies: ["WordScan", .product(name: "Crypto", package: "swift-crypto")]),
        // CRC-32 by carry-less multiplication (x86-64), for the event-stream checksums; no system dependency.
        .target(name: "CCRC32"),
        .target(name: "AWSEventStream", dependencies: ["CCRC32"]),
        .target(name: "ModelFormats", dependencies: ["GatewayWire"]),
        .target(
            name: "TranslatorCore",
            dependencies: [
                "GatewayWire", "AWSSigV4", "AWSEventStream", "ModelFormats",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),

        .target(name: "ShimCore", dependencies: ["GatewayWire", "ResponsesWire"]),

        .target(name: "EventLoop", dependencies: ["CLibevent", "GatewayLog", "WordScan"]),
        .target(name: "CurlMulti", dependencies: ["CCurl", "EventLoop", "GatewayLog"]),

        .executableTarget(
            name: "HTTPShim",
            dependencies: [
                "EventLoop", "GatewayWire", "OpenAIWire", "AnthropicWire", "ResponsesWire", "ShimCore", "GatewayLog",
                "GatewayMetrics",
            ]
        ),
        .executableTarget(
            name: "Translator",
            dependencies: ["EventLoop", "CurlMulti", "GatewayWire", "TranslatorCore", "GatewayLog", "GatewayMetrics"]
        ),
        .executableTarget(
            name: "SageMakerEmulator",
            dependencies: ["EventLoop", "CurlMulti", "GatewayWire", "AWSSigV4", "AWSEventStream", "GatewayLog"]
        ),

        // The tests' shared helpers (a seeded generator); a library, not a test bundle of its own.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "WordScanTests", dependencies: ["WordScan", "TestSupport"]),
        .testTarget(name: "GatewayWireTests", dependencies: ["GatewayWire", "GatewayMetrics", "TestSupport"]),
        .testTarget(name: "GatewayMetricsTests", dependencies: ["GatewayMetrics"]),
        .testTarget(name: "GatewayLogTests", dependencies: ["GatewayLog"]),
        .testTarget(name: "OpenAIWireTests", dependencies: ["OpenAIWire", "GatewayWire"]),
        .testTarget(name: "AnthropicWireTests", dependencies: ["AnthropicWire", "GatewayWire"]),
        .testTarget(name: "ResponsesWireTests", dependencies: ["ResponsesWire", "OpenAIWire", "GatewayWire"]),
        .testTarget(
            name: "AWSSigV4Tests", dependencies: ["AWSSigV4", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .testTarget(name: "AWSEventStreamTests", dependencies: ["AWSEventStream", "TestSupport"]),
        .testTarget(name: "ModelFormatsTests", dependencies: ["ModelFormats", "GatewayWire", "TestSupport"]),
        .testTarget(
            name: "TranslatorCoreTests",
            dependencies: ["TranslatorCore", "GatewayWire", "AWSSigV4", "AWSEventStream", "ModelFormats"]),
        .testTarget(name: "ShimCoreTests", dependencies: ["ShimCore", "GatewayWire", "ResponsesWire"]),
        .testTarget(name: "EventLoopTests", dependencies: ["EventLoop", "GatewayLog"]),
        .testTarget(name: "CurlMultiTests", dependencies: ["CurlMulti", "EventLoop"]),
    ],
    swiftLanguageModes: [.v5]
)

// libFuzzer entry points, one executable per decoder or validator, built only by `make fuzz`
// (scripts/fuzz.sh sets GATEWAY_FUZZ and builds with -sanitize=fuzzer,address). They belong to this
// package because they call `package` symbols, which no other package can see; declaring them only
// under the variable keeps `swift build` and `swift test` exactly as they are without it.
if Context.environment["GATEWAY_FUZZ"] != nil {
    let fuzzTargets: [(name: String, dependencies: [Target.Dependency])] = [
        ("FuzzJSONParser", ["GatewayWire"]),
        ("FuzzOpenAIRequests", ["OpenAIWire", "GatewayWire"]),
        ("FuzzAnthropicRequest", ["AnthropicWire"]),
        ("FuzzResponsesRequest", ["ResponsesWire"]),
        ("FuzzFrameDecoder", ["GatewayWire"]),
        ("FuzzEventStreamDecoder", ["AWSEventStream"]),
        ("FuzzOpenAIStreamParser", ["ModelFormats"]),
        ("FuzzTGIStreamParser", ["ModelFormats"]),
        ("FuzzHTTPRequestRules", ["EventLoop"]),
    ]
    package.targets += [
        .target(name: "CFuzzerDriver", path: "Fuzz/Sources/CFuzzerDriver"),
        .target(name: "FuzzSupport", dependencies: ["CFuzzerDriver"], path: "Fuzz/Sources/FuzzSupport"),
    ]
    for target in fuzzTargets {
        package.targets.append(
            .executableTarget(
                name: target.name, dependencies: target.dependencies + ["FuzzSupport"],
                path: "Fuzz/Sources/\(target.name)"))
    }
}
