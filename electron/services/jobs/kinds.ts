// Every kind of job the studio and the command line start, one file each under kinds/: a kind
// without one is a compile error.
import type { JobKind } from '../../../shared/contract';
import type { HostJob } from './job-context';
import { analyze } from './kinds/analyze';
import { arithmetic } from './kinds/arithmetic';
import { contactSheet } from './kinds/contact-sheet';
import { draw } from './kinds/draw';
import { fetchNetworkJob } from './kinds/fetch-network';
import { generate } from './kinds/generate';
import { importRun } from './kinds/import-run';
import { leporello } from './kinds/leporello';
import { metrics } from './kinds/metrics';
import { path } from './kinds/path';
import { project } from './kinds/project';
import { seeds } from './kinds/seeds';
import { video } from './kinds/video';

export const HOST_JOBS: { [K in JobKind]: HostJob<K> } = {
  seeds,
  draw,
  path,
  arithmetic,
  project,
  video,
  analyze,
  generate,
  leporello,
  metrics,
  'contact-sheet': contactSheet,
  'import-run': importRun,
  'fetch-network': fetchNetworkJob,
};
