// New latents from others: a mean, a sum or difference of two, a label's centroid — plain vector
// arithmetic, done here — or a truncation toward the generator's average face, which an engine
// reads from the generator.
import { AppError } from '../../../../shared/errors';
import { combine, mean, truncate } from '../../../../shared/latent/arithmetic';
import { jobGenerator } from '../../latent-generators';
import { addLatents, labelMembers, latentsOf, latentSummary, type NewLatent } from '../../latents';
import type { HostJob } from '../job-context';

export const arithmetic: HostJob<'arithmetic'> = async (request, { project, engine, signal }) => {
  const generator = jobGenerator(project, request.ref);
  const { operation } = request;
  let made: NewLatent;
  let space: 'z' | 'w';
  let backend: string | null = null;
  if (operation === 'centroid') {
    if (!request.label) throw new AppError('invalid_request', 'a centroid needs a label, key=value (e.g. expression=smiling)');
    const { key, value } = request.label;
    const members = labelMembers(project, generator.key, key, value);
    space = members[0]!.space;
    made = {
      vector: mean(members.map((m) => m.vector)),
      kind: 'centroid',
      source: `centroid of ${key}=${value} (${members.length})`,
      detail: { label: request.label, members: members.map((m) => m.id) },
    };
  } else {
    const operands = latentsOf(project, generator.key, request.ids ?? []);
    if (!operands.length)
      throw new AppError('invalid_request', `${operation} needs latents: pick ${operation === 'mean' ? 'some' : operation === 'truncate' ? 'one' : 'two'}`);
    space = operands[0]!.space;
    const ids = operands.map((o) => `#${o.id}`);
    if (operation === 'truncate') {
      if (request.psi === undefined) throw new AppError('invalid_request', 'truncation needs ψ, from -2 to 2 (1 leaves the latent, 0 gives the average face)');
      const average = await engine.run('latent-average', { generator: generator.spec, backend: request.backend }, { signal });
      backend = average.backend;
      made = {
        vector: truncate(operands[0]!.vector, average.vector, request.psi),
        kind: 'arithmetic',
        source: `${ids[0]} truncated to ψ ${request.psi}`,
        detail: { operation, operands: [operands[0]!.id], psi: request.psi },
      };
    } else if (operation === 'mean') {
      made = {
        vector: mean(operands.map((o) => o.vector)),
        kind: 'arithmetic',
        source: `mean of ${ids.join(', ')}`,
        detail: { operation, operands: operands.map((o) => o.id) },
      };
    } else {
      if (operands.length !== 2) throw new AppError('invalid_request', `${operation} takes two latents, A,B (${operation === 'add' ? 'A + B' : 'A − B'})`);
      const vector = combine(
        operands.map((o) => o.vector),
        [1, operation === 'add' ? 1 : -1],
      );
      made = { vector, kind: 'arithmetic', source: ids.join(operation === 'add' ? ' + ' : ' − '), detail: { operation, operands: operands.map((o) => o.id) } };
    }
  }
  const [stored] = addLatents(project, generator.key, space, [{ ...made, name: request.name ?? null }]);
  return { latents: [latentSummary(stored!)], backend };
};
