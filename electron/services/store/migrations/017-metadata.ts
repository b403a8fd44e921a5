// Version 17: what an archive's catalogue says of each picture — who sits for it, a caption, a date,
// the archive's own reference — read from a CSV or JSON sidecar at import or typed in the detail
// view. Captions print under the portraits of books and contact sheets.
export const up = `
ALTER TABLE images ADD COLUMN sitter TEXT NOT NULL DEFAULT '';
ALTER TABLE images ADD COLUMN caption TEXT NOT NULL DEFAULT '';
ALTER TABLE images ADD COLUMN date TEXT NOT NULL DEFAULT '';
ALTER TABLE images ADD COLUMN source TEXT NOT NULL DEFAULT '';
`;
