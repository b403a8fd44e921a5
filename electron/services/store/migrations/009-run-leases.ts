// Version 9: which live process trains a run. The owner (pid-random, see projects/process-space.ts)
// renews its lease while the run trains; any other process — the studio, a CLI command — leaves a
// run with a live lease alone: it does not mark it interrupted, resume it twice or delete it, and
// it asks for a pause or a stop through `control`, which the owner reads at its next renewal.
// `progress` is the owner's latest report, so that another process can show the run as live.
export const up = `
ALTER TABLE runs ADD COLUMN owner TEXT;
ALTER TABLE runs ADD COLUMN lease_until INTEGER;
ALTER TABLE runs ADD COLUMN control TEXT CHECK (control IN ('pause', 'continue', 'stop'));
ALTER TABLE runs ADD COLUMN progress TEXT;
`;
