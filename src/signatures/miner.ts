import { isVariableToken } from './mask.js';

export interface MinerOptions {
  /** Share of positions that must agree for a line to join a template (0..1). */
  similarity?: number;
  /** Most templates kept; past it, lines that fit no template go to one overflow template. */
  maxTemplates?: number;
}

/** A group of lines that share one template; `tokens` widens to `<*>` where lines differ. */
export interface Template {
  readonly index: number;
  tokens: string[];
  size: number;
}

export const WILDCARD = '<*>';
export const OVERFLOW_TEMPLATE = '<rare templates merged: template cap reached>';

/**
 * A Drain-style online miner: lines are bucketed by token count and leading token, and within a
 * bucket join the most similar template when enough positions agree.
 */
export class TemplateMiner {
  readonly templates: Template[] = [];
  private readonly buckets = new Map<string, Template[]>();
  private readonly similarity: number;
  private readonly maxTemplates: number;
  private overflow: Template | undefined;

  constructor(options: MinerOptions = {}) {
    this.similarity = options.similarity ?? 0.5;
    this.maxTemplates = options.maxTemplates ?? 5000;
  }

  get capReached(): boolean {
    return this.overflow !== undefined;
  }

  /** Adds one masked, tokenised line and returns the template it joined. */
  add(tokens: string[]): Template {
    const key = bucketKey(tokens);
    const bucket = this.buckets.get(key) ?? [];
    const best = this.closest(bucket, tokens);
    if (best) {
      widen(best, tokens);
      best.size++;
      return best;
    }
    if (this.templates.length >= this.maxTemplates) return this.addToOverflow();
    const template: Template = { index: this.templates.length, tokens: [...tokens], size: 1 };
    this.templates.push(template);
    bucket.push(template);
    this.buckets.set(key, bucket);
    return template;
  }

  private closest(bucket: Template[], tokens: string[]): Template | undefined {
    let best: Template | undefined;
    let bestScore = -1;
    for (const template of bucket) {
      const score = similarity(template.tokens, tokens);
      if (score >= this.similarity && score > bestScore) {
        best = template;
        bestScore = score;
      }
    }
    return best;
  }

  private addToOverflow(): Template {
    this.overflow ??= { index: this.templates.length, tokens: [OVERFLOW_TEMPLATE], size: 0 };
    if (this.templates[this.overflow.index] !== this.overflow) this.templates.push(this.overflow);
    this.overflow.size++;
    return this.overflow;
  }
}

function bucketKey(tokens: string[]): string {
  const first = tokens[0] ?? '';
  return `${tokens.length}\u0000${isVariableToken(first) ? WILDCARD : first}`;
}

/** Share of positions where the template already has the token, or a wildcard. */
function similarity(template: string[], tokens: string[]): number {
  if (tokens.length === 0) return 1;
  let same = 0;
  for (let i = 0; i < tokens.length; i++) {
    if (template[i] === tokens[i] || template[i] === WILDCARD) same++;
  }
  return same / tokens.length;
}

function widen(template: Template, tokens: string[]): void {
  for (let i = 0; i < tokens.length; i++) {
    if (template.tokens[i] !== tokens[i]) template.tokens[i] = WILDCARD;
  }
}
