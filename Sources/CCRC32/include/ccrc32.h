#ifndef GW_CCRC32_H
#define GW_CCRC32_H

#include <stddef.h>
#include <stdint.h>

/// Non-zero when gw_crc32_fold can run on this CPU (x86-64 with PCLMULQDQ and SSE4.1).
int gw_crc32_fold_available(void);

/// Advances a bit-reflected CRC-32 (IEEE) over `length` bytes by carry-less multiplication. `state` is the running
/// CRC inverted, as zlib keeps it between bytes; so is the result. `length` must be a multiple of 16, at least 64.
uint32_t gw_crc32_fold(const unsigned char *bytes, size_t length, uint32_t state);

#endif
