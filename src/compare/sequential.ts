/**
 * The significance of each look when the after window is tested while it fills, so that calling
 * a regression at any look of a deploy that changed nothing stays within `significance` over the
 * whole soak (see docs/statistics.md, "Early verdict").
 *
 * The looks before the end share a tenth of `significance`, spent along a Lan–DeMets spending
 * function of O'Brien–Fleming type: almost nothing in the first minutes, so that only
 * overwhelming evidence is called early. The end of the soak gets the rest. Each look is an
 * ordinary comparison at its own level, and the levels add up to `significance`: by the union
 * bound, the chance of a false call at any look is at most their sum, whatever the correlation
 * between the looks.
 */

/** The share of `significance` that all the looks before the end of the soak spend together. */
export const EARLY_SHARE = 0.1;

/** Levels below this are not worth a comparison: no count could reach them. */
const NEGLIGIBLE = 1e-300;

/**
 * The complementary error function, to a relative error below 1.2e-7 everywhere, tails included
 * (the Chebyshev fit of Numerical Recipes' erfcc).
 */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t *
                              (-1.13520398 +
                                t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** P(Z > z) for a standard normal Z. */
export function normalUpperTail(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/** The z with P(Z > z) = p, for 0 < p < 1: bisection on the tail, to 1e-12. */
export function normalUpperQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`a probability strictly between 0 and 1, got ${p}`);
  let low = -40;
  let high = 40;
  for (let i = 0; i < 200 && high - low > 1e-12; i++) {
    const middle = (low + high) / 2;
    if (normalUpperTail(middle) > p) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}

/**
 * What the looks before the end have spent by the information fraction `t` (the elapsed share
 * of the soak): α_e(t) = 2(1 − Φ(z_{α_e/2} / √t)), the O'Brien–Fleming-type function that
 * reaches the early budget α_e at t = 1.
 */
export function earlySpent(alpha: number, t: number): number {
  const budget = alpha * EARLY_SHARE;
  if (t <= 0) return 0;
  if (t >= 1) return budget;
  return 2 * normalUpperTail(normalUpperQuantile(budget / 2) / Math.sqrt(t));
}

/** The levels of a run's looks, spent in order: a look at `t` gets what was not spent before it. */
export class LookLevels {
  private spent = 0;
  private lastFraction = 0;

  constructor(private readonly alpha: number) {}

  /**
   * The level of a look before the end at information fraction `t` (0 < t < 1); 0 when a look
   * comes no later than the one before, or when there is nothing worth spending.
   */
  early(t: number): number {
    if (!(t > this.lastFraction) || t >= 1) return 0;
    const level = earlySpent(this.alpha, t) - this.spent;
    this.lastFraction = t;
    if (!(level > NEGLIGIBLE)) return 0;
    this.spent += level;
    return level;
  }

  /** The level of the look at the end of the soak: all that the early looks left. */
  final(): number {
    return this.alpha - this.spent;
  }
}
