/** The comparison's data: its options and defaults, what it tests and what it finds. */
import type { MinedSignatures, Signature, Windows } from '../signatures/index.js';
import type { Trend } from './traffic.js';
import type { Verdict } from './verdict.js';

export type Status = 'new' | 'increased' | 'unchanged' | 'decreased' | 'resolved';

/** The sensitivity of the comparison; docs/statistics.md says what each one does and why. */
export interface CompareOptions {
  /** Family-wise error rate across all signatures (Holm). */
  alpha?: number;
  /** Smallest change in rate that counts: a ratio of at least this, or at most its inverse. */
  minRatio?: number;
  /** Fewest events after the deploy for a signature to be flagged new or increased. */
  minEvents?: number;
  /** Judge each signature against the common trend of the recurring ones (traffic shifts). */
  normaliseTraffic?: boolean;
  /** Judge each signature against its own variability across the baseline (bursts). */
  judgeBursts?: boolean;
}

export const DEFAULT_ALPHA = 0.01;

export const DEFAULT_MIN_RATIO = 1.5;

export const DEFAULT_MIN_EVENTS = 5;

/**
 * With nothing flagged, the data is too thin to call clean when the 95% interval of the pooled
 * error rate ratio still reaches this far: the windows could hide a tripling of the errors.
 */
export const THIN_RATIO = 3;

/** A signature with its counts turned into rates and the test's evidence. */
export interface Finding extends Signature {
  status: Status;
  flagged: boolean;
  /** Events per minute in each window. */
  beforeRate: number;
  afterRate: number;
  /** After rate over baseline rate; null when the baseline rate is zero. */
  ratio: number | null;
  /** 95% interval of the ratio; an upper bound of null means unbounded. */
  ratioInterval: [number, number | null];
  pValue: number;
  adjustedPValue: number;
  /** Why it was flagged (or not), in words a person can check. */
  why: string;
  /** Events the after window would hold at the baseline rate moved by the common trend. */
  expectedAfter?: number;
  /** The ratio the test measured against: minimum effect times the common trend (inverse for falls). */
  threshold?: number;
  /** What the counts were divided by before testing: 1 for a steady rate, more for a bursty one. */
  burstiness?: number;
  /**
   * A change the counts show but the test could not confirm: a large rise (×3 or new) or a fall
   * by the minimum effect or more, with too few events to tell.
   */
  unconfirmed?: 'rise' | 'fall';
}

export interface Comparison {
  verdict: Verdict;
  /** One line a person can check by hand. */
  reason: string;
  findings: Finding[];
  notes: string[];
  /** How the recurring signatures moved together. */
  trend?: Trend;
  /** The parameters the comparison ran with. */
  parameters?: Required<CompareOptions>;
}

export interface CompareInput {
  mined: MinedSignatures;
  baselineMs: number;
  afterMs: number;
  /** The windows' starts, to rate a window cut at an event cap only up to where it was read. */
  windows?: Windows;
}

/** The lengths of the two windows, which weigh the counts. */
export interface Exposure {
  baselineMs: number;
  afterMs: number;
}

/** One tail of the test: rises against the minimum effect, falls against no change. */
export interface Tail {
  pValue: number;
  /** The ratio tested against. */
  threshold: number;
  /**
   * The smallest p-value these counts could give (all events on this side), or 1 when the tail
   * cannot flag at all: Tarone's testability, which depends on the total count alone.
   */
  minPValue: number;
}

export interface Test {
  up: Tail;
  down: Tail;
  /** The common trend the signature was judged against. */
  trend: number;
  expectedAfter: number;
  burstiness: number;
  /** The windows its counts are rated over: shorter where its source was cut at max-events. */
  exposure: Exposure;
}
