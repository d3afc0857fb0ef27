// Generated metadata values for property tests: ids and codes a collection's documents may carry,
// and what must never be stored as metadata (personal data written as prose, or as identifiers
// that look like ids: a phone number as digits, an IBAN without spaces, a NIR, a SIRET), with the
// text no store can keep (NUL, lone surrogates) and values past the contract's length.
import fc from 'fast-check';

const digitsOf = (length: number): fc.Arbitrary<string> => fc.stringMatching(new RegExp(`^[0-9]{${length}}$`));

/** `payload` and the digit that makes it pass Luhn (SIREN, SIRET, payment cards). */
function withLuhnDigit(payload: string): string {
  let sum = 0;
  for (let i = 0; i < payload.length; i++) {
    const d = Number(payload[payload.length - 1 - i]);
    sum += i % 2 === 0 ? (d * 2 > 9 ? d * 2 - 9 : d * 2) : d;
  }
  return payload + String((10 - (sum % 10)) % 10);
}

/** The ISO 13616 IBAN of a country and BBAN (letters as their numbers, mod 97). */
function iban(country: string, bban: string): string {
  const numeric = [...`${bban}${country}00`].map((c) => (c >= 'A' && c <= 'Z' ? String(c.charCodeAt(0) - 55) : c)).join('');
  return `${country}${String(98n - (BigInt(numeric) % 97n)).padStart(2, '0')}${bban}`;
}

/** Numbers of the French national plan (prefixes it allocates), ten digits. */
const frenchPhone = fc
  .tuple(fc.constantFrom('01', '02', '03', '05', '041', '044', '060', '061', '062', '064', '066', '068', '075', '078', '09'), digitsOf(10))
  .map(([prefix, rest]) => (prefix + rest).slice(0, 10))
  // Not the overseas ranges (0262, 0263, 0269, 059…): their plans allocate only some blocks.
  .filter((number) => !/^0(26[239]|59)/.test(number));

/** In pairs, 2-4-4 or compact, with each separator people use; +33 and 0033 forms. */
const phoneWritten = fc.oneof(
  fc.tuple(frenchPhone, fc.constantFrom('', '.', '-', ' ', '/')).map(([n, sep]) => n.match(/../g)!.join(sep)),
  fc.tuple(frenchPhone, fc.constantFrom('.', '-', ' ')).map(([n, sep]) => [n.slice(0, 2), n.slice(2, 6), n.slice(6)].join(sep)),
  fc.tuple(frenchPhone, fc.constantFrom('+33', '0033', '+33 ', '+33.')).map(([n, prefix]) => prefix + n.slice(1)),
);

const sirenNumber = digitsOf(8).map(withLuhnDigit);
const siretNumber = fc.tuple(sirenNumber, digitsOf(4)).map(([siren, nic]) => withLuhnDigit(siren + nic)).filter((siret) => !siret.startsWith('356000000'));
const cardNumber = fc.tuple(fc.constantFrom('4', '51', '55'), digitsOf(14)).map(([prefix, rest]) => withLuhnDigit((prefix + rest).slice(0, 15)));
const nirNumber = fc
  .tuple(fc.constantFrom('1', '2'), digitsOf(2), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 95 }), fc.integer({ min: 1, max: 999 }), fc.integer({ min: 1, max: 999 }))
  .filter(([, , , department]) => department !== 20)
  .map(([sex, year, month, department, commune, order]) => {
    const first13 = `${sex}${year}${String(month).padStart(2, '0')}${String(department).padStart(2, '0')}${String(commune).padStart(3, '0')}${String(order).padStart(3, '0')}`;
    return first13 + String(97n - (BigInt(first13) % 97n)).padStart(2, '0');
  });
const ibanNumber = fc.oneof(
  digitsOf(18).map((bban) => iban('DE', bban)),
  digitsOf(16).map((bban) => iban('AT', bban)),
  fc.tuple(fc.stringMatching(/^[A-Z]{4}$/), digitsOf(10)).map(([bank, account]) => iban('NL', bank + account)),
);
const ibanWritten = fc.tuple(ibanNumber, fc.constantFrom('', '-', ' ')).map(([value, sep]) => value.match(/.{1,4}/g)!.join(sep));
const ipv4 = fc.tuple(...Array.from({ length: 4 }, () => fc.integer({ min: 0, max: 255 }))).map((octets) => octets.join('.'));

/** Identifiers of people written as ids are: each passes a pattern of letters, digits and `.:-`, some after a code. */
export const identifierLikeValue: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom('', 'case:', 'ref-', 'tel.', 'client:'), fc.oneof(phoneWritten, sirenNumber, siretNumber, cardNumber, nirNumber, ibanWritten, ipv4))
  .map(([code, identifier]) => code + identifier);

const FIRST_NAMES = ['Jean', 'Marie', 'Camille', 'Nicolas', 'Léa', 'Mohamed', 'Inès', 'Pierre-Yves'];
const LAST_NAMES = ['Dupont', 'Martin', 'Bernard', 'Lefèvre', 'Nguyen', 'Da Silva', "N'Diaye"];

/** Prose and what no store keeps: emails, names with spaces, NUL, lone surrogates, values far too long. */
export const proseValue: fc.Arbitrary<string> = fc.oneof(
  fc.emailAddress(),
  fc.tuple(fc.constantFrom(...FIRST_NAMES), fc.constantFrom(...LAST_NAMES)).map(([first, last]) => `${first} ${last}`),
  fc.string({ minLength: 1, maxLength: 30 }).map((text) => `C-1 ${text}`),
  fc.string({ maxLength: 20 }).map((text) => `C-1\u0000${text}`),
  fc.constantFrom('\uD800', '\uDFFF').map((surrogate) => `C-1${surrogate}x`),
  fc.stringMatching(/^[A-Za-z0-9]{129,4096}$/),
  fc.constant(''),
);

export const hostileMetadataValue: fc.Arbitrary<string> = fc.oneof(identifierLikeValue, proseValue);

/** What metadata is for: the platform's ids (UUIDs), case and order codes, categories, versions. */
export const validMetadataValue: fc.Arbitrary<string> = fc.oneof(
  fc.uuid(),
  fc.tuple(fc.stringMatching(/^[A-Z]{1,5}$/), fc.stringMatching(/^[0-9]{1,6}$/)).map(([prefix, n]) => `${prefix}-${n}`),
  fc.stringMatching(/^[a-z]{1,12}([._:-][a-z]{1,12}){0,3}$/),
  fc.tuple(fc.nat(99), fc.nat(99), fc.nat(99)).map(([major, minor, patch]) => `v${major}.${minor}.${patch}`),
);
