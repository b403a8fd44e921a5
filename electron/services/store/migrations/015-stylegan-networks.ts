// Version 15: imported networks may be StyleGAN (v1) as well as StyleGAN2 (NVlabs/stylegan's
// TensorFlow pickles). The 'arch' constraint gains 'stylegan', so the table is rebuilt (SQLite
// cannot alter a constraint) and its rows copied; quality rows keep pointing at the same ids.
export const foreignKeysOff = true;

export const up = `
CREATE TABLE networks_v15 (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  arch TEXT NOT NULL CHECK (arch IN ('stylegan2', 'stylegan')),
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
INSERT INTO networks_v15 SELECT id, name, arch, source_file, source_sha256, source_format, resolution, channels, z_dim, w_dim, c_dim, config, license, dir_path, bytes, created_at FROM networks;
DROP TABLE networks;
ALTER TABLE networks_v15 RENAME TO networks;
`;
