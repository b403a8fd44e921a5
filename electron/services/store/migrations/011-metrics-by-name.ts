// Version 11: a run's statistics by name. A run stores a dozen of them per step (train-stats.ts),
// and the dashboard reads each as one series; without this index every series read scanned all
// of the run's rows.
export const up = `
CREATE INDEX run_metrics_by_name ON run_metrics (run_id, name, step);
`;
