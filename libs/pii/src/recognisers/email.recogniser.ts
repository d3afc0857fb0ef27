// EMAIL: local@domain, found from each '@' by walking out both ways. Neither walk crosses an '@',
// so each character is visited at most twice, whatever the text.
import type { Candidate, PiiRecogniser } from '../finding.js';
import type { ScanInput } from '../scan-input.js';
import { codeAt, isAsciiLetter, isDigit, isLetter } from '../text-chars.js';

const SCORE = 0.95;
const MAX_LOCAL = 64;
const MAX_DOMAIN = 253;

const isLocalChar = (c: number): boolean => isAsciiLetter(c) || isDigit(c) || c === 46 /* . */ || c === 95 /* _ */ || c === 37 /* % */ || c === 43 /* + */ || c === 45; /* - */
const isDomainChar = (c: number): boolean => isAsciiLetter(c) || isDigit(c) || c === 46 || c === 45;

function validLocal(local: string): boolean {
  return local.length > 0 && local.length <= MAX_LOCAL && !local.startsWith('.') && !local.endsWith('.') && !local.includes('..');
}

function validDomain(domain: string): boolean {
  const labels = domain.split('.');
  if (domain.length > MAX_DOMAIN || labels.length < 2) return false;
  const tld = labels[labels.length - 1]!;
  if (tld.length < 2 || ![...tld].every((char) => isAsciiLetter(char.charCodeAt(0)))) return false;
  return labels.every((label) => label.length > 0 && label.length <= 63 && !label.startsWith('-') && !label.endsWith('-'));
}

export class EmailRecogniser implements PiiRecogniser {
  readonly name = 'email';

  find({ text }: ScanInput): Candidate[] {
    const candidates: Candidate[] = [];
    for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
      let start = at;
      while (start > 0 && at - start < MAX_LOCAL + 1 && isLocalChar(text.charCodeAt(start - 1))) start--;
      if (isLocalChar(codeAt(text, start - 1)) || isLetter(codeAt(text, start - 1))) continue;
      let end = at + 1;
      while (end < text.length && end - at - 1 < MAX_DOMAIN + 1 && isDomainChar(text.charCodeAt(end))) end++;
      if (isDomainChar(codeAt(text, end)) || isLetter(codeAt(text, end))) continue;
      // A sentence may end right after the address: its full stop (or a hyphen) is not part of the domain.
      while (end > at + 1 && (text.charCodeAt(end - 1) === 46 || text.charCodeAt(end - 1) === 45)) end--;
      if (validLocal(text.slice(start, at)) && validDomain(text.slice(at + 1, end))) candidates.push({ type: 'EMAIL', start, end, score: SCORE });
    }
    return candidates;
  }
}
