// Version 1: the project, its collections, imported images with provenance, and labels on them.
export const up = `
CREATE TABLE project (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE collections (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE images (
  id INTEGER PRIMARY KEY,
  collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
  status TEXT NOT NULL CHECK (status IN ('ok', 'rejected', 'duplicate')),
  reason TEXT,
  sha256 TEXT,
  phash TEXT,
  width INTEGER,
  height INTEGER,
  format TEXT,
  bytes INTEGER,
  original_path TEXT,
  thumb_path TEXT,
  source_path TEXT NOT NULL,
  archive TEXT NOT NULL DEFAULT '',
  notes TEXT NOT NULL DEFAULT '',
  rights TEXT NOT NULL DEFAULT '',
  duplicate_of INTEGER REFERENCES images(id) ON DELETE SET NULL,
  imported_at TEXT NOT NULL,
  CHECK (status = 'ok' OR reason IS NOT NULL),
  CHECK (status <> 'ok' OR (sha256 IS NOT NULL AND original_path IS NOT NULL))
) STRICT;
-- One kept copy per content; rejected and duplicate records are kept once per source file.
CREATE UNIQUE INDEX images_ok_by_sha ON images(sha256) WHERE status = 'ok';
CREATE UNIQUE INDEX images_other_by_source ON images(source_path, ifnull(sha256, '')) WHERE status <> 'ok';
CREATE INDEX images_by_collection ON images(collection_id, status);

CREATE TABLE label_keys (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
) STRICT;

CREATE TABLE image_labels (
  image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  key_id INTEGER NOT NULL REFERENCES label_keys(id) ON DELETE CASCADE,
  value TEXT NOT NULL,
  PRIMARY KEY (image_id, key_id)
) STRICT;
CREATE INDEX image_labels_by_value ON image_labels(key_id, value);
`;
