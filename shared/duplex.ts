// How the book's sheets are to be printed on both sides, said alike by the PDF itself, the Book
// view and the CLI. Sheets are landscape, so turning one over on its short edge (left to right,
// as a book's page turns) mirrors it across; the verso is laid out mirrored to register that way
// (tests/integration/book-duplex.test.ts checks it on poppler's rendering of both sides).
export const DUPLEX_FLIP = 'short';

export const DUPLEX_INSTRUCTION = `print both sides, flipped on the ${DUPLEX_FLIP} edge`;
