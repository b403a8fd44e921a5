// The baseline every machine of the architecture has: SSE2 on x86-64 (16 registers of 4 floats,
// a 6 × 8 tile), NEON on 64-bit ARM such as Apple silicon (32 registers, an 8 × 12 tile, with
// fused multiply-adds).
#if defined(__aarch64__) || defined(_M_ARM64)
#define LEP_ISA_NAME "NEON"
#define LEP_MR 8
#define LEP_NV 3
#else
#define LEP_ISA_NAME "SSE2"
#define LEP_MR 6
#define LEP_NV 2
#endif
#define LEP_NS lep_generic
#define LEP_ISA_FN isa_generic
#define LEP_VW 4
#define LEP_KC 256
#define LEP_MC 144
#define LEP_NC 1024
#include "driver.inc"
