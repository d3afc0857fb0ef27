// Re-identification of a complete answer: the map's placeholders become their values, placeholders the
// model made up stay as written and are counted.
import fc from 'fast-check';
import { scanPlaceholder } from './placeholder-grammar.js';
import { PlaceholderMap } from './placeholder-map.js';
import { answer, fullMap } from './pseudonymisation.arbitraries.js';
import { Reidentifier } from './reidentifier.js';

test('placeholders of the map are replaced by the first spelling of their value', () => {
  const map = new PlaceholderMap();
  map.placeholderFor('EMAIL', 'Jean@Example.fr');
  map.placeholderFor('EMAIL', 'jean@example.fr');
  map.placeholderFor('PHONE', '06 12 34 56 78');
  expect(new Reidentifier(map).reidentify('Écrivez à <EMAIL_1> ou appelez le <PHONE_1> (<EMAIL_1>).')).toEqual({
    text: 'Écrivez à Jean@Example.fr ou appelez le 06 12 34 56 78 (Jean@Example.fr).',
    restored: 3,
    invented: 0,
  });
});

test('a placeholder the map does not know is left as written and counted as invented', () => {
  const map = new PlaceholderMap();
  map.placeholderFor('EMAIL', 'jean@example.fr');
  expect(new Reidentifier(map).reidentify('<EMAIL_1>, <EMAIL_7>, <IBAN_1>, <email_1>, <EMAIL_1')).toEqual({
    text: 'jean@example.fr, <EMAIL_7>, <IBAN_1>, <email_1>, <EMAIL_1',
    restored: 1,
    invented: 2,
  });
});

test('values are put back as they are, never read again as placeholders', () => {
  const map = new PlaceholderMap();
  map.placeholderFor('LITERAL', '<EMAIL_1>');
  map.placeholderFor('EMAIL', 'jean@example.fr');
  expect(new Reidentifier(map).reidentify('<LITERAL_1>').text).toBe('<EMAIL_1>');
});

test('for any answer, no placeholder of the map is left, and every token is counted once', () => {
  const { map, placeholders } = fullMap();
  const reidentifier = new Reidentifier(map);
  fc.assert(
    fc.property(answer, (text) => {
      const result = reidentifier.reidentify(text);
      for (const placeholder of placeholders) expect(result.text).not.toContain(placeholder);
      let known = 0;
      let unknown = 0;
      for (let at = text.indexOf('<'); at !== -1; at = text.indexOf('<', at + 1)) {
        const scan = scanPlaceholder(text, at);
        if (scan.kind !== 'placeholder') continue;
        if (map.originalOf(text.slice(at, scan.end)) === undefined) unknown++;
        else known++;
      }
      expect([result.restored, result.invented]).toEqual([known, unknown]);
    }),
    { numRuns: 2_000 },
  );
});

test('a text without any `<` comes back unchanged', () => {
  const { map } = fullMap();
  fc.assert(fc.property(fc.string().map((text) => text.replaceAll('<', '')), (text) => new Reidentifier(map).reidentify(text).text === text));
});
