// A command's hold on a project: the studio's services opened on it (as the studio does, following
// the rules for several processes on one project), and closed again whatever happens.
import { AppError } from '../../shared/errors';
import { EventBus } from '../api/event-bus';
import type { Project } from '../services/projects/project';
import { Studio } from '../services/studio';
import { studioPaths } from '../services/studio-paths';

export function newStudio(): Studio {
  return new Studio({ ...studioPaths(), shell: 'browser', events: new EventBus() });
}

/** Runs `work` with the project at `dir` open; `usage` is the message when no folder was given. */
export async function withProject<T>(dir: string | undefined, usage: string, work: (studio: Studio, project: Project) => Promise<T>): Promise<T> {
  if (!dir) throw new AppError('invalid_request', usage);
  const studio = newStudio();
  await studio.openProject(dir);
  try {
    return await work(studio, studio.requireProject());
  } finally {
    await studio.closeProject();
  }
}
