// Version 5: curation. Each picture is looked at once (image_curation: its faces were found, or
// none was, or it could not be read); each face found becomes an item of its own with its
// landmarks, descriptor, the square it is aligned by and the aligned crop, kept or excluded.
export const up = `
CREATE TABLE image_curation (
  image_id INTEGER PRIMARY KEY REFERENCES images(id) ON DELETE CASCADE,
  state TEXT NOT NULL CHECK (state IN ('faces', 'no_face', 'failed')),
  reason TEXT,
  detector TEXT NOT NULL,
  master_size INTEGER NOT NULL,
  processed_at TEXT NOT NULL,
  CHECK (state = 'faces' OR reason IS NOT NULL)
) STRICT;

CREATE TABLE faces (
  id INTEGER PRIMARY KEY,
  image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('detected', 'manual')),
  -- Which detector pass found it (face-detector.ts): the usual one, or a second look at lower confidence.
  pass TEXT CHECK (pass IN ('ssd', 'ssd-low', 'tiny-low')),
  score REAL,
  box TEXT NOT NULL,
  landmarks BLOB,
  descriptor BLOB,
  quad TEXT NOT NULL,
  aligned_path TEXT NOT NULL,
  aligned_size INTEGER NOT NULL,
  -- Of the aligned crop: its perceptual hash (re-scans of one photograph align to near-identical
  -- crops), its sharpness (variance of the Laplacian at 128 px) and its colourfulness (mean
  -- chroma, 0 for a grey picture).
  phash TEXT NOT NULL,
  sharpness REAL NOT NULL,
  colourfulness REAL NOT NULL,
  status TEXT NOT NULL DEFAULT 'kept' CHECK (status IN ('kept', 'excluded')),
  reason TEXT,
  created_at TEXT NOT NULL,
  UNIQUE (image_id, position),
  CHECK (status = 'kept' OR reason IS NOT NULL)
) STRICT;
CREATE INDEX faces_by_status ON faces(status);

-- The curator's thresholds for quality flags (quality.ts), one row per setting.
CREATE TABLE curation_settings (
  name TEXT PRIMARY KEY,
  value REAL NOT NULL
) STRICT;
`;
