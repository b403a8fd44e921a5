# Leporello's native CPU kernels (see src/addon.cc), built by scripts/build-native.mjs with
# node-gyp. Optional: where there is no compiler the engine computes on tfjs-wasm alone.
# On x86-64 each instruction set's driver is a static library of its own, so that only it is
# compiled with that set's flags; the module picks one at load time from what the CPU reports.
{
  "target_defaults": {
    "cflags_cc": ["-O3", "-ffp-contract=fast"],
    "xcode_settings": {
      "OTHER_CPLUSPLUSFLAGS": ["-O3", "-ffp-contract=fast"],
      "MACOSX_DEPLOYMENT_TARGET": "11.0"
    },
    "msvs_settings": { "VCCLCompilerTool": { "Optimization": 2, "AdditionalOptions": ["/fp:contract"] } }
  },
  "targets": [
    {
      "target_name": "lep_generic",
      "type": "static_library",
      "sources": ["src/isa-generic.cc", "src/pack.cc", "src/conv.cc", "src/reduce.cc", "src/fir.cc", "src/bias-act.cc", "src/transpose.cc"]
    },
    {
      "target_name": "lep_exact",
      "type": "static_library",
      "sources": ["src/adam.cc", "src/binary.cc"],
      "cflags_cc!": ["-ffp-contract=fast"],
      "cflags_cc": ["-ffp-contract=off"],
      "xcode_settings": { "OTHER_CPLUSPLUSFLAGS!": ["-ffp-contract=fast"], "OTHER_CPLUSPLUSFLAGS": ["-ffp-contract=off"] },
      "msvs_settings": { "VCCLCompilerTool": { "AdditionalOptions!": ["/fp:contract"], "AdditionalOptions": ["/fp:precise"] } }
    },
    {
      "target_name": "leporello_kernels",
      "sources": ["src/addon.cc"],
      "dependencies": ["lep_generic", "lep_exact"],
      "conditions": [["target_arch=='x64'", { "dependencies": ["lep_avx2", "lep_avx512"] }]]
    }
  ],
  "conditions": [["target_arch=='x64'", {
    "targets": [
      {
        "target_name": "lep_avx2",
        "type": "static_library",
        "sources": ["src/isa-avx2.cc"],
        "cflags_cc": ["-mavx2", "-mfma"],
        "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["-mavx2", "-mfma"] },
        "msvs_settings": { "VCCLCompilerTool": { "AdditionalOptions": ["/arch:AVX2"] } }
      },
      {
        "target_name": "lep_avx512",
        "type": "static_library",
        "sources": ["src/isa-avx512.cc"],
        "cflags_cc": ["-mavx512f", "-mfma"],
        "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["-mavx512f", "-mfma"] },
        "msvs_settings": { "VCCLCompilerTool": { "AdditionalOptions": ["/arch:AVX512"] } }
      }
    ]
  }]]
}
