// One of NVIDIA's published networks, downloaded (resumably) into the studio's downloads/ folder,
// verified and imported into the project. No engine: the host does it all.
import { fetchNetwork } from '../../networks/network-fetch';
import type { HostJob } from '../job-context';

export const fetchNetworkJob: HostJob<'fetch-network'> = async (request, { project, studioHome, signal, onProgress }) => {
  const started = Date.now();
  const r = await fetchNetwork(project, studioHome, request.network, { ...(request.name ? { name: request.name } : {}), signal, onProgress });
  return { ...r, seconds: (Date.now() - started) / 1000 };
};
