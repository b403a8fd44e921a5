// Version 4: runs measured in thousands of images (kimg) as well as epochs, and runs that pause.
// A checkpoint and a health verdict are identified by the images seen, which grow in both modes
// (two kimg checkpoints can fall in one epoch of a large dataset); a run may be 'paused'.
// SQLite cannot alter a constraint, so the three tables are rebuilt (with foreign keys off,
// see migrate.ts) and their rows copied.
export const foreignKeysOff = true;

export const up = `
CREATE TABLE runs_v4 (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id),
  arch TEXT NOT NULL,
  options TEXT NOT NULL,
  backend TEXT,
  backend_detail TEXT,
  status TEXT NOT NULL CHECK (status IN ('running', 'paused', 'stopped', 'finished', 'failed', 'interrupted')),
  reason TEXT,
  parent_run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL,
  parent_checkpoint_id INTEGER,
  dir_path TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
INSERT INTO runs_v4 SELECT * FROM runs;
DROP TABLE runs;
ALTER TABLE runs_v4 RENAME TO runs;

CREATE TABLE checkpoints_v4 (
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
  UNIQUE (run_id, images_seen)
) STRICT;
INSERT INTO checkpoints_v4 SELECT * FROM checkpoints;
DROP TABLE checkpoints;
ALTER TABLE checkpoints_v4 RENAME TO checkpoints;

CREATE TABLE run_health_v4 (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  images_seen INTEGER NOT NULL,
  epoch INTEGER NOT NULL,
  verdict TEXT NOT NULL CHECK (verdict IN ('healthy', 'collapsed')),
  metrics TEXT NOT NULL,
  reasons TEXT NOT NULL,
  PRIMARY KEY (run_id, images_seen)
) STRICT;
INSERT INTO run_health_v4 (run_id, images_seen, epoch, verdict, metrics, reasons)
  SELECT h.run_id, coalesce(c.images_seen, 0), h.epoch, h.verdict, h.metrics, h.reasons
  FROM run_health h LEFT JOIN checkpoints c ON c.run_id = h.run_id AND c.epoch = h.epoch;
DROP TABLE run_health;
ALTER TABLE run_health_v4 RENAME TO run_health;
`;
