// The feature analysis of a generator's labelled latents: gathered here, computed by an engine,
// and written as a JSON report under renders/analysis/ (or where the command line says).
import { join } from 'node:path';
import { atomicWrite } from '../../../formats/atomic-write';
import { featureSamples, requestedOutcomes } from '../../feature-analysis';
import { jobGenerator } from '../../latent-generators';
import { shownPath, type HostJob } from '../job-context';

export const analyze: HostJob<'analyze'> = async (request, { project, engine, signal, out }) => {
  const generator = jobGenerator(project, request.ref);
  const { outcomes, invalid } = requestedOutcomes(project, generator.key, request.feature);
  const report = await engine.run(
    'analyze-feature',
    {
      feature: request.feature,
      generator: generator.key,
      samples: featureSamples(project, generator.key, request.feature),
      shrinkage: request.shrinkage,
      requested: outcomes,
      invalid,
    },
    { signal },
  );
  const file =
    out ?? join(project.dir, 'renders', 'analysis', `${request.feature.replace(/[^\p{L}\p{N}_.-]+/gu, '-')}-${generator.key.replace(/:/g, '-')}.json`);
  await atomicWrite(file, JSON.stringify(report, null, 1), project.tmpDir);
  return { report, file: shownPath(project, file) };
};
