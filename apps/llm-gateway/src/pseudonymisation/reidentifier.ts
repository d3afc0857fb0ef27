// Gives the caller back the identifiers the model saw as placeholders. Only placeholders the request's
// map issued are replaced, each by the first form of its value; a placeholder-like token the map does
// not know (a `<EMAIL_7>` the model made up) stays as written and is counted, so that the gateway can
// report invented placeholders without quoting them.
import { scanPlaceholder } from './placeholder-grammar.js';
import type { PlaceholderMap } from './placeholder-map.js';

export interface Reidentified {
  readonly text: string;
  /** How many placeholders of the map were replaced by their value. */
  readonly restored: number;
  /** How many placeholder-like tokens the map does not know were left as written. */
  readonly invented: number;
}

export class Reidentifier {
  constructor(private readonly placeholders: PlaceholderMap) {}

  /**
   * Replaces the map's placeholders in a complete text. A placeholder cut by the end of the text is
   * left as written: StreamingReidentifier never passes one.
   */
  reidentify(text: string): Reidentified {
    const parts: string[] = [];
    let copied = 0;
    let restored = 0;
    let invented = 0;
    for (let at = text.indexOf('<'); at !== -1; ) {
      const scan = scanPlaceholder(text, at);
      if (scan.kind !== 'placeholder') {
        at = text.indexOf('<', at + 1);
        continue;
      }
      const original = this.placeholders.originalOf(text.slice(at, scan.end));
      if (original === undefined) invented++;
      else {
        parts.push(text.slice(copied, at), original);
        copied = scan.end;
        restored++;
      }
      at = text.indexOf('<', scan.end);
    }
    parts.push(text.slice(copied));
    return { text: parts.join(''), restored, invented };
  }
}
