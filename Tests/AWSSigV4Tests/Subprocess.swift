import Foundation

/// Runs a command through `/usr/bin/env` and collects its status and output: the reference signers (botocore)
/// run in a python3 subprocess.
enum Subprocess {
    static func run(_ arguments: [String]) -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch { return (-1, "", "\(error)") }
        // Read before waiting so a full pipe cannot block the child.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self)
        )
    }

    /// True when `python3 -c "import botocore.auth"` works; otherwise prints the loud skip line for `suite`.
    static func botocoreAvailable(for suite: String) -> Bool {
        if run(["python3", "-c", "import botocore.auth"]).status == 0 { return true }
        print("⚠️⚠️⚠️ SKIPPED: \(suite): python3 with botocore is not available ⚠️⚠️⚠️")
        return false
    }
}
