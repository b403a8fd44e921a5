// Version 7: latents as the curator's material, not only a run's witnesses. Each says which
// generator it belongs to (an imported network, or a run at one of its checkpoints), whether it is
// a Z or a W vector, where it came from (a seed, a projected portrait with its final distance, a
// label's centroid, arithmetic on others) and may carry a name and labels of its own — the
// answers of the labeling questionnaire. The 'kind' constraint gains 'arithmetic', so the table
// is rebuilt (SQLite cannot alter a constraint) and its rows copied.
export const foreignKeysOff = true;

export const up = `
CREATE TABLE latents_v7 (
  id INTEGER PRIMARY KEY,
  run_id INTEGER REFERENCES runs(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('witness', 'projected', 'centroid', 'sample', 'arithmetic')),
  position INTEGER,
  vector BLOB NOT NULL,
  source TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  generator TEXT,
  space TEXT CHECK (space IN ('z', 'w')),
  name TEXT,
  image_id INTEGER REFERENCES images(id) ON DELETE SET NULL,
  detail TEXT NOT NULL DEFAULT '{}'
) STRICT;
INSERT INTO latents_v7 (id, run_id, kind, position, vector, source, created_at, space)
  SELECT id, run_id, kind, position, vector, source, created_at, 'z' FROM latents;
DROP TABLE latents;
ALTER TABLE latents_v7 RENAME TO latents;
CREATE UNIQUE INDEX latents_witness ON latents(run_id, position) WHERE kind = 'witness';
CREATE INDEX latents_by_generator ON latents(generator, space);

CREATE TABLE latent_labels (
  latent_id INTEGER NOT NULL REFERENCES latents(id) ON DELETE CASCADE,
  key_id INTEGER NOT NULL REFERENCES label_keys(id) ON DELETE CASCADE,
  value TEXT NOT NULL,
  PRIMARY KEY (latent_id, key_id)
) STRICT;
CREATE INDEX latent_labels_by_value ON latent_labels(key_id, value);
`;
