import Foundation

/// Runs ``ReferenceScript`` under the system `python3`.
enum PythonReference {
    enum Outcome {
        case output(String)
        /// python3 or botocore is not installed; the caller prints this and skips.
        case skipped(String)
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func run(_ mode: String, input: [UInt8] = []) throws -> Outcome {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/env") else {
            return .skipped("/usr/bin/env not found, cannot look for python3")
        }
        // If python exits before reading its stdin, writing to it must fail with EPIPE, not kill the test runner.
        signal(SIGPIPE, SIG_IGN)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", ReferenceScript.source, mode]
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // The script reads all of stdin before writing anything, so writing first cannot deadlock.
        try? stdin.fileHandleForWriting.write(contentsOf: input)
        try? stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let errorText = String(decoding: errors, as: UTF8.self)
        switch process.terminationStatus {
        case 0: return .output(String(decoding: output, as: UTF8.self))
        case 127: return .skipped("python3 not found: \(errorText)")
        case 77: return .skipped(errorText)
        case let status: throw Failure(description: "python3 \(mode) exited \(status): \(errorText)")
        }
    }
}
