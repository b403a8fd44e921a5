// The book's shared geometry: the sheet chosen for a panel size, and why a sheet does not fit.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { layoutProblem, smallestSheet, type LeporelloLayout } from '../../shared/book-layout';

const layout = (panelWidthMm: number, panelHeightMm: number): Omit<LeporelloLayout, 'sheet'> => ({
  panels: 10,
  panelWidthMm,
  panelHeightMm,
  bleedMm: 3,
  marginMm: 10,
  background: [255, 255, 255],
  title: 't',
});

test('the sheet follows the panel size: A4 where the panels fit it with bleed and marks, else A3, else the print shop strip', () => {
  assert.equal(smallestSheet(layout(100, 100)), 'A4');
  assert.equal(smallestSheet(layout(150, 210)), 'A3', '21 cm panels need 236 mm of height with bleed and marks');
  assert.equal(smallestSheet(layout(300, 300)), 'strip');
  assert.match(
    layoutProblem({ ...layout(150, 210), sheet: 'A4' })!,
    /^panels 210 mm high do not fit an A4 sheet with bleed and marks \(they need 236 mm of its 210 mm\)/,
  );
  assert.equal(layoutProblem({ ...layout(150, 210), sheet: 'A3' }), null);
});
