// One face's aligned crop from its picture: the square of align.ts at the project's master size,
// or at the size the source allows (never upscaled), as PNG bytes.
import sharp from 'sharp';
import { alignQuad, renderAligned, type AlignQuad, type FaceLandmarks, type Point, type RgbImage } from './align';

export interface AlignedCrop {
  png: Buffer;
  quad: AlignQuad;
  size: number;
  /** Set when the face is smaller in the source than the master size: why the crop is smaller. */
  limitedBy: string | null;
}

/** Fraction of the crop's side over which reflected padding fades into the blurred copy. */
const FADE = 0.1;

/** The crop for a face given its eyes and mouth (found by the detector, or placed by hand). */
export async function alignedCrop(source: RgbImage, landmarks: FaceLandmarks, masterSize: number): Promise<AlignedCrop> {
  const quad = alignQuad(landmarks);
  const sourceSide = Math.floor(quad.side);
  const size = Math.max(1, Math.min(masterSize, sourceSide));
  const limitedBy = size < masterSize ? `the face spans ${sourceSide} px in the source: aligned at ${size} px, not upscaled to ${masterSize}` : null;
  // Shrink first with a proper low-pass filter so that the bicubic resampling works near 1:1.
  const shrink = quad.side / size;
  let scaled = source;
  let q = quad;
  if (shrink > 1.01) {
    const width = Math.max(1, Math.round(source.width / shrink));
    const height = Math.max(1, Math.round(source.height / shrink));
    const data = await sharp(source.data, { raw: { width: source.width, height: source.height, channels: 3 } })
      .resize(width, height, { kernel: 'lanczos3', fit: 'fill' })
      .raw()
      .toBuffer();
    scaled = { data: new Uint8Array(data), width, height };
    const sx = width / source.width;
    const sy = height / source.height;
    const at = (p: Point): Point => [p[0] * sx, p[1] * sy];
    q = { topLeft: at(quad.topLeft), topRight: at(quad.topRight), bottomLeft: at(quad.bottomLeft), side: quad.side * Math.sqrt(sx * sy) };
  }
  const blurred = await sharp(scaled.data, { raw: { width: scaled.width, height: scaled.height, channels: 3 } })
    .blur(Math.max(1, size * 0.02))
    .raw()
    .toBuffer();
  const pixels = renderAligned(scaled, { data: new Uint8Array(blurred), width: scaled.width, height: scaled.height }, q, size, size * FADE);
  const png = await sharp(pixels, { raw: { width: size, height: size, channels: 3 } })
    .png()
    .toBuffer();
  return { png, quad, size, limitedBy };
}

/** A picture as upright 8-bit RGB, as the detector and the aligner see it (EXIF orientation applied). */
export async function decodeRgb(file: string): Promise<RgbImage> {
  const { data, info } = await sharp(file, { limitInputPixels: 100_000_000 })
    .rotate()
    .toColourspace('srgb')
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels, expected 3`);
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}
