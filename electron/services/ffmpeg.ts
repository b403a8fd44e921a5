import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';

export interface FfmpegLocation {
  path: string | null;
  source: 'ffmpeg-static' | 'PATH' | 'none';
  message: string;
}

function executable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds ffmpeg: the binary that the optional `ffmpeg-static` package downloaded at install time,
 * else one on PATH. Video rendering needs it; everything else works without.
 */
export function locateFfmpeg(env: NodeJS.ProcessEnv = process.env): FfmpegLocation {
  try {
    const bundled = createRequire(import.meta.url)('ffmpeg-static') as string | null;
    if (bundled && executable(bundled)) return { path: bundled, source: 'ffmpeg-static', message: `using ffmpeg from ffmpeg-static (${bundled})` };
  } catch {
    // ffmpeg-static is optional: its install downloads a binary and fails offline.
  }
  const exe = process.platform === 'win32' ? 'ffmpeg.exe' : 'ffmpeg';
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, exe);
    if (executable(candidate)) return { path: candidate, source: 'PATH', message: `ffmpeg-static is not installed; using ffmpeg found on PATH (${candidate})` };
  }
  return {
    path: null,
    source: 'none',
    message:
      'no ffmpeg found: ffmpeg-static did not install and none is on PATH. Videos cannot be rendered until one is installed (e.g. "apt install ffmpeg", or reinstall with internet access).',
  };
}
