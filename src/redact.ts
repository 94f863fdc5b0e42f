/**
 * Scrubs secrets and personal data from text that came from outside (logs, commits, the model,
 * the environment) before it reaches the model, and again before anything leaves: comment,
 * summary, outputs, report.json, stdout and the step log.
 *
 * A credential is scrubbed where it stands: the value after `password=`, the string after
 * `Bearer `, a key of a known shape, a high-entropy string of credential length. Nothing is
 * learned from one text and deleted from another, so a word that happens to be logged as a
 * value (`token=regression`) never disappears from the rest of the report.
 *
 * Every pattern starts at a token boundary written as a lookbehind, so that one long line
 * without spaces costs linear time rather than quadratic.
 */

/** What a scrubbed span was taken for; the bench and the tests list spans by it. */
export type SecretKind =
  | 'private-key'
  | 'aws-key-id'
  | 'github-token'
  | 'anthropic-key'
  | 'api-key'
  | 'slack-token'
  | 'jwt'
  | 'auth-header'
  | 'url-password'
  | 'named-credential'
  | 'email'
  | 'high-entropy'
  | 'known';

export interface SecretSpan {
  start: number;
  end: number;
  kind: SecretKind;
}

interface Rule {
  kind: SecretKind;
  /** With the `d` flag; the group `secret`, when present, is the part replaced. */
  pattern: RegExp;
  marker: string;
  /** Whether the captured value is a credential rather than an ordinary word. */
  accept?: (value: string) => boolean;
}

/** Key names whose value is always a credential, however it looks: `password=red`. */
const STRONG_KEY =
  '[\\w-]*(?:password|passwd|passphrase|secret|api[_-]?key|apikey|access[_-]?key|private[_-]?key)';
/**
 * Key names whose value is a credential when it looks like one: `token=9fK2x…`, but not
 * `id-token: write` or `credentials: expired`.
 */
const WEAK_KEY = '[\\w-]*(?:token|credentials?|session[_-]?id|authorization)';

const NOT_MARKER = '(?!\\[REDACTED)';

/** Characters of an unquoted value; a weak key's value also stops at brackets (`token=Token{a64f}`). */
const STRONG_VALUE = '[^\\s"\'`,;&)}\\]]+';
const WEAK_VALUE = '[^\\s"\'`,;&(){}<>\\[\\]]+';

function namedValueRules(key: string, value: string, accept?: (value: string) => boolean): Rule[] {
  return [
    // "password": "two words", secret='…'
    {
      kind: 'named-credential',
      pattern: new RegExp(
        `(?<![\\w-])${key}["']?\\s*[:=]\\s*(["'])${NOT_MARKER}(?<secret>[^"'\\n]+)\\1`,
        'dgi',
      ),
      marker: '[REDACTED]',
      accept,
    },
    // password=hunter2, aws_secret_access_key=…, X-Api-Key: …, token=… in query strings
    {
      kind: 'named-credential',
      pattern: new RegExp(
        `(?<![\\w-])${key}["']?\\s*[:=]\\s*${NOT_MARKER}(?<secret>${value})`,
        'dgi',
      ),
      marker: '[REDACTED]',
      accept,
    },
  ];
}

const RULES: readonly Rule[] = [
  {
    kind: 'private-key',
    pattern:
      /-----BEGIN [A-Z ]*PRIVATE KEY( BLOCK)?-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY( BLOCK)?-----|$)/dg,
    marker: '[REDACTED:private-key]',
  },
  {
    kind: 'aws-key-id',
    pattern:
      /(?<![A-Za-z0-9])(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])/dg,
    marker: '[REDACTED:aws-key-id]',
  },
  {
    kind: 'github-token',
    pattern: /(?<![A-Za-z0-9_])(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}/dg,
    marker: '[REDACTED:github-token]',
  },
  {
    kind: 'github-token',
    pattern: /(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{22,}/dg,
    marker: '[REDACTED:github-token]',
  },
  {
    kind: 'anthropic-key',
    pattern: /(?<![A-Za-z0-9_-])sk-ant-[A-Za-z0-9_-]{16,}/dg,
    marker: '[REDACTED:anthropic-key]',
  },
  {
    kind: 'api-key',
    pattern: /(?<![A-Za-z0-9_-])(?:sk|rk)_live_[A-Za-z0-9]{16,}/dg,
    marker: '[REDACTED:api-key]',
  },
  {
    kind: 'slack-token',
    pattern: /(?<![A-Za-z0-9_-])xox[abposr]-[A-Za-z0-9-]{10,}/dg,
    marker: '[REDACTED:slack-token]',
  },
  {
    kind: 'api-key',
    pattern: /(?<![A-Za-z0-9_-])AIza[A-Za-z0-9_-]{35}/dg,
    marker: '[REDACTED:api-key]',
  },
  {
    kind: 'jwt',
    pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/dg,
    marker: '[REDACTED:jwt]',
  },
  // An HTTP credential after its scheme: `Bearer abc.def`, but not `Basic authentication`.
  {
    kind: 'auth-header',
    pattern: /(?<![A-Za-z])(?:Bearer|Basic|Token|Digest)\s+(?<secret>[A-Za-z0-9._~+/=-]{8,})/dgi,
    marker: '[REDACTED]',
    accept: (value) => credentialShaped(value),
  },
  // Credentials in URLs and connection strings: scheme://user:password@host, redis://:password@host
  {
    kind: 'url-password',
    pattern: /(?<![a-z0-9+.-])[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:(?<secret>[^\s/]+)@/dgi,
    marker: '[REDACTED]',
  },
  ...namedValueRules(STRONG_KEY, STRONG_VALUE),
  ...namedValueRules(WEAK_KEY, WEAK_VALUE, (value) => credentialShaped(value)),
  {
    kind: 'email',
    pattern:
      /(?<![\w.+%-])[\w.+%-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])/dg,
    marker: '[REDACTED:email]',
  },
  // A run of 32+ characters from the alphabets keys are written in (`=` only as padding).
  {
    kind: 'high-entropy',
    pattern: /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{32,}={0,2}/dg,
    marker: '[REDACTED:high-entropy]',
    accept: (value) => looksLikeSecret(value),
  },
];

/** Shorter known values would scrub ordinary words wherever they appear. */
export const MIN_KNOWN_SECRET = 6;

/**
 * Whether the value of a credential-looking key is a credential rather than a word, a number or
 * a name: it mixes letters with digits, or is long and random-looking. `write`, `expired`,
 * `missing_header`, `12345`, `0x14ede63a5a70002`, `com.apple.xpc/4505` and
 * `android.os.BinderProxy@2bd79ce` are not; `abc987xyz`, `hunter22` and `7f3kQ9zLmP2w` are.
 */
export function credentialShaped(value: string): boolean {
  if (value.length < 6) return false;
  // Numbers and hexadecimal ids (ZooKeeper's sessionid: 0x14ede63a5a70002).
  if (/^(?:\d+|0x[0-9a-f]+)$/i.test(value)) return false;
  // A Java object's default name: android.os.BinderProxy@2bd79ce.
  if (/^[\w.$]+@[0-9a-f]+$/i.test(value)) return false;
  // Names and paths made of words and numbers: com.apple.xpc.activity/4505.
  if (
    /[./:]/.test(value) &&
    value.split(/[-_.:/]+/).every((part) => /^(?:[A-Za-z]+|\d+)?$/.test(part))
  ) {
    return false;
  }
  if (/\d/.test(value) && /[A-Za-z]/.test(value)) return true;
  return value.length >= 16 && hasRandomSegment(value);
}

/**
 * Whether some part of a token between separators looks random: long, mixing character classes
 * and changing class often. Paths and names are made of words, short parts and hexadecimal ids
 * (`/home/spelce1/HPCC_IBM/Urgent/COP/64K/vnm`, `Microsoft-Windows-PlatformUpdate-Win7-SRV08R2`);
 * keys are random runs (`wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`).
 */
function hasRandomSegment(token: string): boolean {
  return token.split(/[-_./+:=]+/).some((part) => {
    if (part.length <= 8 || /^[0-9a-f]+$/i.test(part)) return false;
    const classes = [/[A-Z]/, /[a-z]/, /\d/].filter((pattern) => pattern.test(part)).length;
    return classes >= 2 && shannonEntropy(part) >= 3 && classChangesPerCharacter(part) >= 0.3;
  });
}

/** Whether a long token is a credential rather than an id, a path, a name or an encoded word. */
export function looksLikeSecret(token: string): boolean {
  // Git SHAs, digests, UUIDs and most request ids are hexadecimal: kept for debugging.
  if (/^[0-9a-f-]+$/i.test(token)) return false;
  // Paths and names: com/amazonaws/services/s3/AmazonS3Client, /home/spelce1/HPCC_IBM/64K/vnm.
  if (isIdentifierPath(token) || !hasRandomSegment(token)) return false;
  const hasUpper = /[A-Z]/.test(token);
  const hasLower = /[a-z]/.test(token);
  const digitRuns = token.match(/\d+/g)?.length ?? 0;
  if (!hasUpper || !hasLower || digitRuns === 0) return false;
  // An AWS secret access key: 40 characters of base64, mixed case with digits.
  if (/^[A-Za-z0-9/+]{40}$/.test(token)) return true;
  if (shannonEntropy(token) < 4) return false;
  // Random text changes character class about every other character; names and paths do not.
  return classChangesPerCharacter(token) >= 0.45 || digitRuns >= 3;
}

/**
 * Parts made of words and numbers, as code names them (`com`, `s3`, `AmazonS3Client`,
 * `getBalance2024`). In random text a lone lower-case letter soon sits between capitals, or a
 * capital between capitals.
 */
function isIdentifierPath(token: string): boolean {
  return token.split(/[-_./+]+/).every(isIdentifierPart);
}

/** One pass, no backtracking: a line of a million characters costs a million steps. */
function isIdentifierPart(part: string): boolean {
  let i = 0;
  while (i < part.length) {
    const kind = characterClass(part[i]);
    if (kind === 3) return false;
    if (kind === 2) {
      while (i < part.length && characterClass(part[i]) === 2) i++;
      continue;
    }
    i++;
    // A letter with a number: s3, S3, Win7.
    if (i < part.length && characterClass(part[i]) === 2) continue;
    let lower = kind === 1 ? 1 : 0;
    while (i < part.length && characterClass(part[i]) === 1) {
      i++;
      lower++;
    }
    // A word of two lower-case letters at least, with or without its capital (Client, com).
    if (lower < 2) return false;
  }
  return true;
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

interface MarkedSpan extends SecretSpan {
  marker: string;
}

/**
 * The spans of `text` that are secrets, in order and without overlaps: where two overlap, the
 * one that starts first (the longer on a tie) covers both.
 */
export function findSecretSpans(text: string, knownSecrets: readonly string[] = []): SecretSpan[] {
  return markedSpans(text, knownSecrets).map(({ start, end, kind }) => ({ start, end, kind }));
}

function markedSpans(text: string, knownSecrets: readonly string[]): MarkedSpan[] {
  const spans: MarkedSpan[] = [];
  for (const value of knownSecrets) {
    if (value.length < MIN_KNOWN_SECRET) continue;
    for (let at = text.indexOf(value); at !== -1; at = text.indexOf(value, at + value.length)) {
      spans.push({ start: at, end: at + value.length, kind: 'known', marker: '[REDACTED]' });
    }
  }
  for (const rule of RULES) {
    for (const match of text.matchAll(rule.pattern)) {
      const indices = match.indices;
      if (!indices) continue;
      const [start, end] = indices.groups?.secret ?? indices[0] ?? [0, 0];
      const value = text.slice(start, end);
      if (rule.accept && !rule.accept(value)) continue;
      spans.push({ start, end, kind: rule.kind, marker: rule.marker });
    }
  }
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: MarkedSpan[] = [];
  for (const span of spans) {
    const last = merged.at(-1);
    if (last && span.start < last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ ...span });
  }
  return merged;
}

/** Replaces secrets by markers, where they stand; `knownSecrets` are scrubbed wherever they appear. */
export function redact(text: string, knownSecrets: readonly string[] = []): string {
  const spans = markedSpans(text, knownSecrets);
  if (spans.length === 0) return text;
  let result = '';
  let at = 0;
  for (const span of spans) {
    result += text.slice(at, span.start) + span.marker;
    at = span.end;
  }
  return result + text.slice(at);
}

/** A scrubber bound to the credentials of the run (API key, GitHub token). */
export type Scrub = (text: string) => string;

export function scrubberFor(knownSecrets: readonly string[] = []): Scrub {
  return (text) => redact(text, knownSecrets);
}

/** The credential values a text holds, as they stand in it (3 characters or more). */
export function secretValues(text: string): string[] {
  return findSecretSpans(text)
    .map((span) => text.slice(span.start, span.end))
    .filter((value) => value.length >= 3);
}

/**
 * A template keeps the constant words of its lines, and masking may have taken away what made
 * a credential recognisable there (`"db_password": "correct horse"` becomes `<STR>: "correct
 * horse"`). So besides its own patterns, the credentials found in its lines, where they stand,
 * are scrubbed from it. Values of other lines or templates are never used.
 */
export function redactTemplate(template: string, valuesOfItsLines: readonly string[]): string {
  let result = template;
  const longestFirst = [...new Set(valuesOfItsLines)].sort((a, b) => b.length - a.length);
  for (const value of longestFirst) result = result.split(value).join('[REDACTED]');
  return redact(result);
}
