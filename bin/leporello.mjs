#!/usr/bin/env node
// `npx leporello`: runs the bundled CLI (built by `npm start`, `npm test` or `npm run build`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../out/cli.mjs', import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write('leporello: the CLI is not built yet; run "npm run build" in the Leporello folder\n');
  process.exit(1);
}
await import(cli);
