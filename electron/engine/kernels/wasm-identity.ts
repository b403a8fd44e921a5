// Identity on the wasm backend without the copy. tfjs-wasm copies the whole tensor for every
// Identity (tf.clone, and each tensor the gradient tape saves for the backward pass: a thousand
// copies in a StyleGAN2 step); tfjs-cpu shares the data and counts references, as this does.
// Safe because no kernel writes into its inputs: a variable's assign swaps its data, never
// overwrites it.
import { getKernel, registerKernel, unregisterKernel, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';

interface RefCounting {
  incRef(dataId: object): void;
}

let installed = false;

export function installWasmSharedIdentity(): void {
  if (installed) return;
  installed = true;
  const stock = getKernel('Identity', 'wasm');
  const kernelFunc: KernelFunc = (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    if (x.dtype === 'string') return stock!.kernelFunc(args);
    (args.backend as unknown as RefCounting).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
  if (stock) unregisterKernel('Identity', 'wasm');
  registerKernel({ kernelName: 'Identity', backendName: 'wasm', kernelFunc, setupFunc: stock?.setupFunc });
}
