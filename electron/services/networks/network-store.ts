// Pretrained networks in a project: imported once from NVIDIA's pickle (read as data, checked
// against the architecture its kwargs describe, refused by name when unsupported), stored in the
// studio's own format, listed with the license they carry.
import { createHash } from 'node:crypto';
import { rename, rm, mkdir } from 'node:fs/promises';
import { FILE_LIMITS, readUserFile } from '../fs/user-file';
import { basename, join } from 'node:path';
import type { Network } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { expectedShapes, type StyleGan2Config } from '../../formats/stylegan2-layout';
import { isStyleGanV1, type StyleNetworkConfig } from '../../formats/stylegan-layout';
import { styleGan2Config } from '../exchange/pickle/stylegan2-config';
import { readNetworkPickle, type ImportedNetwork } from '../exchange/pickle/stylegan2-pickle';
import type { TensorData } from '../exchange/pickle/torch-data';
import type { Project } from '../projects/project';
import { readNetworkFiles, writeNetworkFiles, type NetworkWeights } from '../../formats/network-file';

/**
 * What NVIDIA's pretrained networks come with. Recorded with every imported network and shown at
 * import, so that a curator knows before printing a book for sale.
 */
export const NVIDIA_LICENSE =
  "NVIDIA's pretrained StyleGAN2 networks are licensed for non-commercial use only (NVIDIA Source Code License-NC; see the license of the repository the file came from). " +
  "Networks trained on FFHQ also inherit its images' license, CC BY-NC-SA 4.0: non-commercial, with attribution, and derivatives under the same terms. " +
  'Images, videos and books made from this network, or from networks fine-tuned from it, fall under these terms.';

/** NVlabs/stylegan's networks: the repository's license, and FFHQ's for the faces. */
export const NVIDIA_V1_LICENSE =
  "NVIDIA's pretrained StyleGAN (v1) networks are licensed CC BY-NC 4.0 (NVlabs/stylegan): non-commercial, with attribution. " +
  "Networks trained on FFHQ also inherit its images' license, CC BY-NC-SA 4.0: non-commercial, with attribution, and derivatives under the same terms. " +
  'Images, videos and books made from this network, or from networks fine-tuned from it, fall under these terms.';

interface NetworkRow {
  id: number;
  name: string;
  arch: 'stylegan2' | 'stylegan';
  source_file: string;
  source_sha256: string;
  resolution: number;
  channels: number;
  z_dim: number;
  w_dim: number;
  c_dim: number;
  config: string;
  license: string;
  dir_path: string;
  bytes: number;
  created_at: string;
}

function toNetwork(r: NetworkRow): Network {
  const config = JSON.parse(r.config) as StyleNetworkConfig;
  return {
    id: r.id,
    name: r.name,
    arch: r.arch,
    sourceFile: r.source_file,
    sourceSha256: r.source_sha256,
    resolution: r.resolution,
    channels: r.channels,
    zDim: r.z_dim,
    wDim: r.w_dim,
    cDim: r.c_dim,
    architecture: isStyleGanV1(config)
      ? `StyleGAN (v1): AdaIN, ${config.mappingLayers} mapping layers, feature maps ${config.fmapBase}/${config.fmapMax}, truncation ${config.truncationPsi} on the first ${config.truncationCutoff} styles`
      : `G ${config.gArchitecture}, D ${config.dArchitecture}, ${config.mappingLayers} mapping layers, channels ${config.channelBase}/${config.channelMax}`,
    license: r.license,
    path: r.dir_path,
    bytes: r.bytes,
    createdAt: r.created_at,
  };
}

export function listNetworks(project: Project): Network[] {
  return (project.db.prepare('SELECT * FROM networks ORDER BY id').all() as NetworkRow[]).map(toNetwork);
}

export function findNetwork(project: Project, ref: string | number): Network {
  const row = project.db.prepare('SELECT * FROM networks WHERE id = ? OR name = ?').get(typeof ref === 'number' ? ref : Number(ref) || -1, String(ref)) as
    NetworkRow | undefined;
  if (!row) throw new AppError('not_found', `no network "${ref}" in project "${project.name}"; import one with "leporello import-network"`);
  return toNetwork(row);
}

/** Refuses a network whose tensors do not have the shapes its own kwargs imply, naming the first that differs. */
function checkShapes(net: ImportedNetwork, role: 'G' | 'D', config: StyleGan2Config, file: string): void {
  const expected = expectedShapes(config, role);
  for (const [name, shape] of expected) {
    const t = net.tensors.get(name);
    if (!t) throw new AppError('invalid_request', `${file}: its ${role === 'G' ? 'generator' : 'discriminator'} has no ${name}, which its settings call for`);
    if (t.shape.join('x') !== shape.join('x')) {
      throw new AppError(
        'invalid_request',
        `${file}: ${name} is [${t.shape.join(', ')}] but the network's settings make it [${shape.join(', ')}]; the file and its settings disagree`,
      );
    }
  }
}

/** The weights a network needs, in the order expectedShapes gives them (resample filters and the like are left out); read when written. */
function pick(net: ImportedNetwork, role: 'G' | 'D', config: StyleGan2Config): Map<string, TensorData> {
  return new Map([...expectedShapes(config, role).keys()].map((name) => [name, net.tensors.get(name)!]));
}

/**
 * A network pickle's bytes, read as data, checked against the shapes its own settings imply and
 * written as the studio's network files into `dir` (G, D when present, G_ema). `shown` names it in
 * messages and in the files' record of where they came from.
 */
export async function convertNetworkPickle(
  bytes: Buffer,
  shown: string,
  dir: string,
  tmpDir: string,
): Promise<{ config: StyleNetworkConfig; format: string; sha256: string; size: number }> {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const pickle = readNetworkPickle(bytes, shown);
  const source = { file: shown, sha256, format: pickle.format };
  if (pickle.format === 'stylegan-tensorflow') {
    // Checked against the shapes its settings imply as it was read; kept in NVIDIA's names and layouts.
    const { config } = pickle;
    const size = await writeNetworkFiles(
      dir,
      tmpDir,
      { format: 'leporello-network', version: 1, arch: 'stylegan', config, license: NVIDIA_V1_LICENSE, source },
      { G: pickle.G.tensors, G_ema: pickle.G_ema.tensors, D: pickle.D.tensors },
    );
    return { config, format: pickle.format, sha256, size };
  }
  const config = styleGan2Config(pickle.G_ema, pickle.D, shown);
  checkShapes(pickle.G_ema, 'G', config, shown);
  checkShapes(pickle.G, 'G', config, shown);
  if (pickle.D) checkShapes(pickle.D, 'D', config, shown);
  const size = await writeNetworkFiles(
    dir,
    tmpDir,
    { format: 'leporello-network', version: 1, arch: 'stylegan2', config, license: NVIDIA_LICENSE, source },
    { G: pick(pickle.G, 'G', config), G_ema: pick(pickle.G_ema, 'G', config), ...(pickle.D ? { D: pick(pickle.D, 'D', config) } : {}) },
  );
  return { config, format: pickle.format, sha256, size };
}

export async function importNetwork(project: Project, file: string, name?: string): Promise<Network> {
  const bytes = await readUserFile(file, 'network pickle (.pkl)', FILE_LIMITS.network);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const known = project.db.prepare('SELECT name FROM networks WHERE source_sha256 = ?').get(sha256) as { name: string } | undefined;
  if (known) throw new AppError('conflict', `${basename(file)} is already in this project as network "${known.name}"`);
  const shown = basename(file);
  const networkName = (name ?? shown.replace(/\.pkl$/i, '')).trim();
  if (!networkName || networkName.length > 120) throw new AppError('invalid_request', 'give the network a name of 1 to 120 characters (--name)');
  if (project.db.prepare('SELECT 1 FROM networks WHERE name = ?').get(networkName))
    throw new AppError('conflict', `a network named "${networkName}" already exists; choose another name (--name)`);
  const dirPath = `networks/${networkName.replace(/[^\p{L}\p{N}_.-]+/gu, '-')}-${sha256.slice(0, 8)}`;
  // Built in tmp/ and renamed into place: a crash leaves no half network under networks/.
  const building = join(project.tmpDir, `network-${sha256.slice(0, 12)}`);
  await rm(building, { recursive: true, force: true });
  await mkdir(building, { recursive: true });
  const { config, format, size } = await convertNetworkPickle(bytes, shown, building, project.tmpDir);
  const v1 = isStyleGanV1(config);
  await rename(building, join(project.dir, dirPath));
  const { lastInsertRowid } = project.db
    .prepare(
      `INSERT INTO networks (name, arch, source_file, source_sha256, source_format, resolution, channels, z_dim, w_dim, c_dim, config, license, dir_path, bytes, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      networkName,
      v1 ? 'stylegan' : 'stylegan2',
      shown,
      sha256,
      format,
      config.resolution,
      config.channels,
      config.zDim,
      config.wDim,
      config.cDim,
      JSON.stringify(config),
      v1 ? NVIDIA_V1_LICENSE : NVIDIA_LICENSE,
      dirPath,
      size,
      new Date().toISOString(),
    );
  return findNetwork(project, Number(lastInsertRowid));
}

export async function loadNetwork(project: Project, ref: string | number): Promise<{ network: Network; config: StyleNetworkConfig; weights: NetworkWeights }> {
  const network = findNetwork(project, ref);
  const { manifest, weights } = await readNetworkFiles(join(project.dir, network.path));
  return { network, config: manifest.config, weights };
}
