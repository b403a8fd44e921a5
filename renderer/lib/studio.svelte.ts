// What every view shares: the app's info, the open project and its collections and labels.
import type { AppInfo, Collection, ProjectSummary, Response } from '../../shared/contract';
import { api } from './api';
import { reportError } from './notices.svelte';
import { go } from './route.svelte';

export const studio = $state<{
  info: AppInfo | null;
  project: ProjectSummary | null;
  collections: Collection[];
  labels: Response<'labels.list'>;
  /** Bumped whenever images change, so views holding lists reload them. */
  imagesVersion: number;
  /** Paths chosen in the desktop app's File › Import dialog, for the collection view to import. */
  pendingImport: string[] | null;
}>({ info: null, project: null, collections: [], labels: [], imagesVersion: 0, pendingImport: null });

export async function refreshProject(): Promise<void> {
  try {
    const { current } = await api.call('projects.list', {});
    studio.project = current;
    if (current) await refreshCollections();
    else {
      studio.collections = [];
      studio.labels = [];
    }
  } catch (err) {
    reportError(err);
  }
}

export async function refreshCollections(): Promise<void> {
  try {
    [studio.collections, studio.labels] = await Promise.all([api.call('collections.list', {}), api.call('labels.list', {})]);
  } catch (err) {
    reportError(err);
  }
}

api.on('project.changed', ({ project }) => {
  studio.project = project;
  // No project (the open one was deleted): nothing to list, and the projects page to choose another.
  if (!project) {
    studio.collections = [];
    studio.labels = [];
    go('#/projects');
    return;
  }
  void refreshCollections();
  studio.imagesVersion++;
});
api.on('shell.menu', (m) => {
  if (m.action === 'navigate') go(m.hash);
  else {
    studio.pendingImport = m.paths;
    go('#/collection');
  }
});
api.on('images.changed', () => {
  void refreshCollections();
  studio.imagesVersion++;
});
