// A run trained elsewhere (NVIDIA's train.py), brought in snapshot by snapshot.
import { expandHome } from '../../fs/expand-home';
import { importRun as importTrainingFolder } from '../../exchange/run-import';
import type { HostJob } from '../job-context';

export const importRun: HostJob<'import-run'> = (request, { project, engine, signal, onProgress }) =>
  importTrainingFolder(project, engine, { ...request, folder: expandHome(request.folder) }, { signal, onProgress });
