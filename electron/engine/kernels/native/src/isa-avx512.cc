// AVX-512 (Intel since Skylake-SP, AMD since Zen 4): 32 vector registers of 16 floats, so a
// 12 × 32 tile of C (24 accumulators) stays in registers. Compiled with -mavx512f -mfma.
#define LEP_NS lep_avx512
#define LEP_ISA_FN isa_avx512
#define LEP_ISA_NAME "AVX-512"
#define LEP_VW 16
#define LEP_MR 12
#define LEP_NV 2
#define LEP_KC 256
#define LEP_MC 144
#define LEP_NC 1024
#include "driver.inc"
