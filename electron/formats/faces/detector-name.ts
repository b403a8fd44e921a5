// The name of the face detector and its version, recorded with every face it found (and with the
// faces placed by hand, after the pictures it found none in): read from its package, so that
// naming it loads nothing of it.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export const DETECTOR = `face-api ${(require('@vladmandic/face-api/package.json') as { version: string }).version} ssd-mobilenet-v1 (+ tiny-face-detector; + both on the picture made grey, contrast-stretched and padded) + landmark-68 + recognition`;
