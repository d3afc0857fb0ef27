// Leak detection on a streamed answer, before any of it reaches the caller. Text is released only
// once it has been scanned with `window` characters after it, so an identifier cut across deltas is
// seen whole before its first character leaves: the caller gets each release with the findings that
// start in it, and can block the stream instead of forwarding it.
//
// Work is bounded per delta: a scan covers the unreleased tail and the `window` characters released
// before it (the context a recogniser needs on the left), never the whole answer again. Scans happen
// once `batch` characters beyond the window are waiting, so small deltas do not each cost a scan.
// Each finding is reported once, at the release that holds its start, with offsets in the whole
// answer. The guarantee holds for identifiers shorter than the window, including the context their
// recogniser reads around them; a longer one may be reported cut, or not at all.
import type { Finding, ScanText } from '../pseudonymisation/pii-finding.js';
import { type LeakReport, LeakTally } from './leak-tally.js';

export interface LeakScanStep {
  /** The text cleared for release, following what was released before. */
  readonly release: string;
  /** The findings that start in `release`, with offsets in the whole answer. */
  readonly findings: readonly Finding[];
}

export interface StreamingLeakScannerOptions {
  /** Longer than the longest identifier to be found across deltas; 128 by default. */
  readonly window?: number;
  /** How many characters beyond the window wait before a scan; 32 by default. */
  readonly batch?: number;
}

const NOTHING: LeakScanStep = { release: '', findings: [] };

export class StreamingLeakScanner {
  private readonly window: number;
  private readonly batch: number;
  private readonly tally = new LeakTally();
  /** The answer from `bufferStart` on: the last `window` released characters, then the unreleased ones. */
  private buffer = '';
  private bufferStart = 0;
  /** How much of the answer has been released. */
  private released = 0;

  constructor(
    private readonly scan: ScanText,
    options: StreamingLeakScannerOptions = {},
  ) {
    this.window = options.window ?? 128;
    this.batch = options.batch ?? 32;
    if (!Number.isInteger(this.window) || this.window < 1 || !Number.isInteger(this.batch) || this.batch < 1) {
      throw new RangeError('the leak scanner window and batch must be positive integers');
    }
  }

  push(delta: string): LeakScanStep {
    this.buffer += delta;
    if (this.heldBack < this.window + this.batch) return NOTHING;
    return this.releaseUpTo(this.bufferStart + this.buffer.length - this.window);
  }

  /** The rest of the answer, scanned, once the stream is over. */
  end(): LeakScanStep {
    if (this.heldBack === 0) return NOTHING;
    return this.releaseUpTo(this.bufferStart + this.buffer.length);
  }

  /** Characters received and not yet released. */
  get heldBack(): number {
    return this.bufferStart + this.buffer.length - this.released;
  }

  /** Counts of the findings reported so far. */
  get report(): LeakReport {
    return this.tally.report;
  }

  private releaseUpTo(end: number): LeakScanStep {
    const findings = this.scan(this.buffer)
      .map((finding) => ({ ...finding, start: finding.start + this.bufferStart, end: finding.end + this.bufferStart }))
      .filter((finding) => finding.start >= this.released && finding.start < end)
      .sort((a, b) => a.start - b.start || a.end - b.end);
    const release = this.buffer.slice(this.released - this.bufferStart, end - this.bufferStart);
    this.released = end;
    const keepFrom = Math.max(this.bufferStart, end - this.window);
    this.buffer = this.buffer.slice(keepFrom - this.bufferStart);
    this.bufferStart = keepFrom;
    this.tally.add(findings);
    return { release, findings };
  }
}
