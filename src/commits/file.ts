import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { CommitRange } from './types.js';

const CommitRangeFile = z.object({
  base: z.string().optional(),
  head: z.string().optional(),
  commits: z.array(
    z.object({
      sha: z.string().regex(/^[0-9a-f]{7,64}$/i),
      subject: z.string(),
      author: z.string().optional(),
      date: z.string().optional(),
      files: z
        .array(
          z.object({
            path: z.string(),
            status: z.string().optional(),
            patch: z.string().optional(),
          }),
        )
        .default([]),
    }),
  ),
});

/** Reads a commit range from a JSON file (`--commits FILE`, and the demo's fixture). */
export async function readCommitRangeFile(path: string): Promise<CommitRange> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(
      `--commits file cannot be read: ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`--commits file is not JSON: ${path}`);
  }
  const parsed = CommitRangeFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `--commits file ${path}: ${issue.path.join('.') || 'document'} ${issue.message}; expected {"commits": [{"sha", "subject", "files": [{"path", "patch"}]}]}`,
    );
  }
  return { ...parsed.data, notes: [] };
}
