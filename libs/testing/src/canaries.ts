// Values that look like personal data, planted through public surfaces by tests. A test then
// searches every captured log line for every byte sequence of them.
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
