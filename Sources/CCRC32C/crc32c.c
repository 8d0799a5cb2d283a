// CRC-32C (Castagnoli) with the SSE4.2 crc32 instruction. The function carries its own target attribute,
// so the package needs no -msse4.2 flag; callers check gregor_crc32c_hardware_available() first.
#include "CCRC32C.h"
#include <string.h>

#if defined(__x86_64__)

int gregor_crc32c_hardware_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("sse4.2") ? 1 : 0;
}

// One stream of 8-byte steps: about 10 GB/s here (SWIFT-NOTES.md), far above what a broker needs.
__attribute__((target("sse4.2")))
uint32_t gregor_crc32c_hardware(uint32_t crc, const uint8_t *bytes, size_t length) {
    uint64_t c = crc;
    while (length > 0 && ((uintptr_t)bytes & 7) != 0) {
        c = __builtin_ia32_crc32qi((uint32_t)c, *bytes++);
        length--;
    }
    while (length >= 8) {
        uint64_t word;
        memcpy(&word, bytes, 8);
        c = __builtin_ia32_crc32di(c, word);
        bytes += 8;
        length -= 8;
    }
    while (length > 0) {
        c = __builtin_ia32_crc32qi((uint32_t)c, *bytes++);
        length--;
    }
    return (uint32_t)c;
}

#else

int gregor_crc32c_hardware_available(void) { return 0; }

uint32_t gregor_crc32c_hardware(uint32_t crc, const uint8_t *bytes, size_t length) {
    (void)bytes; (void)length;
    return crc;
}

#endif
