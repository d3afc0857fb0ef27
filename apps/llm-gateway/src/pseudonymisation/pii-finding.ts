// The shape of a finding of the PII engine (libs/pii) as this app uses it. Declared here while the
// lib is being written: libs/pii's Finding is assignable to it, so an import can replace it later.

/** A span of a text: offsets in UTF-16 code units (JS string indexes), end exclusive. */
export interface Finding {
  readonly type: string;
  readonly start: number;
  readonly end: number;
  readonly text: string;
  /** How sure the recogniser is, in [0, 1]. */
  readonly score: number;
}

/** A PII scan of one text, as libs/pii's `scan` is. */
export type ScanText = (text: string) => readonly Finding[];
