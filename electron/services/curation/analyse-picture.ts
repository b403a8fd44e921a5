// The compute of curation for one picture — decode, find faces, align each, measure each crop —
// with no database in sight, so that it can run in a worker thread while the studio's main
// thread stays free. Aligned crops are written (atomically) here; rows are returned.
import { join } from 'node:path';
import { atomicWrite } from '../../formats/atomic-write';
import { alignedRelPath } from '../projects/layout';
import { landmarksFrom68 } from './align';
import { alignedCrop, decodeRgb } from './aligned-crop';
import { detectFaces } from './face-detector';
import { cropMeasures } from './quality';

export interface PictureJob {
  projectDir: string;
  tmpDir: string;
  originalPath: string;
  sha256: string;
  masterSize: number;
}

/** One face as the faces table stores it (binary columns as plain arrays, to cross threads). */
export interface AnalysedFace {
  position: number;
  pass: string;
  score: number;
  box: string;
  landmarks: number[];
  descriptor: number[];
  quad: string;
  alignedPath: string;
  alignedSize: number;
  phash: string;
  sharpness: number;
  colourfulness: number;
}

export type Analyse = (job: PictureJob) => Promise<AnalysedFace[]>;

export const analysePicture: Analyse = async (job) => {
  const rgb = await decodeRgb(join(job.projectDir, job.originalPath));
  const faces = await detectFaces(rgb.data, rgb.width, rgb.height);
  const out: AnalysedFace[] = [];
  for (const [position, face] of faces.entries()) {
    const crop = await alignedCrop(rgb, landmarksFrom68(face.landmarks), job.masterSize);
    const alignedPath = alignedRelPath(job.sha256, position);
    await atomicWrite(join(job.projectDir, alignedPath), crop.png, job.tmpDir);
    out.push({
      position,
      pass: face.pass,
      score: face.score,
      box: JSON.stringify(face.box),
      landmarks: face.landmarks.flat(),
      descriptor: Array.from(face.descriptor),
      quad: JSON.stringify({ ...crop.quad, limitedBy: crop.limitedBy }),
      alignedPath,
      alignedSize: crop.size,
      ...(await cropMeasures(crop.png)),
    });
  }
  return out;
};
