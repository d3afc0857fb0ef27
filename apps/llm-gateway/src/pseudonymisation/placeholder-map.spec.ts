// The request's map: one counter per type, one placeholder per value (after normalisation), the first
// form kept for re-identification.
import { PlaceholderMap } from './placeholder-map.js';
import { PseudonymisationErrorCode } from './pseudonymisation.errors.js';

test('each type has its own counter', () => {
  const map = new PlaceholderMap();
  expect(map.placeholderFor('EMAIL', 'a@example.fr')).toBe('<EMAIL_1>');
  expect(map.placeholderFor('PHONE', '06 12 34 56 78')).toBe('<PHONE_1>');
  expect(map.placeholderFor('EMAIL', 'b@example.fr')).toBe('<EMAIL_2>');
  expect(map.placeholderFor('DATE_OF_BIRTH', '12/03/1980')).toBe('<DATE_OF_BIRTH_1>');
  expect(map.size).toBe(4);
});

test('two spellings of one value share a placeholder, which gives back the first spelling', () => {
  const map = new PlaceholderMap();
  expect(map.placeholderFor('PHONE', '06 12 34 56 78')).toBe('<PHONE_1>');
  expect(map.placeholderFor('PHONE', '+33612345678')).toBe('<PHONE_1>');
  expect(map.placeholderFor('EMAIL', 'Jean@Example.fr')).toBe('<EMAIL_1>');
  expect(map.placeholderFor('EMAIL', 'jean@example.fr')).toBe('<EMAIL_1>');
  expect(map.originalOf('<PHONE_1>')).toBe('06 12 34 56 78');
  expect(map.originalOf('<EMAIL_1>')).toBe('Jean@Example.fr');
  expect(map.size).toBe(2);
});

test('the same string under two types is two values', () => {
  const map = new PlaceholderMap();
  expect(map.placeholderFor('SIREN', '732829320')).toBe('<SIREN_1>');
  expect(map.placeholderFor('PHONE', '732829320')).toBe('<PHONE_1>');
});

test('strings the map did not issue have no original', () => {
  const map = new PlaceholderMap();
  map.placeholderFor('EMAIL', 'a@example.fr');
  for (const other of ['<EMAIL_2>', '<PHONE_1>', '<email_1>', 'EMAIL_1', '']) expect(map.originalOf(other)).toBeUndefined();
});

test('a type that cannot be made into a placeholder is refused, without the value in the message', () => {
  const map = new PlaceholderMap();
  for (const type of ['email', 'DATE OF BIRTH', 'A>B', '']) {
    expect(() => map.placeholderFor(type, 'secret@example.fr')).toThrow(expect.objectContaining({ code: PseudonymisationErrorCode.UnsupportedType }));
  }
  expect(() => map.placeholderFor('a b', 'secret@example.fr')).toThrow(expect.not.stringContaining('secret'));
  expect(map.size).toBe(0);
});
