// Which generator a job draws with, as the host names it: an imported network's folder, or a run's
// checkpoint file (with its hash, checked when it is read). The checkpoint says its own family.
export type GeneratorSpec = { kind: 'network'; dir: string } | { kind: 'checkpoint'; file: string; sha256: string };

export const specKey = (spec: GeneratorSpec): string => (spec.kind === 'network' ? `network:${spec.dir}` : `checkpoint:${spec.file}:${spec.sha256}`);
