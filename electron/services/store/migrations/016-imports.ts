// Version 16: each import is recorded, and every image record it made says which import made it,
// so that an import can be undone as one step (its new images, rejections and duplicates removed,
// and the collection it created, once empty).
export const up = `
CREATE TABLE imports (
  id TEXT PRIMARY KEY,
  collection_id INTEGER REFERENCES collections(id) ON DELETE SET NULL,
  created_collection INTEGER NOT NULL CHECK (created_collection IN (0, 1)),
  -- The process running it (formats/process-owner.ts), and when it ended: one still running is not undone.
  owner TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  undone_at TEXT
) STRICT;
ALTER TABLE images ADD COLUMN import_id TEXT REFERENCES imports(id) ON DELETE SET NULL;
CREATE INDEX images_by_import ON images(import_id);
`;
