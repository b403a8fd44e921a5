// Paths typed into the studio are not seen by a shell: "~/Downloads/x.pkl" means the home folder
// as it would on the command line.
import { homedir } from 'node:os';
import { join } from 'node:path';

export function expandHome(path: string): string {
  const trimmed = path.trim();
  return trimmed === '~' ? homedir() : /^~[\\/]/.test(trimmed) ? join(homedir(), trimmed.slice(2)) : trimmed;
}
