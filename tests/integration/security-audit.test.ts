// A static audit of the Electron configuration with Doyensec's electronegativity, run on the
// sources of the main process, preload and shell, offline (its network lookups are refused). The
// window's settings are written literally in main.ts so that the audit reads what Electron gets.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../helpers';

const require = createRequire(import.meta.url);
const ELECTRON_VERSION = (require('../../package.json') as { optionalDependencies: Record<string, string> }).optionalDependencies.electron!;

interface Finding {
  id: string;
  severity: string;
  confidence: string;
  file: string;
  location: string;
}

// The audit is run through its programmatic entry, which returns the findings: its CLI writes the CSV
// header and the records with two unsynchronised writes, and the header sometimes lands over the first
// record (seen in CI), so the file it writes cannot be trusted.
const AUDIT_SCRIPT = `
const run = require(process.argv[1]);
run({
  input: process.argv[2], output: undefined, isSarif: false, customScan: [],
  // The check of published security fixes needs Electron's release list from the network: left out.
  excludeFromScan: ['availablesecurityfixesglobalcheck'],
  severitySet: undefined, confidenceSet: undefined, isRelative: true, isVerbose: false,
  electronUpgrade: undefined, electronVersionOverride: process.argv[3], parserPlugins: [],
}).then((r) => {
  if (r.errors.length > 0) throw new Error('the audit could not read: ' + JSON.stringify(r.errors));
  // The audit prints its own notices (offline translations) on stdout too: the findings are one marked line.
  process.stdout.write('\\nFINDINGS ' + JSON.stringify(r.issues.map((i) => ({
    id: i.id, severity: i.severity.name, confidence: i.confidence.name, file: i.file,
    location: i.location.line + ':' + i.location.column,
  }))) + '\\n');
}).catch((e) => { console.error(e.stack); process.exit(1); });
`;

function audit(): Finding[] {
  const runner = join(repoRoot, 'node_modules', '@doyensec', 'electronegativity', 'dist', 'runner.js');
  const r = spawnSync(
    process.execPath,
    ['--require', join(repoRoot, 'tests', 'fakes', 'no-network.cjs'), '-e', AUDIT_SCRIPT, runner, join(repoRoot, 'electron'), ELECTRON_VERSION],
    { encoding: 'utf8', cwd: repoRoot, maxBuffer: 16 << 20 },
  );
  assert.equal(r.status, 0, r.stderr + r.stdout);
  const line = r.stdout.split('\n').find((l) => l.startsWith('FINDINGS '));
  assert.ok(line, r.stdout);
  return JSON.parse(line.slice('FINDINGS '.length)) as Finding[];
}

test('electronegativity finds no high-severity problem in the Electron configuration, and only what was reviewed', () => {
  const findings = audit();
  assert.deepEqual(
    findings.filter((f) => f.severity === 'HIGH'),
    [],
  );
  // What remains was reviewed: the preload (contextBridge, one function per contract method, tested in
  // electron-shell.test.ts) and the CSP, which the audit cannot read because it is assembled by a function.
  const reviewed = new Set(['PRELOAD_JS_CHECK', 'CSP_GLOBAL_CHECK']);
  assert.deepEqual(
    findings.filter((f) => !reviewed.has(f.id)).map((f) => `${f.id} ${f.severity} ${f.file}:${f.location}`),
    [],
  );
  // The audit really read main.ts: it saw the window and its preload.
  assert.ok(findings.some((f) => f.id === 'PRELOAD_JS_CHECK' && f.file.endsWith('main.ts')));
});
