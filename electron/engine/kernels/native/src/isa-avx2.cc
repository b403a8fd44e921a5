// AVX2 with FMA (Intel since Haswell, AMD since Zen): 16 vector registers of 8 floats, a 6 × 16
// tile of C (12 accumulators). Compiled with -mavx2 -mfma.
#define LEP_NS lep_avx2
#define LEP_ISA_FN isa_avx2
#define LEP_ISA_NAME "AVX2"
#define LEP_VW 8
#define LEP_MR 6
#define LEP_NV 2
#define LEP_KC 256
#define LEP_MC 144
#define LEP_NC 1024
#include "driver.inc"
