// Version 6: pretrained networks imported into the project (NVIDIA's StyleGAN2 pickles), stored in
// the studio's own format under networks/, with where they came from and the license they carry.
export const up = `
CREATE TABLE networks (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  arch TEXT NOT NULL CHECK (arch IN ('stylegan2')),
  source_file TEXT NOT NULL,
  source_sha256 TEXT NOT NULL,
  source_format TEXT NOT NULL,
  resolution INTEGER NOT NULL,
  channels INTEGER NOT NULL,
  z_dim INTEGER NOT NULL,
  w_dim INTEGER NOT NULL,
  c_dim INTEGER NOT NULL,
  config TEXT NOT NULL,
  license TEXT NOT NULL,
  dir_path TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  created_at TEXT NOT NULL
) STRICT;
`;
