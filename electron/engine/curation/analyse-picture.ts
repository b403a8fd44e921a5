// The compute of curation for one picture — decode, find faces, align each, measure each crop —
// with no database in sight: the engine does it, the host records what it answers. Aligned crops
// are written (atomically) where the host says; rows are returned.
import { join } from 'node:path';
import { atomicWrite } from '../../formats/atomic-write';
import { landmarksFrom68 } from '../../formats/faces/align';
import { alignedCrop, decodeRgb } from '../../formats/faces/aligned-crop';
import { cropMeasures } from '../../formats/faces/crop-measures';
import { detectFaces } from './face-detector';

export interface PictureJob {
  projectDir: string;
  tmpDir: string;
  originalPath: string;
  /** Face N's crop goes to `${alignedStem}-N.png`, project-relative. */
  alignedStem: string;
  masterSize: number;
}

/** One face as the faces table stores it (binary columns as plain arrays, to cross processes). */
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
  hueCoherence: number;
}

export async function analysePicture(job: PictureJob): Promise<AnalysedFace[]> {
  const rgb = await decodeRgb(join(job.projectDir, job.originalPath));
  const faces = await detectFaces(rgb.data, rgb.width, rgb.height);
  const out: AnalysedFace[] = [];
  for (const [position, face] of faces.entries()) {
    const crop = await alignedCrop(rgb, landmarksFrom68(face.landmarks), job.masterSize);
    const alignedPath = `${job.alignedStem}-${position}.png`;
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
}
