export interface ChangedFile {
  path: string;
  status?: string;
  /** The unified diff of the file, when the provider gave one (GitHub cuts large ones). */
  patch?: string;
}

export interface Commit {
  sha: string;
  subject: string;
  author?: string;
  date?: string;
  files: ChangedFile[];
}

/** The commits of the deployed range, oldest first. */
export interface CommitRange {
  base?: string;
  head?: string;
  commits: Commit[];
  /** What could not be had (files cut, unknown base) in words for the report. */
  notes: string[];
}

/** The commit that most likely caused a flagged signature, and the evidence a person can check. */
export interface Suspect {
  sha: string;
  signatureId: string;
  score: number;
  /** One line: the commit, its subject and the evidence. */
  reason: string;
  subject?: string;
  author?: string;
  /** The pieces of evidence, strongest first. */
  evidence?: string[];
}
