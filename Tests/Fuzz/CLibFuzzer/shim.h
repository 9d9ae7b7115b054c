#ifndef STYLECAST_CLIBFUZZER_SHIM_H
#define STYLECAST_CLIBFUZZER_SHIM_H
/* libFuzzer's driver, for a program that keeps its own main (compiler-rt's FuzzerInterface.h).
 * Defined only when the program is linked with libFuzzer (scripts/fuzz.sh); stylecast-fuzz
 * refers to it only when built with -DSTYLECAST_LIBFUZZER. */
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*UserCb)(const uint8_t *Data, size_t Size));
#endif
