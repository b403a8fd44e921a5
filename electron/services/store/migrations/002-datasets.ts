// Version 2: datasets — frozen, immutable snapshots of a collection at one resolution, packed
// as a uint8 tensor file whose hash is kept here, with the images they were made from, in order.
export const up = `
CREATE TABLE datasets (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  collection_id INTEGER REFERENCES collections(id) ON DELETE SET NULL,
  label_key TEXT,
  label_value TEXT,
  resolution INTEGER NOT NULL CHECK (resolution >= 16 AND resolution <= 1024 AND (resolution & (resolution - 1)) = 0),
  channels INTEGER NOT NULL CHECK (channels IN (1, 3)),
  fit TEXT NOT NULL CHECK (fit IN ('crop', 'pad')),
  xflip INTEGER NOT NULL CHECK (xflip IN (0, 1)),
  image_count INTEGER NOT NULL CHECK (image_count > 0),
  dir_path TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE dataset_images (
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  image_id INTEGER REFERENCES images(id) ON DELETE SET NULL,
  PRIMARY KEY (dataset_id, position)
) STRICT;
`;
