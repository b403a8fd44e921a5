// Version 10: where a stopped run continues. A stop between two checkpoints writes the training
// state at that step (no witnesses, no health: it is not a column of the timeline); the run keeps
// one, the newest, until a later checkpoint makes it unneeded.
export const up = `
CREATE TABLE resume_points (
  run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
  epoch INTEGER NOT NULL,
  step INTEGER NOT NULL,
  images_seen INTEGER NOT NULL,
  path TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  created_at TEXT NOT NULL
) STRICT;
`;
