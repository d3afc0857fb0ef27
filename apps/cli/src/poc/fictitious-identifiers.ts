// Fictitious French identifiers for the proof of concept, from a seeded generator: the same seed
// gives the same people on every machine and with every version of every dependency. Their check
// digits are computed from the published rules (IBAN ISO 13616 mod 97 and the French RIB key, NIR
// key, numbering plan of French mobiles) so that the PII engine recognises them as it would real
// ones; the people are made up from common first names and surnames.

/** mulberry32: small, seeded, the same sequence everywhere. */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** In [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let value = this.state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }

  digits(count: number): string {
    let out = '';
    for (let i = 0; i < count; i++) out += String(this.int(0, 9));
    return out;
  }
}

const pad = (value: number, width: number): string => String(value).padStart(width, '0');

/** The 97 − (n mod 97) key of NIRs and RIBs. */
const key97 = (digits: string): string => pad(Number(97n - (BigInt(digits) % 97n)), 2);

/**
 * A French IBAN printed in groups of four: bank, branch and account numbers (digits), the RIB key
 * that makes bank+branch+account+key divisible by 97, then the IBAN check digits.
 */
export function frenchIban(random: SeededRandom): string {
  const rib = `${random.digits(5)}${random.digits(5)}${random.digits(11)}`;
  const bban = rib + key97(`${rib}00`);
  // Moved round (BBAN, then FR00 as the numbers 15 27 0 0), the check digits make it 1 mod 97.
  const check = pad(Number(98n - (BigInt(`${bban}152700`) % 97n)), 2);
  return `FR${check}${bban}`.match(/.{1,4}/g)!.join(' ');
}

/** Departments of metropolitan France but Corsica (20 is no department since 1976; 2A and 2B are left out for simplicity). */
const DEPARTMENTS = Array.from({ length: 95 }, (_, i) => pad(i + 1, 2)).filter((department) => department !== '20');

/** A NIR as printed on the carte Vitale ("2 85 05 78 006 084 36"): sex, year and month of birth, department, commune, order, key. */
export function frenchNir(random: SeededRandom, sex: 1 | 2): string {
  const parts = [String(sex), pad(random.int(50, 99), 2), pad(random.int(1, 12), 2), random.pick(DEPARTMENTS), pad(random.int(1, 990), 3), pad(random.int(1, 999), 3)];
  return [...parts, key97(parts.join(''))].join(' ');
}

/** Mobile blocks of the French numbering plan (06 and 07), as the PII engine's numbering plan has them. */
const MOBILE_PREFIXES = ['060', '061', '062', '064', '066', '068', '075', '076', '077', '078'];

/** A French mobile number printed in pairs: "06 12 34 56 78". */
export function frenchMobile(random: SeededRandom): string {
  return `${random.pick(MOBILE_PREFIXES)}${random.digits(7)}`.match(/../g)!.join(' ');
}

/** prénom.nom@domaine, without accents, spaces or apostrophes. */
export function emailOf(firstName: string, lastName: string, domain: string): string {
  const plain = (name: string) =>
    name
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, '');
  return `${plain(firstName)}.${plain(lastName)}@${domain}`;
}
