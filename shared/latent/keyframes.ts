// A path through several latents (keyframes), frame by frame: how long each leg lasts, how it is
// eased, how long the path holds still at each keyframe, and whether it closes into a loop that
// can repeat without a seam. The blend video and the studio's path strip read their frames here.
import { lerp, slerp, type Easing } from './interpolate';

export interface PathTiming {
  fps: number;
  /** The whole path, holds included. */
  seconds: number;
  easing: Easing;
  /** Back to the first keyframe at the end; the last frame stops one step short of it, so that the video repeats seamlessly. */
  loop: boolean;
  /** Still frames at each keyframe, in seconds. */
  hold: number;
}

/** Where one frame is: on leg `leg` (from keyframe leg to leg + 1, wrapping when looping), at eased position t. */
export interface FramePosition {
  leg: number;
  t: number;
}

const ease = (t: number, easing: Easing) => (easing === 'smooth' ? (1 - Math.cos(Math.PI * t)) / 2 : t);

/** Every frame's position along a path through `keyframes` latents. */
export function framePositions(keyframes: number, timing: PathTiming): FramePosition[] {
  if (keyframes < 2) throw new Error('a path needs at least two keyframes');
  const total = Math.round(timing.seconds * timing.fps);
  if (total < 2) throw new Error(`${timing.seconds} s at ${timing.fps} fps is fewer than two frames`);
  const legs = timing.loop ? keyframes : keyframes - 1;
  // A hold at every keyframe, each visited once (a loop's return to the first is its first hold).
  const stops = keyframes;
  const holdFrames = Math.round(timing.hold * timing.fps);
  const moving = total - holdFrames * stops;
  if (moving < legs) throw new Error(`holds of ${timing.hold} s at ${stops} keyframes leave no time to move: lengthen the path or shorten the holds`);
  // Moving frames shared between the legs as evenly as whole frames allow.
  const perLeg = Array.from({ length: legs }, (_, i) => Math.floor(((i + 1) * moving) / legs) - Math.floor((i * moving) / legs));
  const frames: FramePosition[] = [];
  for (let leg = 0; leg < legs; leg++) {
    for (let h = 0; h < holdFrames; h++) frames.push({ leg, t: 0 });
    const n = perLeg[leg]!;
    // An open path's last leg ends on its keyframe; every other leg stops short, its end being the next leg's start.
    const last = !timing.loop && leg === legs - 1;
    for (let i = 0; i < n; i++) frames.push({ leg, t: ease(last ? (n === 1 ? 1 : i / (n - 1)) : i / n, timing.easing) });
  }
  if (!timing.loop) for (let h = 0; h < holdFrames; h++) frames.push({ leg: legs - 1, t: 1 });
  return frames;
}

/** The latent at a frame: straight in W, on the great circle in Z. */
export function latentAt(keyframes: ArrayLike<number>[], at: FramePosition, space: 'z' | 'w'): Float32Array {
  const a = keyframes[at.leg]!;
  const b = keyframes[(at.leg + 1) % keyframes.length]!;
  return space === 'w' ? lerp(a, b, at.t) : slerp(a, b, at.t);
}
