/**
 * Scrubs secrets and personal data from text before it reaches the model, and again before
 * anything leaves: comment, summary, outputs, report.json, stdout and the step log.
 */

const RULES: ReadonlyArray<readonly [RegExp, string]> = [
  [
    /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
    '[REDACTED:private-key]',
  ],
  [/\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b/g, '[REDACTED:aws-key-id]'],
  [/\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,}\b/g, '[REDACTED:github-token]'],
  [/\bgithub_pat_[A-Za-z0-9_]{22,}\b/g, '[REDACTED:github-token]'],
  [/\bsk-ant-[A-Za-z0-9_-]{20,}/g, '[REDACTED:anthropic-key]'],
  [/\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, '[REDACTED:jwt]'],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 [REDACTED]'],
  // Credentials in URLs and connection strings: scheme://user:password@host
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+@/gi, '$1[REDACTED]@'],
  // aws_secret_access_key=..., password: "...", token=..., api_key=...
  [
    /\b((?:aws_?secret_?access_?key|secret_?access_?key|password|passwd|pwd|secret|client_?secret|api_?key|apikey|access_?token|auth_?token|token)["']?\s*[:=]\s*["']?)[^\s"',;&]{3,}/gi,
    '$1[REDACTED]',
  ],
  [/[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}/g, '[REDACTED:email]'],
];

/** Strings of 32+ characters from a wide alphabet with high entropy: probably a key. */
const LONG_TOKEN = /[A-Za-z0-9+/_=-]{32,}/g;

function looksLikeSecret(token: string): boolean {
  // Git SHAs, UUID-less hex ids and request ids are hex: low alphabet, kept for debugging.
  if (/^[0-9a-f]+$/i.test(token)) return false;
  if (!/[A-Z]/.test(token) || !/[a-z]/.test(token) || !/\d/.test(token)) return false;
  return shannonEntropy(token) >= 4.2;
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

export function redact(text: string, knownSecrets: readonly string[] = []): string {
  let result = text;
  for (const secret of knownSecrets) {
    if (secret.length >= 6) result = result.split(secret).join('[REDACTED]');
  }
  for (const [pattern, replacement] of RULES) result = result.replace(pattern, replacement);
  return result.replace(LONG_TOKEN, (token) =>
    looksLikeSecret(token) ? '[REDACTED:high-entropy]' : token,
  );
}

/** Redacts every string inside a JSON-like value, keeping its shape. */
export function redactDeep<T>(value: T, knownSecrets: readonly string[] = []): T {
  if (typeof value === 'string') return redact(value, knownSecrets) as T;
  if (Array.isArray(value))
    return value.map((item: unknown) => redactDeep(item, knownSecrets)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, redactDeep(item, knownSecrets)]),
    ) as T;
  }
  return value;
}
