import { describe, expect, it } from '@jest/globals';
import {
  DATASETS,
  LOGHUB_DIR,
  loadDataset,
  loghubAvailable,
  score,
} from '../../scripts/lib/loghub.js';
import { mineLines } from '../../scripts/lib/mine.js';
import { COMMITTED_ACCURACY, TOLERANCE } from './accuracy-figures.js';

describe('grouping accuracy on Loghub-2k', () => {
  if (!loghubAvailable()) {
    it.skip(`skipped: Loghub-2k not found at ${LOGHUB_DIR} (relative to the repository root)`, () => {});
    return;
  }

  const datasets = DATASETS.map((name) => loadDataset(name));
  const average = (input: 'content' | 'raw') =>
    datasets.reduce((sum, data) => sum + score(mineLines(data[input]), data.truth).ga, 0) /
    datasets.length;

  it(`keeps the average GA on messages within ${TOLERANCE} of ${COMMITTED_ACCURACY.contentGA}`, () => {
    expect(average('content')).toBeGreaterThanOrEqual(COMMITTED_ACCURACY.contentGA - TOLERANCE);
  });

  it(`keeps the average GA on raw lines within ${TOLERANCE} of ${COMMITTED_ACCURACY.rawGA}`, () => {
    expect(average('raw')).toBeGreaterThanOrEqual(COMMITTED_ACCURACY.rawGA - TOLERANCE);
  });
});
