// Values that look like personal data, planted through public surfaces by tests. A test then
// searches every captured log line for every byte sequence of them. The e2e suite plants one set
// of them everywhere (made by its global setup, handed to every spec in the environment), so that
// its last spec can search every audit entry the suite produced for them.
import { randomBytes } from 'node:crypto';

export interface Canaries {
  email: string;
  phone: string;
  iban: string;
  name: string;
}

/** Canaries unique to one test run, so that a hit cannot come from another run. */
export function makeCanaries(): Canaries {
  const tag = randomBytes(3).toString('hex');
  const digits = String(parseInt(tag, 16) % 1_000_000).padStart(6, '0');
  return {
    email: `camille.canari.${tag}@exemple-sante.fr`,
    phone: `+33 6 12 ${digits.slice(0, 2)} ${digits.slice(2, 4)} ${digits.slice(4, 6)}`,
    iban: `FR76 3000 6000 01${digits.slice(0, 2)} ${digits.slice(2, 6)} ${digits.slice(4, 6)}90 189`,
    name: `Camille Canari${tag}`,
  };
}

/** The variable in which the e2e suite's global setup hands its canaries to every spec. */
export const SUITE_CANARIES_VARIABLE = 'GARDIEN_TEST_CANARIES';

/** The canaries of the e2e suite when it runs as a whole (see SUITE_CANARIES_VARIABLE), else new ones. */
export function suiteCanaries(env: NodeJS.ProcessEnv = process.env): Canaries {
  const shared = env[SUITE_CANARIES_VARIABLE];
  if (shared === undefined) return makeCanaries();
  const parsed = JSON.parse(shared) as Partial<Record<keyof Canaries, unknown>>;
  const { email, phone, iban, name } = parsed;
  if (![email, phone, iban, name].every((value) => typeof value === 'string' && value.length > 0)) {
    throw new Error(`${SUITE_CANARIES_VARIABLE} does not hold the four canaries`);
  }
  return { email, phone, iban, name } as Canaries;
}

/** The forms in which a canary may leak: as written, without spaces, URL-encoded, JSON-escaped. */
export function leakForms(value: string): string[] {
  const forms = new Set([value, value.replaceAll(' ', ''), encodeURIComponent(value), JSON.stringify(value).slice(1, -1)]);
  forms.add(value.replaceAll(' ', '+'));
  forms.add(value.replace(/[^A-Za-z0-9@.]/g, ''));
  return [...forms];
}

/** Which canaries (by key) appear in the text, in any of their forms. */
export function findLeaks(text: string, canaries: Canaries): string[] {
  return Object.entries(canaries)
    .filter(([, value]) => leakForms(value).some((form) => text.includes(form)))
    .map(([key]) => key);
}

/**
 * The shapes of personal data that no id, code, count or timestamp takes: an email address, a
 * phone number (French, or international E.164) and an IBAN. For text that must hold none at all,
 * whoever planted them (audit entries): a canary is one value, these are every value of a kind.
 */
const PERSONAL_DATA_SHAPES: Readonly<Record<string, RegExp>> = {
  email: /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/,
  // Not inside a word or a UUID (whose groups of digits are joined by hyphens).
  phone: /(?<![\w+-])(?:(?:\+|00)33[\s.-]?[1-9]|0[1-9])(?:[\s.-]?\d{2}){4}(?![\w-])|(?<![\w+-])\+[1-9]\d{7,14}(?![\w-])/,
  iban: /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![A-Za-z0-9])/,
};

/** Which shapes of personal data (email, phone, iban) appear in the text, each with its first match. */
export function personalDataShapes(text: string): string[] {
  return Object.entries(PERSONAL_DATA_SHAPES).flatMap(([kind, shape]) => {
    const match = shape.exec(text);
    return match ? [`${kind}: ${match[0]}`] : [];
  });
}
