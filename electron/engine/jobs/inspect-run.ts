// A checkpoint's witnesses against the training portraits, by the yardsticks of the health metrics
// (metrics/duplicates.ts, memorisation.ts): clusters of near-duplicate witnesses, and for each
// witness the portrait it comes closest to, relative to how close portraits come to each other.
// The closest few portraits are written as PNGs beside the run, for the health panel to show.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { DatasetFile, imageBytes } from '../../formats/dataset-file';
import { nearestNeighbourDistances } from '../metrics/duplicates';
import { distance, imageFeatures, median } from '../metrics/features';
import type { EngineJob } from './job';

export interface InspectionRequest {
  witnessGrid: string;
  witnesses: number;
  datasetDir: string;
  /** The project folder, and the run's health folder in it (project-relative) for the portraits shown. */
  projectDir: string;
  healthDir: string;
  /** How many witness ↔ portrait pairs to answer, closest first. */
  shown: number;
}

export interface InspectionResult {
  duplicateClusters: number[][];
  nearest: { witness: number; trainingImage: string; ratio: number }[];
}

/** The witnesses of one grid as NHWC bytes with the dataset's channels. */
async function splitGrid(file: string, count: number, r: number, channels: number): Promise<Uint8Array[]> {
  const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
  const perRow = Math.ceil(Math.sqrt(count));
  return Array.from({ length: count }, (_, w) => {
    const out = new Uint8Array(r * r * channels);
    const gx = (w % perRow) * r;
    const gy = Math.floor(w / perRow) * r;
    for (let y = 0; y < r; y++)
      for (let x = 0; x < r; x++)
        for (let k = 0; k < channels; k++)
          out[(y * r + x) * channels + k] = data[((gy + y) * info.width + gx + x) * info.channels + Math.min(k, info.channels - 1)]!;
    return out;
  });
}

/** Groups of indices closer than `threshold`, joined transitively; single items left out. */
function clusters(features: Float32Array[], threshold: number): number[][] {
  const parent = features.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  for (let i = 0; i < features.length; i++)
    for (let j = i + 1; j < features.length; j++) if (distance(features[i]!, features[j]!) < threshold) parent[find(i)] = find(j);
  const groups = new Map<number, number[]>();
  features.forEach((_, i) => groups.set(find(i), [...(groups.get(find(i)) ?? []), i]));
  return [...groups.values()].filter((g) => g.length > 1).sort((a, b) => b.length - a.length);
}

export const inspectRun: EngineJob<'inspect-run'> = async (request) => {
  const file = await DatasetFile.open(request.datasetDir);
  let reals: Uint8Array;
  try {
    reals = await file.readBatch(Array.from({ length: file.meta.count }, (_, i) => i));
  } finally {
    await file.close();
  }
  const { resolution: r, channels } = file.meta;
  const witnesses = await splitGrid(request.witnessGrid, request.witnesses, r, channels);
  const size = imageBytes(file.meta);
  const realImages = Array.from({ length: file.meta.count }, (_, i) => reals.subarray(i * size, (i + 1) * size));
  const realFeatures = imageFeatures(realImages, r, channels);
  const sampleFeatures = imageFeatures(witnesses, r, channels);
  const spacing = median(
    nearestNeighbourDistances(realFeatures.length > 400 ? realFeatures.filter((_, i) => i % Math.ceil(realFeatures.length / 400) === 0) : realFeatures),
  );
  const duplicateClusters = clusters(sampleFeatures, 0.1 * spacing);
  const nearestOf = sampleFeatures.map((s, witness) => {
    let best = 0;
    let bestD = Infinity;
    realFeatures.forEach((f, i) => {
      const d = distance(s, f);
      if (d < bestD) [best, bestD] = [i, d];
    });
    return { witness, position: best, ratio: spacing > 0 ? bestD / spacing : Number.NaN };
  });
  nearestOf.sort((a, b) => a.ratio - b.ratio);
  await mkdir(join(request.projectDir, request.healthDir), { recursive: true });
  const nearest: InspectionResult['nearest'] = [];
  for (const n of nearestOf.slice(0, request.shown)) {
    const rel = `${request.healthDir}/training-${n.position}.png`;
    if (!existsSync(join(request.projectDir, rel))) {
      await sharp(Buffer.from(realImages[n.position]!), { raw: { width: r, height: r, channels } })
        .png()
        .toFile(join(request.projectDir, rel));
    }
    nearest.push({ witness: n.witness, trainingImage: rel, ratio: n.ratio });
  }
  return { duplicateClusters, nearest };
};
