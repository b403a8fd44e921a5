import { AppError } from '../../shared/errors';
import { createHandlers } from '../api/handlers';
import { ApiRouter } from '../api/router';
import { startHeadlessServer } from '../server/http-server';
import type { Command } from './command';
import { print } from './output';
import { parseOptions } from './options';
import { newStudio } from './session';

export const serve: Command = {
  name: 'serve',
  usage: '[project] [--port N]',
  summary: 'serve the studio on 127.0.0.1 for a browser',
  async run(args, out) {
    const { positionals, values } = parseOptions(args, [], { port: { type: 'string' } });
    const port = values.port === undefined ? 0 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new AppError('invalid_request', `--port ${values.port} is not a port number (0–65535)`);
    const studio = newStudio();
    if (positionals[0]) await studio.openProject(positionals[0]);
    const router = new ApiRouter(createHandlers(studio));
    const server = await startHeadlessServer({ router, events: studio.events, projectDir: () => studio.current?.dir ?? null, port });
    print(
      out,
      { url: server.url, port: server.port, token: server.token },
      `Leporello studio for the browser: ${server.url}\n(listening on 127.0.0.1 only; the token in the address is the key, keep it private. Ctrl-C stops.)`,
    );
    const stop = async () => {
      await server.close();
      await studio.closeProject();
      process.exit(0);
    };
    process.once('SIGINT', () => void stop());
    process.once('SIGTERM', () => void stop());
  },
};
