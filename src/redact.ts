/**
 * Scrubs secrets and personal data from text before it reaches the model, and again before
 * anything leaves: comment, summary, outputs, report.json, stdout and the step log.
 *
 * Every pattern starts at a token boundary written as a lookbehind, so that one long line
 * without spaces costs linear time rather than quadratic.
 */

/** Key names whose value is a credential: `password=…`, `"api_key": "…"`, `X-Auth-Token: …`. */
const SECRET_KEY =
  '[\\w-]*(?:password|passwd|passphrase|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|credentials?|session[_-]?id|authorization)';

const RULES: ReadonlyArray<readonly [RegExp, string]> = [
  [
    /-----BEGIN [A-Z ]*PRIVATE KEY( BLOCK)?-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY( BLOCK)?-----|$)/g,
    '[REDACTED:private-key]',
  ],
  [
    /(?<![A-Za-z0-9])(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])/g,
    '[REDACTED:aws-key-id]',
  ],
  [/(?<![A-Za-z0-9_])(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}/g, '[REDACTED:github-token]'],
  [/(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{22,}/g, '[REDACTED:github-token]'],
  [/(?<![A-Za-z0-9_-])sk-ant-[A-Za-z0-9_-]{16,}/g, '[REDACTED:anthropic-key]'],
  [/(?<![A-Za-z0-9_-])(?:sk|rk)_live_[A-Za-z0-9]{16,}/g, '[REDACTED:api-key]'],
  [/(?<![A-Za-z0-9_-])xox[abposr]-[A-Za-z0-9-]{10,}/g, '[REDACTED:slack-token]'],
  [/(?<![A-Za-z0-9_-])AIza[A-Za-z0-9_-]{35}/g, '[REDACTED:api-key]'],
  [
    /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g,
    '[REDACTED:jwt]',
  ],
  [/(?<![A-Za-z])(Bearer|Basic|Token|Digest)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 [REDACTED]'],
  // Credentials in URLs and connection strings: scheme://user:password@host, redis://:password@host
  [/(?<![a-z0-9+.-])([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s/]+@/gi, '$1[REDACTED]@'],
  // "password": "two words", secret='…'
  [
    new RegExp(
      `(?<![\\w-])(${SECRET_KEY}["']?\\s*[:=]\\s*)(["'])(?!\\[REDACTED)[^"'\\n]+\\2`,
      'gi',
    ),
    '$1$2[REDACTED]$2',
  ],
  // password=hunter2, aws_secret_access_key=…, X-Api-Key: …, token=… in query strings
  [
    new RegExp(`(?<![\\w-])(${SECRET_KEY}["']?\\s*[:=]\\s*)(?!\\[REDACTED)[^\\s"',;&)}\\]]+`, 'gi'),
    '$1[REDACTED]',
  ],
  [
    /(?<![\w.+%-])[\w.+%-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])/g,
    '[REDACTED:email]',
  ],
];

/** Shorter known values would scrub ordinary words wherever they appear. */
export const MIN_KNOWN_SECRET = 6;

/** A run of 32+ characters from the alphabets keys are written in (`=` only as padding). */
const LONG_TOKEN = /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{32,}={0,2}/g;

/** Whether a long token is a credential rather than an id, a path, a name or an encoded word. */
export function looksLikeSecret(token: string): boolean {
  // Git SHAs, digests, UUIDs and most request ids are hexadecimal: kept for debugging.
  if (/^[0-9a-f-]+$/i.test(token)) return false;
  const hasUpper = /[A-Z]/.test(token);
  const hasLower = /[a-z]/.test(token);
  const digitRuns = token.match(/\d+/g)?.length ?? 0;
  // An AWS secret access key: 40 characters of base64, mixed case with digits.
  if (/^[A-Za-z0-9/+]{40}$/.test(token) && hasUpper && hasLower && digitRuns > 0) return true;
  if (!hasUpper || !hasLower || digitRuns === 0) return false;
  if (shannonEntropy(token) < 4) return false;
  // Random text changes character class about every other character; names and paths do not.
  return classChangesPerCharacter(token) >= 0.45 || digitRuns >= 3;
}

function shannonEntropy(text: string): number {
  const counts = new Map<string, number>();
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
  let entropy = 0;
  for (const count of counts.values()) {
    const p = count / text.length;
    entropy -= p * Math.log2(p);
  }
  return entropy;
}

function characterClass(char: string): number {
  if (char >= 'A' && char <= 'Z') return 0;
  if (char >= 'a' && char <= 'z') return 1;
  if (char >= '0' && char <= '9') return 2;
  return 3;
}

function classChangesPerCharacter(token: string): number {
  let changes = 0;
  for (let i = 1; i < token.length; i++) {
    if (characterClass(token[i]) !== characterClass(token[i - 1])) changes++;
  }
  return changes / (token.length - 1);
}

/**
 * Replaces secrets by markers. `found`, when given, collects the secret values themselves, so a
 * value recognised in one place (`password=hunter22`) can be scrubbed where it appears bare.
 */
export function redact(
  text: string,
  knownSecrets: readonly string[] = [],
  found?: Set<string>,
): string {
  let result = scrubValues(text, knownSecrets);
  for (const [pattern, template] of RULES) {
    result = result.replace(pattern, (match: string, ...args: unknown[]) => {
      // The capture groups come before the match's offset; an unmatched group is undefined.
      const groups = args
        .slice(
          0,
          args.findIndex((arg) => typeof arg === 'number'),
        )
        .map((group) => (typeof group === 'string' ? group : ''));
      const fill = (part: string) =>
        part.replace(/\$(\d)/g, (_, n: string) => groups[Number(n) - 1] ?? '');
      const replacement = fill(template);
      if (found) {
        const marker = template.indexOf('[REDACTED');
        const prefix = fill(template.slice(0, marker));
        const suffix = fill(template.slice(template.indexOf(']', marker) + 1));
        const secret = match.slice(prefix.length, match.length - suffix.length).trim();
        if (secret.length >= MIN_KNOWN_SECRET) found.add(secret);
      }
      return replacement;
    });
  }
  return result.replace(LONG_TOKEN, (token) => {
    if (!looksLikeSecret(token)) return token;
    found?.add(token);
    return '[REDACTED:high-entropy]';
  });
}

/** Replaces each of `values` (of MIN_KNOWN_SECRET characters or more) wherever it appears. */
export function scrubValues(text: string, values: readonly string[]): string {
  let result = text;
  for (const value of values) {
    if (value.length >= MIN_KNOWN_SECRET) result = result.split(value).join('[REDACTED]');
  }
  return result;
}

/** The secret values in a text, as `redact` recognises them. */
export function findSecrets(text: string): string[] {
  const found = new Set<string>();
  redact(text, [], found);
  return [...found];
}

/**
 * Redacts every string inside a JSON-like value, keeping its shape. A secret value recognised in
 * one string (`password=hunter22`) is scrubbed from every other string too, where it may appear
 * bare (a list of words quoted from a log line, say).
 */
export function redactDeep<T>(value: T, knownSecrets: readonly string[] = []): T {
  const found = new Set<string>();
  visitStrings(value, (text) => redact(text, knownSecrets, found));
  const learned = [...found].sort((a, b) => b.length - a.length);
  return visitStrings(value, (text) => scrubValues(redact(text, knownSecrets), learned));
}

function visitStrings<T>(value: T, change: (text: string) => string): T {
  if (typeof value === 'string') return change(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => visitStrings(item, change)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, visitStrings(item, change)]),
    ) as T;
  }
  return value;
}
