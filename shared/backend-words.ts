// What a backend is, in a curator's words: where the computing happens and what that means for
// speed. The engine's own description (the adapter, the kernels, why better backends were passed
// over) stays available behind a disclosure for whoever needs it.

const WORDS: Record<string, string> = {
  tensorflow: 'on your NVIDIA graphics card (CUDA): the fastest way',
  webgpu: 'on your graphics card (WebGPU)',
  wasm: 'on the processor, without a graphics card: slower, but every computer can',
  cpu: 'on the processor in plain JavaScript: the slowest way, used where WebAssembly cannot run',
};

/** "Trains on the processor, …" for a run's chosen backend, or what it asked for when not yet chosen. */
export function backendInWords(chosen: string | null, requested: string, doing = 'Trains'): string {
  if (chosen === null)
    return requested === 'auto'
      ? `${doing} on the best this computer has, chosen when it starts`
      : `${doing} ${WORDS[requested] ?? `on ${requested}`}, once it starts`;
  return `${doing} ${WORDS[chosen] ?? `on ${chosen}`}`;
}
