/**
 * What a signature is keyed by: the template of an event's key line and, for an event with a
 * trace, what failed (see failure.ts). Each distinct pair gets a slot, numbered from 0.
 */
import { failureText, type Failure } from './failure.js';
import type { Template } from './miner.js';

interface Entry {
  template: Template;
  failure?: Failure;
}

/** Distinct failures kept apart at most; past it, events go to their template's plain slot. */
const MAX_FAILURE_KEYS = 5000;

export class SignatureKeys {
  private readonly entries: Entry[] = [];
  private readonly byFailure = new Map<string, number>();
  /** Slots of templates without a failure, by template index. */
  private readonly plain: number[] = [];

  get size(): number {
    return this.entries.length;
  }

  slotOf(template: Template, failure: Failure | undefined): number {
    if (!failure) {
      const slot = this.plain[template.index];
      if (slot !== undefined) return slot;
      return (this.plain[template.index] = this.add({ template }));
    }
    const key = `${template.index}\n${failure.exception ?? ''}\n${failure.frame ?? ''}`;
    const slot = this.byFailure.get(key);
    if (slot !== undefined) return slot;
    // Failures already kept apart stay apart; only new ones go to the plain slot past the cap.
    if (this.byFailure.size >= MAX_FAILURE_KEYS) return this.slotOf(template, undefined);
    const added = this.add({ template, failure });
    this.byFailure.set(key, added);
    return added;
  }

  /** The slot's final text: call once every event is in, as templates widen while mining. */
  text(slot: number): string {
    const { template, failure } = this.entries[slot];
    return signatureText(template.tokens, failure);
  }

  template(slot: number): Template {
    return this.entries[slot].template;
  }

  private add(entry: Entry): number {
    this.entries.push(entry);
    return this.entries.length - 1;
  }
}

/** A template, then what failed when the template does not say it: message, then exception. */
export function signatureText(tokens: readonly string[], failure?: Failure): string {
  const template = tokens.join(' ');
  const suffix = failure ? failureText(failure, template) : '';
  return suffix ? `${template} — ${suffix}` : template;
}
