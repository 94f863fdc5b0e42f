import { redact as scrub } from '../redact.js';
import { wellFormed } from '../text.js';
import type { CommitRange } from './types.js';

/**
 * The range with its text scrubbed where credentials stand: subjects, authors, patches and notes
 * come from outside, and the suspects quote them. SHAs and paths are kept as they are. Lone
 * surrogates (JSON may hold them) become U+FFFD.
 */
export function redactRange(range: CommitRange): CommitRange {
  const redact = (text: string) => wellFormed(scrub(text));
  return {
    ...range,
    notes: range.notes.map((note) => redact(note)),
    commits: range.commits.map((commit) => ({
      ...commit,
      subject: redact(commit.subject),
      ...(commit.author !== undefined && { author: redact(commit.author) }),
      files: commit.files.map((file) =>
        file.patch === undefined ? file : { ...file, patch: redact(file.patch) },
      ),
    })),
  };
}
