// The mapping of one request between identifiers and their placeholders. It lives in memory for the
// request alone (never stored, logged or sent anywhere): the gateway pseudonymises every message of
// the request (and retrieved chunks) through one map, and re-identifies the answer through the same.
import { formatPlaceholder, isPlaceholderType, MAX_COUNTER } from './placeholder-grammar.js';
import { normaliseIdentifier } from './identifier-normalisation.js';
import { PseudonymisationError, PseudonymisationErrorCode } from './pseudonymisation.errors.js';

export class PlaceholderMap {
  /** `type NUL normalised value` → placeholder. */
  private readonly placeholders = new Map<string, string>();
  /** placeholder → the first form of its value seen in the request. */
  private readonly originals = new Map<string, string>();
  private readonly counters = new Map<string, number>();

  /** The placeholder of this value, numbered after the last one of its type if the value is new. */
  placeholderFor(type: string, value: string): string {
    const key = `${type}\u0000${normaliseIdentifier(type, value)}`;
    const known = this.placeholders.get(key);
    if (known !== undefined) return known;
    if (!isPlaceholderType(type)) throw new PseudonymisationError(PseudonymisationErrorCode.UnsupportedType);
    const counter = (this.counters.get(type) ?? 0) + 1;
    if (counter > MAX_COUNTER) throw new PseudonymisationError(PseudonymisationErrorCode.TooManyValues);
    const placeholder = formatPlaceholder(type, counter);
    this.counters.set(type, counter);
    this.placeholders.set(key, placeholder);
    this.originals.set(placeholder, value);
    return placeholder;
  }

  /** The value a placeholder of this map stands for, or undefined for any other string. */
  originalOf(placeholder: string): string | undefined {
    return this.originals.get(placeholder);
  }

  /** How many distinct values the map holds. */
  get size(): number {
    return this.originals.size;
  }
}
