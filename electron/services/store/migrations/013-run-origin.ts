// Version 13: where a run was trained, when not here. A run brought in from NVIDIA's train.py
// keeps the trainer, the folder it came from and that trainer's own options (training_options.json),
// shown with the run and never trained on by the studio.
export const up = `
ALTER TABLE runs ADD COLUMN origin TEXT;
`;
