// The engine's one TensorFlow.js entry: tfjs-core with the gradient of every op registered.
// tfjs-core's own registration module is an ES module with extensionless imports that Node
// cannot load; the union package's Node bundle carries the same registrations in CommonJS.
import '@tensorflow/tfjs';

export * from '@tensorflow/tfjs-core';

import { env } from '@tensorflow/tfjs-core';

// Production mode: no console banners about installing tfjs-node (the backends module reports
// what runs and why) and no deprecation chatter in the studio's output.
env().set('PROD', true);

import { installFastCpuFilterGradient } from './kernels/conv2d-backprop-filter';

// tfjs-cpu's filter gradient runs at about 0.01 GMAC/s; ours is the one every convolution uses.
installFastCpuFilterGradient();
