// Version 14: a dataset's classes for conditional training — the label whose values they are and
// those values in class order (each image's class is in the dataset's own dataset.json).
export const up = `
ALTER TABLE datasets ADD COLUMN class_key TEXT;
ALTER TABLE datasets ADD COLUMN classes TEXT;
`;
