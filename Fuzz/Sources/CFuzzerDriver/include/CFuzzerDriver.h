#ifndef C_FUZZER_DRIVER_H
#define C_FUZZER_DRIVER_H

#include <stddef.h>
#include <stdint.h>

/// libFuzzer's own entry (compiler-rt FuzzerInterface.h), linked in by -sanitize=fuzzer. SwiftPM renames
/// an executable's `main` to `<Target>_main` and links `main` to that, so libFuzzer's `main` never runs;
/// each harness's top-level code calls this instead, with the same arguments that `main` would pass.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*UserCb)(const uint8_t *Data, size_t Size));

#endif
