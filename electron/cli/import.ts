import { resolve } from 'node:path';
import type { ImportProgress, ImportSummary } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { parseRequest } from '../api/router';
import type { Command } from './command';
import { parseLabel } from './labels';
import { drawProgress, print } from './output';
import { parseOptions } from './options';
import { withProject } from './session';

export function describeImport(s: ImportSummary): string {
  const lines = [
    `${s.cancelled ? 'import cancelled' : 'import done'}: ${s.imported} imported, ${s.alreadyPresent} already in the project, ${s.duplicates} duplicates, ${s.rejected} rejected (${s.done} of ${s.total} files, ${s.imagesPerSecond.toFixed(0)} img/s)`,
  ];
  for (const r of s.rejections) lines.push(`  rejected  ${r.path}: ${r.reason}`);
  for (const d of s.duplicatesFound) lines.push(`  duplicate ${d.path} = ${d.duplicateOf}`);
  const m = s.metadata;
  if (m) {
    lines.push(`metadata from ${m.file}: ${m.matched} pictures matched a row`);
    if (m.unmatchedFileCount)
      lines.push(`  no row for ${m.unmatchedFileCount} pictures: ${m.unmatchedFiles.join(', ')}${m.unmatchedFileCount > m.unmatchedFiles.length ? ', …' : ''}`);
    if (m.unmatchedRowCount)
      lines.push(
        `  ${m.unmatchedRowCount} rows name no imported picture: ${m.unmatchedRows.join(', ')}${m.unmatchedRowCount > m.unmatchedRows.length ? ', …' : ''}`,
      );
  }
  lines.push(`undo it with: leporello undo-import <project> ${s.importId}`);
  return lines.join('\n');
}

export const importCommand: Command = {
  name: 'import',
  usage: '<project> <paths...> [--collection NAME] [--label key=value ...] [--archive NAME] [--metadata FILE.csv|FILE.json]',
  summary: 'import image files and folders (recursive)',
  async run(args, out) {
    const { positionals, values } = parseOptions(args, [], {
      collection: { type: 'string' },
      label: { type: 'string', multiple: true },
      archive: { type: 'string' },
      metadata: { type: 'string' },
    });
    const [projectDir, ...paths] = positionals;
    if (!projectDir || paths.length === 0)
      throw new AppError('invalid_request', 'import needs a project and at least one path: leporello import <project> <paths...>');
    const labels: Record<string, string> = {};
    for (const l of (values.label as string[] | undefined) ?? []) {
      const { key, value } = parseLabel(l);
      labels[key] = value;
    }
    const request = parseRequest('import.start', {
      paths: paths.map((p) => resolve(p)),
      collection: (values.collection as string | undefined) ?? 'default',
      labels: Object.keys(labels).length ? labels : undefined,
      archive: values.archive,
      metadata: values.metadata ? resolve(values.metadata as string) : undefined,
    });
    const summary = await withProject(projectDir, '', async (studio) => {
      const showProgress = process.stderr.isTTY && !out.json;
      if (showProgress) studio.events.subscribe((m) => m.event === 'import.progress' && drawProgress(m.payload as ImportProgress));
      const { job, done } = studio.startImport(request);
      const stop = () => job.cancel();
      process.once('SIGINT', stop);
      const result = await done;
      process.off('SIGINT', stop);
      if (showProgress) process.stderr.write('\n');
      return result;
    });
    print(out, summary, describeImport(summary));
    if (summary.error) throw new AppError('internal', `import stopped: ${summary.error}`);
  },
};
