// Check digits of the identifiers recognised: each takes the digits alone (separators removed).

/** Luhn (ISO/IEC 7812-1): payment cards, SIREN, SIRET. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
}

export function digitSum(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) sum += digits.charCodeAt(i) - 48;
  return sum;
}

/** The remainder of a decimal string of any length divided by `modulus`, read in chunks that stay exact as numbers. */
export function decimalMod(digits: string, modulus: number): number {
  let remainder = 0;
  for (let i = 0; i < digits.length; i += 7) remainder = Number(`${remainder}${digits.slice(i, i + 7)}`) % modulus;
  return remainder;
}

/**
 * The key of a French NIR: 97 - (the 13 first characters mod 97), Corsica's departments 2A and 2B
 * read as 19 and 18 (INSEE's rule, as python-stdnum's fr.nir implements it).
 */
export function nirKey(first13: string): number {
  return 97 - decimalMod(first13.replace('2A', '19').replace('2B', '18'), 97);
}

/** The digit a letter of a RIB's account number is read as: A to I are 1 to 9, J to R 1 to 9, S to Z 2 to 9. */
const ribDigit = (c: number): number => (c <= 57 ? c - 48 : c <= 73 ? c - 64 : c <= 82 ? c - 73 : c - 81);

/**
 * Whether the key of a French RIB holds: 97 - ((89 bank + 15 branch + 3 account) mod 97), the
 * account's capitals read as ribDigit says. `rib`: 23 characters, digits but the account's capitals.
 */
export function ribKeyHolds(rib: string): boolean {
  let account = 0;
  for (let i = 10; i < 21; i++) account = account * 10 + ribDigit(rib.charCodeAt(i));
  const sum = 89 * Number(rib.slice(0, 5)) + 15 * Number(rib.slice(5, 10)) + 3 * account;
  return 97 - (sum % 97) === Number(rib.slice(21));
}
