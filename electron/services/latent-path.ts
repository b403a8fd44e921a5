// A blend video's path, as the curator writes it: anchors separated by commas — `seed:3`,
// `latent:12`, `label:expression=smiling` (the centroid of a label's members), `image:40` (that
// portrait's newest projection) — or a JSON file holding the anchors and, optionally, the timing.
// Anchors resolve against one generator's latents; seeds need the generator itself and a centroid
// is the mean of its members, so both go to the engine as they are.
import { readUserTextSync } from './fs/user-file';
import { z } from 'zod';
import { AppError } from '../../shared/errors';
import { labelMembers, latentsOf } from './latents';
import type { Project } from './projects/project';

import type { Keyframe } from '../engine/jobs/render-video';

/** A resolved anchor: what to call it, and the keyframe the engine draws. */
export interface Anchor {
  describe: string;
  keyframe: Keyframe;
}

export interface PathTimingSpec {
  seconds?: number;
  fps?: number;
  easing?: 'linear' | 'smooth';
  loop?: boolean;
  hold?: number;
}

const AnchorText = z.string().regex(/^(seed|latent|image):\d+$|^label:[^=]+=.+$/, 'an anchor is seed:N, latent:ID, image:ID or label:key=value');
const PathFile = z.strictObject({
  anchors: z.array(z.union([AnchorText, z.strictObject({ vector: z.array(z.number().finite()).min(1), name: z.string().optional() })])).min(2),
  seconds: z.number().positive().optional(),
  fps: z.number().positive().optional(),
  easing: z.enum(['linear', 'smooth']).optional(),
  loop: z.boolean().optional(),
  hold: z.number().min(0).optional(),
});

export interface PathSpec {
  anchors: (string | { vector: number[]; name?: string })[];
  timing: PathTimingSpec;
}

/** Reads SPEC: a JSON file when it names one (ends in .json), else comma-separated anchors. */
export function parsePathSpec(spec: string): PathSpec {
  if (/\.json$/i.test(spec.trim())) {
    let raw: unknown;
    const text = readUserTextSync(spec.trim(), 'path file (.json)');
    try {
      raw = JSON.parse(text);
    } catch (err) {
      throw new AppError('invalid_request', `the path file ${spec} is not valid JSON: ${(err as Error).message}`);
    }
    const parsed = PathFile.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new AppError(
        'invalid_request',
        `the path file ${spec} is not a path: ${issue.path.join('.') || 'the document'}: ${issue.message}. It holds {"anchors": ["seed:3", "label:expression=smiling", …], "seconds"?, "fps"?, "easing"?, "loop"?, "hold"?}`,
      );
    }
    const { anchors, ...timing } = parsed.data;
    return { anchors, timing };
  }
  const anchors = spec
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  for (const a of anchors) {
    if (!AnchorText.safeParse(a).success)
      throw new AppError('invalid_request', `"${a}" is not an anchor: write seed:N, latent:ID, image:ID or label:key=value, separated by commas`);
  }
  if (anchors.length < 2)
    throw new AppError('invalid_request', `a path needs at least two anchors (e.g. label:expression=death,label:expression=orgasm); got ${anchors.length}`);
  return { anchors, timing: {} };
}

/** The newest projection of an image into this generator. */
function projectionOf(project: Project, generator: string, imageId: number): Float32Array {
  const row = project.db
    .prepare("SELECT id FROM latents WHERE generator = ? AND kind = 'projected' AND image_id = ? ORDER BY id DESC LIMIT 1")
    .get(generator, imageId) as { id: number } | undefined;
  if (!row)
    throw new AppError(
      'not_found',
      `image #${imageId} has not been projected into ${generator}: project it first (Latents → Project portrait, or "leporello project-image ${project.dir} … --image ${imageId}")`,
    );
  return latentsOf(project, generator, [row.id])[0]!.vector;
}

/** Each anchor of a path as a keyframe of `generator` (whose latents have `dim` numbers, when known). */
export function resolveAnchors(project: Project, generator: string, dim: number | null, anchors: PathSpec['anchors']): Anchor[] {
  return anchors.map((a): Anchor => {
    const vector = (v: Float32Array) => Array.from(v);
    if (typeof a !== 'string') {
      if (dim !== null && a.vector.length !== dim)
        throw new AppError(
          'invalid_request',
          `a vector anchor${a.name ? ` (${a.name})` : ''} has ${a.vector.length} numbers; this generator's latents have ${dim}`,
        );
      return { describe: a.name ?? 'a given vector', keyframe: { vector: a.vector } };
    }
    const [kind, rest] = [a.slice(0, a.indexOf(':')), a.slice(a.indexOf(':') + 1)];
    if (kind === 'seed') return { describe: a, keyframe: { seed: Number(rest) } };
    if (kind === 'latent') return { describe: a, keyframe: { vector: vector(latentsOf(project, generator, [Number(rest)])[0]!.vector) } };
    if (kind === 'image') return { describe: a, keyframe: { vector: vector(projectionOf(project, generator, Number(rest))) } };
    const at = rest.indexOf('=');
    const members = labelMembers(project, generator, rest.slice(0, at).trim(), rest.slice(at + 1).trim());
    return { describe: `${a} (centroid of ${members.length})`, keyframe: { members: members.map((m) => vector(m.vector)) } };
  });
}
