// How good a generator is: SWD, and KID, FD, precision and recall on face descriptors, measured by
// an engine and recorded per checkpoint (or per imported network and dataset).
import { measureQuality } from '../../quality/measure';
import type { HostJob } from '../job-context';

export const metrics: HostJob<'metrics'> = (request, { project, engine, signal, onProgress }) =>
  measureQuality(project, engine, request, { signal, onProgress });
