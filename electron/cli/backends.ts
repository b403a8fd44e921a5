import { EngineClient, asAppError } from '../services/engine-host/engine-client';
import { forkNodeEngine } from '../services/engine-host/engine-launcher';
import type { Command } from './command';
import { print } from './output';
import { parseOptions } from './options';

export const backends: Command = {
  name: 'backends',
  usage: '',
  summary: 'which compute backends work here (asked of an engine process, as a run would), and why not the others',
  async run(args, out) {
    parseOptions(args, []);
    const engine = new EngineClient(forkNodeEngine);
    try {
      const train = await engine.run('probe', { purpose: 'train' });
      const sample = await engine.run('probe', { purpose: 'sample' });
      const rows = train.map((t, i) => ({
        name: t.name,
        train: t.ok,
        sample: sample[i]!.ok,
        detail: t.ok ? t.detail : sample[i]!.ok ? `${sample[i]!.detail}; not for training: ${t.detail}` : t.detail,
      }));
      print(out, rows, rows.map((r) => `${r.name.padEnd(11)} train ${r.train ? 'yes' : 'no '}  sample ${r.sample ? 'yes' : 'no '}  ${r.detail}`).join('\n'));
    } catch (err) {
      throw asAppError(err);
    } finally {
      await engine.close();
    }
  },
};
