/**
 * The Loghub-2k benchmark: reading the datasets and scoring a grouping with the metrics of the
 * logpai/logparser evaluator. The data is read in place and never copied into the repository.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const DATASETS = [
  'Android',
  'Apache',
  'BGL',
  'HDFS',
  'HPC',
  'Hadoop',
  'HealthApp',
  'Linux',
  'Mac',
  'OpenSSH',
  'OpenStack',
  'Proxifier',
  'Spark',
  'Thunderbird',
  'Windows',
  'Zookeeper',
] as const;

/** Relative to the repository root, where the scripts and tests run. */
export const LOGHUB_DIR = join('..', 'shared', 'data', 'loghub-2k');

export interface Dataset {
  name: string;
  /** The `Content` column: the message without its header. */
  content: string[];
  /** The whole line as logged, header included. */
  raw: string[];
  /** The corrected ground truth template of every line. */
  truth: string[];
}

export function loghubAvailable(dir = LOGHUB_DIR): boolean {
  return existsSync(join(dir, 'HDFS', 'HDFS_2k.log_structured_corrected.csv'));
}

export function loadDataset(name: string, dir = LOGHUB_DIR): Dataset {
  const base = join(dir, name, `${name}_2k.log`);
  const rows = parseCsv(readFileSync(`${base}_structured_corrected.csv`, 'utf8'));
  const header = rows[0];
  const contentAt = header.indexOf('Content');
  const templateAt = header.indexOf('EventTemplate');
  const records = rows.slice(1).filter((row) => row.length === header.length);
  const raw = readFileSync(base, 'utf8').split(/\r?\n/);
  return {
    name,
    content: records.map((row) => row[contentAt]),
    raw: records.map((_, i) => raw[i] ?? ''),
    truth: records.map((row) => row[templateAt]),
  };
}

/** RFC 4180 CSV: quoted fields may hold commas, doubled quotes and newlines. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

export interface Scores {
  /** Grouping accuracy: share of lines whose group is exactly their true group. */
  ga: number;
  /** F1 of exactly right groups (precision over our groups, recall over the true ones). */
  fga: number;
}

/** `predicted[i]` and `truth[i]` label line i; labels are compared only for equality. */
export function score(predicted: ArrayLike<string | number>, truth: string[]): Scores {
  const truthSizes = countBy(truth);
  const groups = new Map<string | number, number[]>();
  for (let i = 0; i < truth.length; i++) {
    const members = groups.get(predicted[i]);
    if (members) members.push(i);
    else groups.set(predicted[i], [i]);
  }
  let correctLines = 0;
  let correctGroups = 0;
  for (const members of groups.values()) {
    const label = truth[members[0]];
    if (members.every((i) => truth[i] === label) && truthSizes.get(label) === members.length) {
      correctLines += members.length;
      correctGroups++;
    }
  }
  const precision = correctGroups / groups.size;
  const recall = correctGroups / truthSizes.size;
  return {
    ga: correctLines / truth.length,
    fga: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
  };
}

function countBy(values: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}
