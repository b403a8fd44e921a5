// Version 8: what the studio rendered — blend videos, leporello books, contact sheets — with the
// file, its hash, the generator it drew from, and the settings that made it, so that a render can
// be found, checked and made again.
export const up = `
CREATE TABLE renders (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('video', 'leporello', 'contact-sheet')),
  path TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  generator TEXT,
  settings TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL
) STRICT;
`;
