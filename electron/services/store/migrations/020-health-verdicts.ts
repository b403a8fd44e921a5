// Version 20: a checkpoint's health has five verdicts instead of two (shared/health.ts): the
// untrained start and a run still learning are no longer called healthy, a collapse is
// "collapsing" from its onset, and samples that turned to noise are "failed". Rows written before
// keep what they said, in the new words: the untrained start and "still learning" were told apart
// only by their first reason, a collapse was "collapsed".
export const up = `
CREATE TABLE run_health_v20 (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  images_seen INTEGER NOT NULL,
  epoch INTEGER NOT NULL,
  verdict TEXT NOT NULL CHECK (verdict IN ('untrained', 'learning', 'healthy', 'collapsing', 'failed')),
  metrics TEXT NOT NULL,
  reasons TEXT NOT NULL,
  PRIMARY KEY (run_id, images_seen)
) STRICT;
INSERT INTO run_health_v20 (run_id, images_seen, epoch, verdict, metrics, reasons)
  SELECT run_id, images_seen, epoch,
    CASE
      WHEN verdict = 'collapsed' THEN 'collapsing'
      WHEN coalesce(json_extract(reasons, '$[0]'), '') LIKE 'untrained%' THEN 'untrained'
      WHEN coalesce(json_extract(reasons, '$[0]'), '') LIKE 'still learning%' THEN 'learning'
      ELSE 'healthy'
    END,
    metrics, reasons
  FROM run_health;
DROP TABLE run_health;
ALTER TABLE run_health_v20 RENAME TO run_health;
`;
