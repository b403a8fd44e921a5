// Starts an engine process. The headless server and the CLI fork a Node child; the Electron
// shell passes its own launcher built on utilityProcess. Either way an EngineClient speaks to it.
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { appRoot } from '../../app-paths';
import type { FromEngine, ToEngine } from '../../engine/protocol';

export interface EngineHandle {
  /** The operating system's id of the engine process. */
  readonly pid: number | undefined;
  send(message: ToEngine): void;
  onMessage(listener: (message: FromEngine) => void): void;
  /** Called once when the process has ended: its exit code, or the signal that ended it. */
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  /** The last lines it wrote to stderr, for the reason of a crash. */
  stderrTail(): string;
  kill(signal?: NodeJS.Signals): void;
}

export type EngineLauncher = () => EngineHandle;

export const forkNodeEngine: EngineLauncher = () => {
  // From the sources (tests, tsx) fork the TypeScript entry; from the bundle, the built one.
  const fromSource = fileURLToPath(import.meta.url).endsWith('.ts');
  const entry = fromSource ? join(appRoot, 'electron', 'engine', 'engine-main.ts') : join(appRoot, 'out', 'engine.mjs');
  const child = fork(entry, [], { execArgv: fromSource ? ['--import', 'tsx'] : [], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let tail = '';
  child.stderr?.on('data', (d: Buffer) => (tail = (tail + d.toString()).slice(-4000)));
  return {
    pid: child.pid,
    send: (m) => void child.send(m),
    onMessage: (l) => void child.on('message', (m) => l(m as FromEngine)),
    onExit: (l) => void child.once('exit', (code, signal) => l(code, signal)),
    stderrTail: () => tail,
    kill: (signal = 'SIGTERM') => void child.kill(signal),
  };
};
