// Version 3: training runs, their checkpoints, health at each checkpoint, per-step metrics, and latents (the run's
// witnesses first; projections and centroids later).
export const up = `
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id),
  arch TEXT NOT NULL,
  options TEXT NOT NULL,
  backend TEXT,
  backend_detail TEXT,
  status TEXT NOT NULL CHECK (status IN ('running', 'stopped', 'finished', 'failed', 'interrupted')),
  reason TEXT,
  parent_run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL,
  parent_checkpoint_id INTEGER,
  dir_path TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE checkpoints (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  epoch INTEGER NOT NULL,
  step INTEGER NOT NULL,
  images_seen INTEGER NOT NULL,
  path TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  witness_grid TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (run_id, epoch)
) STRICT;

CREATE TABLE run_health (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  epoch INTEGER NOT NULL,
  verdict TEXT NOT NULL CHECK (verdict IN ('healthy', 'collapsed')),
  metrics TEXT NOT NULL,
  reasons TEXT NOT NULL,
  PRIMARY KEY (run_id, epoch)
) STRICT;

CREATE TABLE run_metrics (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  step INTEGER NOT NULL,
  epoch INTEGER NOT NULL,
  name TEXT NOT NULL,
  value REAL NOT NULL,
  PRIMARY KEY (run_id, step, name)
) STRICT;

CREATE TABLE latents (
  id INTEGER PRIMARY KEY,
  run_id INTEGER REFERENCES runs(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('witness', 'projected', 'centroid', 'sample')),
  position INTEGER,
  vector BLOB NOT NULL,
  source TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX latents_witness ON latents(run_id, position) WHERE kind = 'witness';
`;
