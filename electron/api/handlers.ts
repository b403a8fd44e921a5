import { join } from 'node:path';
import type { AppInfo } from '../../shared/contract';
import { appVersion } from '../app-paths';
import { AppError } from '../../shared/errors';
import { createCollection, getCollection, listCollections } from '../services/collections';
import { findDuplicates, keepOne } from '../services/curation/duplicates';
import { listFaces, setFaceStatus } from '../services/curation/faces';
import { measureMissingTints } from '../services/curation/tints';
import { placeFaceByHand } from '../services/curation/manual-crop';
import { setThresholds } from '../services/curation/quality';
import { createDataset, getDataset, listDatasets } from '../services/datasets/datasets';
import { ClusterRefusal, prepareClusterRun } from '../services/exchange/cluster-run';
import { locateFfmpeg } from '../services/ffmpeg';
import { getImage, listImages, updateProvenance } from '../services/images';
import { listLabels, removeLabel, setLabel } from '../services/labels';
import { listRuns } from '../services/runs/run-store';
import { importNetwork, listNetworks } from '../services/networks/network-store';
import { catalogueState } from '../services/networks/network-fetch';
import { folderBytes } from '../services/fs/disk-use';
import { bringBackPictures, lookAgainAt, setAsidePictures } from '../services/curation/faceless-pictures';
import { resolveGenerator } from '../services/networks/generator-sessions';
import { exportNetworkPickle, pickleExportPath } from '../services/exchange/network-export';
import { expandHome } from '../services/fs/expand-home';
import { deleteCollection, deleteImages, imageUsage } from '../services/deletion';
import { previewSidecar } from '../services/import/sidecar';
import { buildTimeline, ensureThumbnails, exportTimeline } from '../services/runs/timeline';
import { planBook } from '../services/renders/book-plan';
import { rectoCandidates } from '../services/renders/leporello-content';
import { inspectRun } from '../services/runs/run-inspection';
import { runSeries } from '../services/runs/run-series';
import { runQuality } from '../services/quality/quality-store';
import type { Studio } from '../services/studio';
import { generatorKeyOf, listLatentGenerators } from '../services/latent-generators';
import { labelLatents, latentsOf, listLatents } from '../services/latents';
import { listRenders } from '../services/renders/render-store';
import type { Handlers } from './router';

/** What differs between the Electron shell and the headless server. */
export interface ShellHooks {
  chooseImportPaths?: () => Promise<string[]>;
}

export function createHandlers(studio: Studio, hooks: ShellHooks = {}): Handlers {
  return {
    'app.info': (): AppInfo => ({
      version: appVersion,
      shell: studio.options.shell,
      projectsRoot: studio.options.projectsRoot,
      ffmpeg: locateFfmpeg(),
    }),
    'projects.list': () => ({ projects: studio.listProjects(), current: studio.current?.summary() ?? null }),
    'projects.createSample': () => studio.createSampleProject(),
    'projects.cancelSample': () => ({ cancelled: studio.cancelSampleProject() }),
    'projects.create': ({ name }) => studio.createProject(name),
    'projects.open': ({ path }) => studio.openKnownProject(path),
    'projects.delete': ({ path, name }) => studio.deleteProject(path, name),
    'collections.list': () => listCollections(studio.requireProject()),
    'collections.create': ({ name }) => createCollection(studio.requireProject(), name),
    'images.list': (q) => listImages(studio.requireProject(), q),
    'images.get': ({ id }) => getImage(studio.requireProject(), id),
    'images.updateProvenance': (req) => updateProvenance(studio.requireProject(), req),
    'labels.list': () => listLabels(studio.requireProject()),
    'labels.set': ({ imageIds, key, value }) => {
      const updated = setLabel(studio.requireProject(), imageIds, key, value);
      studio.events.emit('images.changed', { collectionId: null });
      return { updated };
    },
    'labels.remove': ({ imageIds, key }) => {
      const updated = removeLabel(studio.requireProject(), imageIds, key);
      studio.events.emit('images.changed', { collectionId: null });
      return { updated };
    },
    'import.start': ({ paths, collection, labels, archive, metadata, metadataRoles }) => {
      const { job } = studio.startImport({
        paths: paths.map(expandHome),
        collection,
        labels,
        archive,
        ...(metadata ? { metadata: expandHome(metadata), metadataRoles } : {}),
      });
      return { jobId: job.id };
    },
    'import.cancel': ({ jobId }) => ({ cancelled: studio.cancelImport(jobId) }),
    'import.undo': ({ importId }) => studio.undoImport(importId),
    'import.previewMetadata': ({ path, roles }) => previewSidecar(expandHome(path), roles),
    'images.usage': ({ ids }) => imageUsage(studio.requireProject(), ids),
    'images.delete': async ({ ids }) => {
      const { deleted } = await deleteImages(studio.requireProject(), ids);
      studio.events.emit('images.changed', { collectionId: null });
      return { deleted };
    },
    'collections.delete': async ({ id }) => {
      const { deleted } = await deleteCollection(studio.requireProject(), id);
      studio.events.emit('images.changed', { collectionId: null });
      return { deleted };
    },
    'curation.start': (request) => ({ jobId: studio.curation.start(request).jobId }),
    'curation.cancel': ({ jobId }) => ({ cancelled: studio.curation.cancel(jobId) }),
    'faces.list': async (query) => {
      const project = studio.requireProject();
      await measureMissingTints(project, query.collectionId);
      return listFaces(project, query);
    },
    'faces.setStatus': ({ faceIds, status, reason }) => {
      const updated = setFaceStatus(studio.requireProject(), faceIds, status, reason);
      studio.events.emit('images.changed', { collectionId: null });
      return { updated };
    },
    'pictures.setAside': ({ imageIds, reason }) => {
      const updated = setAsidePictures(studio.requireProject(), imageIds, reason);
      studio.events.emit('images.changed', { collectionId: null });
      return { updated };
    },
    'pictures.bringBack': ({ imageIds }) => {
      const updated = bringBackPictures(studio.requireProject(), imageIds);
      studio.events.emit('images.changed', { collectionId: null });
      return { updated };
    },
    'pictures.lookAgain': ({ imageIds, collectionId }) => {
      const queued = lookAgainAt(studio.requireProject(), imageIds ?? 'all', collectionId);
      studio.events.emit('images.changed', { collectionId: collectionId ?? null });
      return { queued };
    },
    'faces.placeByHand': async (placement) => {
      const faceId = await placeFaceByHand(studio.requireProject(), placement);
      studio.events.emit('images.changed', { collectionId: null });
      return { faceId };
    },
    'duplicates.list': ({ collectionId }) => findDuplicates(studio.requireProject(), collectionId),
    'duplicates.keep': ({ keeperFaceId, faceIds, pictureIds }) => {
      const kept = keepOne(studio.requireProject(), keeperFaceId, faceIds, pictureIds);
      studio.events.emit('images.changed', { collectionId: null });
      return kept;
    },
    // Given thresholds are kept for the project; all of them come back.
    'quality.thresholds': (changes) => setThresholds(studio.requireProject(), changes),
    'datasets.list': () => listDatasets(studio.requireProject()),
    'datasets.create': (req) => createDataset(studio.requireProject(), req, { onProgress: (p) => studio.events.emit('dataset.progress', p) }),
    'runs.list': () => listRuns(studio.requireProject()),
    'runs.start': async (req) => (await studio.runs.start(req)).run,
    'runs.stop': ({ runId }) => studio.runs.stop(runId),
    'runs.pause': ({ runId }) => studio.runs.pause(runId),
    'runs.resume': async ({ runId }) => (await studio.runs.resume(runId)).run,
    'runs.fork': async (req) => (await studio.runs.fork(req)).run,
    'runs.timeline': async ({ runId, vsRunId }) => {
      const timeline = buildTimeline(studio.requireProject(), vsRunId ? [runId, vsRunId] : [runId]);
      await ensureThumbnails(studio.requireProject(), timeline);
      return timeline;
    },
    'runs.live': () => studio.runs.live(),
    'runs.series': ({ runId, points }) => runSeries(studio.requireProject(), runId, points),
    'runs.quality': ({ runId }) => runQuality(studio.requireProject(), runId),
    'runs.inspect': ({ runId, at }) => inspectRun(studio.requireProject(), studio.engine, runId, at),
    'runs.delete': ({ runId }) => studio.runs.delete(runId),
    'runs.estimate': (req) => studio.runs.estimate(req),
    'runs.limits': (req) => studio.runs.limits(req),
    'runs.diskUse': async () => {
      const project = studio.requireProject();
      return Promise.all(listRuns(project).map(async (r) => ({ runId: r.id, bytes: await folderBytes(join(project.dir, r.path)) })));
    },
    'runs.exportTimeline': ({ runId, vsRunId, witnesses }) => exportTimeline(studio.requireProject(), vsRunId ? [runId, vsRunId] : [runId], witnesses),
    'backends.probe': () => studio.runs.probeBackends(),
    'networks.list': () => listNetworks(studio.requireProject()),
    'networks.catalogue': () => catalogueState(studio.current, studio.options.home),
    'networks.import': ({ path, name }) => importNetwork(studio.requireProject(), expandHome(path), name),
    'cluster.prepare': async ({ write, ...req }) => {
      const project = studio.requireProject();
      const dir = write
        ? `renders/cluster/${getDataset(project, req.datasetId).name.replace(/[^\p{L}\p{N}_.-]+/gu, '-')}-${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}`
        : null;
      try {
        const prepared = await prepareClusterRun(project, req, dir ? join(project.dir, dir) : null);
        return { cfg: prepared.cfg, command: prepared.command, notes: prepared.notes, dir, files: prepared.files };
      } catch (err) {
        if (err instanceof ClusterRefusal) return { refusal: err.message };
        throw err;
      }
    },
    'networks.exportPickle': async ({ source }) => {
      const project = studio.requireProject();
      const path = pickleExportPath(resolveGenerator(project, source).describe.label);
      const written = await exportNetworkPickle(project, source, join(project.dir, path));
      return { path, bytes: written.bytes, label: written.label, license: written.license };
    },
    'generate.sources': () => studio.generators.sources(),
    'generate.seeds': (req) => studio.generators.seeds(req),
    'generate.styleMix': (req) => studio.generators.styleMix(req),
    'generate.interpolate': (req) => studio.generators.interpolate(req),
    'latents.generators': ({ also }) => listLatentGenerators(studio.requireProject(), also),
    'latents.list': ({ ref }) => {
      const project = studio.requireProject();
      return listLatents(project, generatorKeyOf(project, ref)).map(({ vector: _, generator: __, space: ___, ...rest }) => rest);
    },
    'latents.label': ({ ref, ids, key, value }) => {
      const project = studio.requireProject();
      return {
        labelled: labelLatents(
          project,
          latentsOf(project, generatorKeyOf(project, ref), ids).map((l) => l.id),
          key,
          value,
        ),
      };
    },
    'jobs.start': (request) => studio.jobs.start(request),
    'jobs.cancel': ({ jobId }) => ({ cancelled: studio.jobs.cancel(jobId) }),
    'renders.list': () => listRenders(studio.requireProject()),
    'books.plan': (request) => planBook(studio.requireProject(), request),
    'books.rectoCandidates': ({ collectionId, recto }) =>
      rectoCandidates(studio.requireProject(), getCollection(studio.requireProject(), collectionId).id, recto).map(
        ({ id, path, thumb, width, height, caption }) => ({
          id,
          file: path,
          thumb,
          width,
          height,
          caption,
        }),
      ),
    'dialog.chooseImportPaths': async () => {
      if (!hooks.chooseImportPaths) {
        throw new AppError('unavailable', 'file dialogs exist only in the desktop app; in the browser, type the folder path on the studio machine');
      }
      return { paths: await hooks.chooseImportPaths() };
    },
  };
}
