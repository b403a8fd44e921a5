// `leporello` on the command line: the same services as the studio, for scripting and benchmarks.
// One file per command, registered in the table below. Every command can answer in JSON (--json);
// exit code 0 means done, 1 an error explained in one line on stderr. Long work runs in engine
// processes, as in the studio: no command loads TensorFlow.js itself.
import { AppError } from '../../shared/errors';
import { analyze } from './analyze';
import { backends } from './backends';
import type { Command } from './command';
import { curate } from './curate';
import { datasetCreate } from './dataset-create';
import { datasetList } from './dataset-list';
import { duplicates } from './duplicates';
import { exportContactSheet } from './export-contact-sheet';
import { exportDataset } from './export-dataset';
import { exportLeporello } from './export-leporello';
import { exportNetwork } from './export-network';
import { flags } from './flags';
import { fork } from './fork';
import { generate } from './generate';
import { images } from './images';
import { importCommand } from './import';
import { undoImportCommand } from './undo-import';
import { deleteCommand } from './delete';
import { importDataset } from './import-dataset';
import { importNetworkCommand } from './import-network';
import { fetchNetworkCommand } from './fetch-network';
import { trySample } from './try-sample';
import { projectDelete } from './project-delete';
import { faceless } from './faceless';
import { interpolate } from './interpolate';
import { label } from './label';
import { latents } from './latents';
import { metrics } from './metrics';
import { importRun } from './import-run';
import { inception } from './inception';
import { networks } from './networks';
import { projectCheck } from './project-check';
import { projectCreate } from './project-create';
import { projectImage } from './project-image';
import { renderVideo } from './render-video';
import { resume } from './resume';
import { runs } from './runs';
import { sample } from './sample';
import { serve } from './serve';
import { styleMix } from './style-mix';
import { timeline } from './timeline';
import { train } from './train';

/** Every command, in the order `leporello help` lists them: a project's life from creation to print. */
export const COMMANDS: Command[] = [
  trySample,
  projectCreate,
  projectCheck,
  projectDelete,
  importCommand,
  undoImportCommand,
  deleteCommand,
  images,
  datasetCreate,
  datasetList,
  curate,
  faceless,
  label,
  exportDataset,
  importDataset,
  flags,
  duplicates,
  train,
  resume,
  fork,
  runs,
  timeline,
  metrics,
  inception,
  sample,
  importNetworkCommand,
  fetchNetworkCommand,
  networks,
  exportNetwork,
  importRun,
  generate,
  styleMix,
  interpolate,
  latents,
  projectImage,
  renderVideo,
  analyze,
  exportLeporello,
  exportContactSheet,
  backends,
  serve,
];

function usage(): string {
  const lines = ['usage: leporello <command> [options]', ''];
  for (const c of COMMANDS) lines.push(`  ${c.name} ${c.usage}`.trimEnd(), `      ${c.summary}`);
  lines.push('', 'every command takes --json for machine-readable output; "leporello help COMMAND" lists its options');
  return lines.join('\n');
}

function help(command: Command): string {
  return [
    `usage: leporello ${command.name} ${command.usage}`.trimEnd(),
    '',
    command.summary,
    ...(command.options ? ['', 'options:', ...command.options()] : []),
    '  --json\n      Answer in JSON.',
  ].join('\n');
}

/** The command `argv` names: its one or two words, and the arguments after them. */
function lookup(argv: string[]): { command: Command; args: string[] } | null {
  const two = COMMANDS.find((c) => c.name === `${argv[0]} ${argv[1]}`);
  if (two) return { command: two, args: argv.slice(2) };
  const one = COMMANDS.find((c) => c.name === argv[0]);
  return one ? { command: one, args: argv.slice(1) } : null;
}

export async function main(argv: string[]): Promise<number> {
  const out = { json: argv.includes('--json') };
  try {
    if (argv[0] === undefined || ['help', '--help', '-h'].includes(argv[0])) {
      const asked = argv[1] === undefined ? null : lookup(argv.slice(1));
      process.stdout.write((asked ? help(asked.command) : usage()) + '\n');
      return argv[0] === undefined ? 1 : 0;
    }
    const found = lookup(argv);
    if (!found) throw new AppError('invalid_request', `unknown command "${argv.slice(0, 2).join(' ')}"; run "leporello help"`);
    if (found.args.includes('--help')) {
      process.stdout.write(help(found.command) + '\n');
      return 0;
    }
    await found.command.run(found.args, out);
    return 0;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`leporello: ${message.split('\n')[0]}\n`);
    return 1;
  }
}

// `leporello images … | head` closes the pipe early; that is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const code = await main(process.argv.slice(2));
// `serve` goes on after main returns; every other command is done.
if (code !== 0 || process.argv[2] !== 'serve') process.exitCode = code;
