// The form under which two spellings of one identifier count as the same value, so that they get the
// same placeholder across the messages of a request (`06 12 34 56 78` and `+33612345678`, `FR76 3000…`
// and `FR763000…`). A key for comparison only: the value given back on re-identification is the first
// form seen, never this one.

const collapseSpaces = (value: string) => value.replace(/\s+/gu, ' ').trim();
const keepOnly = (value: string, allowed: RegExp) => value.replace(allowed, '');

/** French numbers written nationally (0X XX XX XX XX) or with a stray trunk zero (+33 (0)6…) become E.164. */
function normalisePhone(value: string): string {
  const compact = keepOnly(value.replace('(0)', ''), /[^0-9+]/gu);
  const international = compact.startsWith('00') ? `+${compact.slice(2)}` : compact;
  if (/^0[1-9][0-9]{8}$/u.test(international)) return `+33${international.slice(1)}`;
  if (/^\+330[1-9][0-9]{8}$/u.test(international)) return `+33${international.slice(4)}`;
  return international;
}

/**
 * Unicode normalisation reorders runs of combining marks in quadratic time, so a value longer than any
 * real identifier is compared as written.
 */
const MAX_NORMALISED_LENGTH = 256;

export function normaliseIdentifier(type: string, value: string): string {
  const text = value.length <= MAX_NORMALISED_LENGTH ? value.normalize('NFKC') : value;
  switch (type) {
    case 'EMAIL':
      return text.trim().toLowerCase();
    case 'PHONE':
      return normalisePhone(text);
    case 'IBAN':
      return keepOnly(text, /[\s.-]/gu).toUpperCase();
    case 'NIR':
      // Corsican NIRs carry 2A or 2B where the department is.
      return keepOnly(text.toUpperCase(), /[^0-9AB]/gu);
    case 'SIREN':
    case 'SIRET':
    case 'CARD':
      return keepOnly(text, /[^0-9]/gu);
    case 'PERSON':
    case 'ADDRESS':
    case 'IP':
      return collapseSpaces(text).toLowerCase();
    default:
      return collapseSpaces(text);
  }
}
