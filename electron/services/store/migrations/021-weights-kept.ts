// Version 21: a run may keep the networks of only every Nth checkpoint (RunRequest.keepWeightsEvery);
// the others keep their witnesses, health and place on the timeline, and say that their weights
// were let go. Every checkpoint written before kept its weights.
export const up = `
ALTER TABLE checkpoints ADD COLUMN weights_kept INTEGER NOT NULL DEFAULT 1 CHECK (weights_kept IN (0, 1));
`;
