import CFuzzerDriver
import Glibc

/// Runs libFuzzer with this process's arguments (corpus directories, `-max_total_time`, ...) on
/// `harness`, then exits with libFuzzer's status. See CFuzzerDriver.h for why a harness calls this.
public func runFuzzer(_ harness: @escaping @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> Never {
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv, harness))
}
