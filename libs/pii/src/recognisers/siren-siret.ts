// What SIREN and SIRET share: nine digits of the company (SIREN), then five of the establishment
// (NIC), both under Luhn; words of the register before them make a bare SIREN more likely.
import { digitSum, luhnValid } from '../checksums.js';
import { ContextWords } from '../context-words.js';
import type { ScanInput } from '../scan-input.js';
import { laidOutAt, type GroupedCut } from '../grouped-number.js';
import { isDigit, isNumberSpace } from '../text-chars.js';

const REGISTER_WORDS = new ContextWords(['siren', 'siret', 'rcs', 'immatriculée', 'immatriculé', 'immatriculation', 'tva', 'insee', 'société', 'entreprise']);
const CONTEXT_WINDOW = 40;
/** La Poste's establishments: one SIREN, too many NICs for Luhn; INSEE checks their sum of digits instead. */
const LA_POSTE_SIREN = '356000000';

export function validSiren(siren: string): boolean {
  return siren.length === 9 && luhnValid(siren);
}

export function validSiret(siret: string): boolean {
  if (siret.length !== 14) return false;
  return siret.startsWith(LA_POSTE_SIREN) ? digitSum(siret) % 5 === 0 : luhnValid(siret);
}

export function registerContext(input: ScanInput, start: number): boolean {
  return REGISTER_WORDS.lastBefore(input, start, CONTEXT_WINDOW) !== -1;
}

/** A cut of `length` digits at `start` grouped as one of `layouts` with one kind of space. */
export function companyNumberAt(text: string, start: number, length: number, layouts: readonly (readonly number[])[]): GroupedCut | undefined {
  return laidOutAt(text, start, length, layouts, isDigit, isNumberSpace);
}
