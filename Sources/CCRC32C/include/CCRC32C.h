#ifndef GREGOR_CCRC32C_H
#define GREGOR_CCRC32C_H

#include <stddef.h>
#include <stdint.h>

/// Whether this CPU has the SSE4.2 `crc32` instruction (x86-64 only; 0 elsewhere).
int gregor_crc32c_hardware_available(void);

/// Continues a CRC-32C over `length` bytes with the SSE4.2 instruction.
/// `crc` is the running value *without* the final inversion (start with 0xFFFFFFFF).
/// Call only when `gregor_crc32c_hardware_available()` returned 1.
uint32_t gregor_crc32c_hardware(uint32_t crc, const uint8_t *bytes, size_t length);

#endif
