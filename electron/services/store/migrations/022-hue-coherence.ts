// Version 22: how much an aligned face's colour is one hue (formats/faces/crop-measures.ts), so that
// a toned print (sepia, a green halftone) is told from a colour photograph. Faces measured before
// have none; services/curation/tints.ts measures them from their crops when flags are next asked for.
export const up = `
ALTER TABLE faces ADD COLUMN hue_coherence REAL CHECK (hue_coherence IS NULL OR (hue_coherence >= 0 AND hue_coherence <= 1.0001));
`;
