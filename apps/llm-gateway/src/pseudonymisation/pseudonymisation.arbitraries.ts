// Generators shared by the pseudonymisation specs: texts made to be hard for the placeholder scanner
// (placeholder look-alikes, pieces of them, `<` and `>`, astral characters) with identifiers planted
// at known places, so that the findings a PII engine would report are known too.
import fc from 'fast-check';
import type { Finding } from './pii-finding.js';
import { PlaceholderMap } from './placeholder-map.js';

/** Identifiers by type, each with one spelling, none made only of placeholder characters. */
export const IDENTIFIERS: Readonly<Record<string, readonly string[]>> = {
  EMAIL: ['jean.dupont@example.fr', 'Marie.Curie@exemple.com', 'x@y.eu'],
  PHONE: ['06 12 34 56 78', '+33 7 98 76 54 32', '01.23.45.67.89'],
  IBAN: ['FR76 3000 6000 0112 3456 7890 189', 'DE89 3704 0044 0532 0130 00'],
  PERSON: ['Jean Dupont', 'Amélie Poulain', 'Zoë <Ø>'],
  DATE_OF_BIRTH: ['12/03/1980'],
};

/** Pieces of text that look like placeholders, start like them, or hold their characters. */
export const trickyText = fc
  .array(
    fc.oneof(
      fc.constantFrom('<EMAIL_1>', '<PHONE_2>', '<LITERAL_1>', '<LITERAL_2>', '<DATE_OF_BIRTH_1>', '<EMAIL_', '<EMAI', 'L_1>', '<', '>', '_', 'EMAIL', '1', '0', ' ', 'é', '\u{1F600}', '\n'),
      fc.string({ maxLength: 3 }),
    ),
    { maxLength: 12 },
  )
  .map((pieces) => pieces.join(''));

export interface PlantedText {
  readonly text: string;
  /** One finding per planted identifier, plus shorter findings inside some of them, shuffled. */
  readonly findings: readonly Finding[];
  readonly planted: readonly Finding[];
}

const identifier = fc.constantFrom(...Object.entries(IDENTIFIERS).flatMap(([type, values]) => values.map((value) => ({ type, value }))));

const part = fc.oneof(
  trickyText.map((text) => ({ text })),
  fc.tuple(identifier, fc.boolean()).map(([planted, shadowed]) => ({ ...planted, shadowed })),
);

/** A text with identifiers planted among tricky pieces, and the findings of a scan of it. */
export const plantedText: fc.Arbitrary<PlantedText> = fc
  .array(part, { maxLength: 10 })
  .map((parts) => {
    let text = '';
    const planted: Finding[] = [];
    const findings: Finding[] = [];
    for (const item of parts) {
      if ('value' in item) {
        const found = { type: item.type, start: text.length, end: text.length + item.value.length, text: item.value, score: 0.9 };
        planted.push(found);
        findings.push(found);
        // A shorter finding inside it (a PERSON inside an email, say) loses the overlap, whatever its score.
        if (item.shadowed) findings.push({ type: 'PERSON', start: found.start + 1, end: found.end - 1, text: item.value.slice(1, -1), score: 0.99 });
        text += item.value;
      } else text += item.text;
    }
    return { text, planted, findings };
  })
  .chain((planted) => fc.shuffledSubarray([...planted.findings], { minLength: planted.findings.length }).map((findings) => ({ ...planted, findings })));

/** A map holding every identifier of IDENTIFIERS, and its placeholders. */
export function fullMap(): { map: PlaceholderMap; placeholders: string[] } {
  const map = new PlaceholderMap();
  const placeholders = Object.entries(IDENTIFIERS).flatMap(([type, values]) => values.map((value) => map.placeholderFor(type, value)));
  return { map, placeholders };
}

/** Answers a model could write: the map's placeholders, made-up ones, and tricky text around them. */
export const answer = fc
  .array(fc.oneof(fc.constantFrom(...fullMap().placeholders), fc.constantFrom('<EMAIL_7>', '<PERSON_1', '<SIREN_1>', '<X_99>'), trickyText), { maxLength: 12 })
  .map((pieces) => pieces.join(''));
