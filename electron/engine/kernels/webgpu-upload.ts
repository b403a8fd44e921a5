// Uploads of tensors made on the CPU (every scalar an op is given, every batch of latents) through
// the queue's own staging memory. tfjs-webgpu makes a fresh mapped buffer for each upload and
// destroys it after the next submit: a DCGAN-64 training step makes about 270 of them, and on an
// H100 under Dawn's Vulkan backend creating and destroying them cost more than all the step's
// arithmetic (bench/profile-step.ts; a CPU profile put GPUDevice.createBuffer and the submits that
// free them at over half the step). queue.writeBuffer copies through memory Dawn keeps for the
// purpose, and the destination comes from tfjs's pool of reusable buffers.
//
// Ordering: writeBuffer lands before any command not yet submitted. The destination is a buffer
// the pool handed out, and tfjs returns a buffer to the pool only once the commands that used it
// were submitted, so no pending command can see the new contents early. tfjs writes its uniform
// buffers the same way.

interface TensorData {
  values: ArrayLike<number> | null;
  dtype: string;
  shape: number[];
  resource: unknown;
}

interface WebGpuBackendInternals {
  tensorMap: { get(dataId: object): TensorData };
  bufferManager: { acquireBuffer(size: number, usage: number, mappedAtCreation?: boolean, reuse?: boolean): GPUBuffer };
  queue: GPUQueue;
  uploadToGPU(dataId: object): void;
}

let installed = false;

/** Patches tfjs-webgpu's WebGPUBackend once per process. */
export function installWebGpuUploads(backendClass: { prototype: object }): void {
  if (installed) return;
  installed = true;
  const proto = backendClass.prototype as WebGpuBackendInternals;
  const stock = proto.uploadToGPU;
  proto.uploadToGPU = function (this: WebGpuBackendInternals, dataId: object) {
    const data = this.tensorMap.get(dataId);
    if (data.resource != null || !data.values || data.values.length === 0 || data.dtype === 'string' || data.dtype === 'complex64') {
      stock.call(this, dataId);
      return;
    }
    // int32 and bool live on the GPU as 32-bit integers, everything else as f32.
    const integer = data.dtype === 'int32' || data.dtype === 'bool';
    const values = integer
      ? data.values instanceof Int32Array
        ? data.values
        : Int32Array.from(data.values)
      : data.values instanceof Float32Array
        ? data.values
        : Float32Array.from(data.values);
    const buffer = this.bufferManager.acquireBuffer(values.byteLength, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST);
    this.queue.writeBuffer(buffer, 0, values.buffer, values.byteOffset, values.byteLength);
    data.resource = buffer;
    // As tfjs does: once on the GPU, the CPU copy is let go.
    data.values = null;
  };
}
