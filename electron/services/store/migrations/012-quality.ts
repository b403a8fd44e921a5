// Version 12: how good a generator is, measured. One row per metric and measurement of a run's
// checkpoint (or an imported network, against a dataset), with the settings it was measured with
// (how many pictures, which dataset, which seed), so that two measurements compare only when
// their settings do; 'quick' marks the one taken at every checkpoint while training.
export const up = `
CREATE TABLE quality (
  id INTEGER PRIMARY KEY,
  checkpoint_id INTEGER REFERENCES checkpoints(id) ON DELETE CASCADE,
  network_id INTEGER REFERENCES networks(id) ON DELETE CASCADE,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  value REAL NOT NULL,
  detail TEXT NOT NULL DEFAULT '{}',
  settings TEXT NOT NULL,
  quick INTEGER NOT NULL DEFAULT 0 CHECK (quick IN (0, 1)),
  created_at TEXT NOT NULL,
  CHECK ((checkpoint_id IS NULL) <> (network_id IS NULL))
) STRICT;
CREATE INDEX quality_by_checkpoint ON quality (checkpoint_id, name);
CREATE INDEX quality_by_network ON quality (network_id, dataset_id, name);
`;
