// Version 18: faces the detector finds only on a prepared picture (made grey, contrast-stretched
// and padded: face-detector.ts) carry passes of their own, so the faces table's 'pass' constraint
// grows and the table is rebuilt (SQLite cannot alter a constraint), rows and ids kept. A picture
// without a face can be set aside by the curator, with a reason, instead of waiting in "Without a
// face" for a crop placed by hand.
export const foreignKeysOff = true;

export const up = `
CREATE TABLE faces_v18 (
  id INTEGER PRIMARY KEY,
  image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('detected', 'manual')),
  -- Which detector pass found it (face-detector.ts): the usual one, a lower confidence, the tiny
  -- detector, and the same three on the prepared picture.
  pass TEXT CHECK (pass IN ('ssd', 'ssd-low', 'tiny-low', 'prepared', 'prepared-low', 'prepared-tiny')),
  score REAL,
  box TEXT NOT NULL,
  landmarks BLOB,
  descriptor BLOB,
  quad TEXT NOT NULL,
  aligned_path TEXT NOT NULL,
  aligned_size INTEGER NOT NULL,
  phash TEXT NOT NULL,
  sharpness REAL NOT NULL,
  colourfulness REAL NOT NULL,
  status TEXT NOT NULL DEFAULT 'kept' CHECK (status IN ('kept', 'excluded')),
  reason TEXT,
  created_at TEXT NOT NULL,
  UNIQUE (image_id, position),
  CHECK (status = 'kept' OR reason IS NOT NULL)
) STRICT;
INSERT INTO faces_v18 SELECT id, image_id, position, source, pass, score, box, landmarks, descriptor, quad, aligned_path, aligned_size, phash, sharpness, colourfulness, status, reason, created_at FROM faces;
DROP TABLE faces;
ALTER TABLE faces_v18 RENAME TO faces;
CREATE INDEX faces_by_status ON faces(status);

-- The curator's reason for setting aside a picture in which no face was found; null while it waits.
ALTER TABLE image_curation ADD COLUMN set_aside TEXT;
`;
