// IP: IPv4 in dotted decimal (no leading zeros, octets up to 255, not part of a longer dotted
// number) and IPv6 (any form node:net accepts: compressed, with an embedded IPv4). An IPv6 is read
// as the maximal run of hex digits, colons and dots around a colon, so each character is read at
// most twice.
import { isIPv6 } from 'node:net';
import type { Candidate, PiiRecogniser } from '../finding.js';
import type { ScanInput } from '../scan-input.js';
import { codeAt, isAlnum, isDigit } from '../text-chars.js';

const SCORE = 0.85;
const MAX_IPV6 = 45;

const isHex = (c: number): boolean => isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
const isIpv6Char = (c: number): boolean => isHex(c) || c === 58 /* : */ || c === 46; /* . */
/** A dot between digits continues a dotted number (a version, a longer address). */
const dottedDigitAt = (text: string, dot: number, digit: number): boolean => codeAt(text, dot) === 46 && isDigit(codeAt(text, digit));

function hasHexDigit(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (isHex(text.charCodeAt(i))) return true;
  return false;
}

function octetEnd(text: string, start: number): number {
  let end = start;
  while (end < text.length && end - start < 4 && isDigit(text.charCodeAt(end))) end++;
  const octet = text.slice(start, end);
  return octet.length === 0 || octet.length > 3 || (octet.length > 1 && octet.startsWith('0')) || Number(octet) > 255 ? -1 : end;
}

function ipv4At(text: string, start: number): number {
  let end = start;
  for (let part = 0; part < 4; part++) {
    if (part > 0) {
      if (codeAt(text, end) !== 46) return -1;
      end++;
    }
    end = octetEnd(text, end);
    if (end === -1) return -1;
  }
  return isAlnum(codeAt(text, end)) || dottedDigitAt(text, end, end + 1) ? -1 : end;
}

export class IpRecogniser implements PiiRecogniser {
  readonly name = 'ip';

  find(input: ScanInput): Candidate[] {
    const candidates: Candidate[] = [];
    this.ipv4(input, candidates);
    this.ipv6(input, candidates);
    return candidates;
  }

  private ipv4({ text, digitRuns: { starts, ends } }: ScanInput, candidates: Candidate[]): void {
    for (let k = 0; k < starts.length; k++) {
      const start = starts[k]!;
      if (ends[k]! - start > 3 || codeAt(text, ends[k]!) !== 46 || isAlnum(codeAt(text, start - 1)) || dottedDigitAt(text, start - 1, start - 2)) continue;
      const end = ipv4At(text, start);
      if (end !== -1) candidates.push({ type: 'IP', start, end, score: SCORE });
    }
  }

  private ipv6({ text }: ScanInput, candidates: Candidate[]): void {
    let colon = text.indexOf(':');
    while (colon !== -1) {
      let start = colon;
      while (start > 0 && isIpv6Char(text.charCodeAt(start - 1))) start--;
      let end = colon + 1;
      while (end < text.length && isIpv6Char(text.charCodeAt(end))) end++;
      const next = text.indexOf(':', end);
      // A sentence's full stop after the address is not part of it; nor is a colon that introduces what follows.
      let last = end;
      while (last > start && text.charCodeAt(last - 1) === 46) last--;
      if (last - start >= 2 && text.charCodeAt(last - 1) === 58 && text.charCodeAt(last - 2) !== 58) last--;
      if (last - start <= MAX_IPV6 && hasHexDigit(text, start, last) && !isAlnum(codeAt(text, start - 1)) && !isAlnum(codeAt(text, end)) && isIPv6(text.slice(start, last))) candidates.push({ type: 'IP', start, end: last, score: SCORE });
      colon = next;
    }
  }
}
