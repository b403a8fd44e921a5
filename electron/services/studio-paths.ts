import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where the studio keeps its settings and, by default, its projects. Overridable for tests and scripts. */
export function studioPaths(env: NodeJS.ProcessEnv = process.env): { home: string; projectsRoot: string } {
  const configBase = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return {
    home: env.LEPORELLO_HOME || join(configBase, 'leporello'),
    projectsRoot: env.LEPORELLO_PROJECTS || join(homedir(), 'Leporello'),
  };
}
