// Version 19: an import that gives labels or catalogue fields to pictures the project already had
// keeps what those pictures held before (their labels, sitter, caption, date, source, rights), so
// that undoing the import gives it back — one step takes back everything the import did.
export const up = `
CREATE TABLE import_prior (
  import_id TEXT NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
  image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  -- JSON: [[key, value], …] and {sitter, caption, date, source, rights}
  labels TEXT NOT NULL,
  fields TEXT NOT NULL,
  PRIMARY KEY (import_id, image_id)
) STRICT;
`;
