// The vector store's check that metadata is ids and codes, with the contract's pattern before it
// as the bus applies it: generated personal data refused by one or the other, generated ids and
// codes accepted by both. Each example the engine alone would misread is first shown misread.
import fc from 'fast-check';
import { ErrorCode, GardienError, IngestDocumentRequest, MetadataValue, parsePayload } from '@gardien/contracts';
import { scan } from '@gardien/pii';
import { hostileMetadataValue, identifierLikeValue, validMetadataValue } from '../testing/metadata-values.arbitraries.js';
import { refusePersonalMetadata } from './metadata-values.js';

const refusal = (action: () => unknown): unknown => {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
};

/** What a document's metadata meets: the operation's schema on the bus, then the vector store's intake. */
const intake = (value: string) => () => {
  const request = parsePayload(IngestDocumentRequest, { collection: 'docs', text: 'x', purpose: 'support', metadata: { case_id: value } });
  refusePersonalMetadata(request.metadata, 'metadata');
};

test('generated personal data is refused, as a clear validation error that does not echo it', () => {
  fc.assert(
    fc.property(hostileMetadataValue, (value) => {
      const error = refusal(intake(value));
      expect(error).toBeInstanceOf(GardienError);
      expect(error).toMatchObject({ code: ErrorCode.ValidationFailed });
      if (value.length > 3) expect(JSON.stringify({ ...(error as GardienError), message: (error as GardienError).message })).not.toContain(value);
    }),
    { numRuns: 3_000 },
  );
});

test('an identifier the contract pattern lets through (phone, IBAN, NIR, SIREN, SIRET, card, IP) is refused by the PII check: metadata_value_personal', () => {
  fc.assert(
    fc.property(identifierLikeValue.filter((value) => MetadataValue.safeParse(value).success), (value) => {
      expect(refusal(() => refusePersonalMetadata({ case_id: 'C-1', ref: value }, 'metadata'))).toMatchObject({
        code: ErrorCode.ValidationFailed,
        reason: 'metadata_value_personal',
        details: [{ path: 'metadata.*', reason: 'metadata_value_personal' }],
      });
      expect(refusal(() => refusePersonalMetadata({ ref: value }, 'filter.metadata'))).toMatchObject({ details: [{ path: 'filter.metadata.*' }] });
    }),
    { numRuns: 3_000 },
  );
});

test('generated ids and codes pass both the contract and the PII check', () => {
  fc.assert(
    fc.property(fc.array(validMetadataValue, { minLength: 1, maxLength: 16 }), (values) => {
      expect(refusal(intake(values[0]!))).toBeUndefined();
      expect(refusal(() => refusePersonalMetadata(Object.fromEntries(values.map((value, i) => [`f${i}`, value])), 'metadata'))).toBeUndefined();
    }),
    { numRuns: 2_000 },
  );
});

test('a number after a code is read as its own part: "ref-0033612345678", one word to the engine, is refused', () => {
  expect(scan('ref-0033612345678')).toEqual([]);
  expect(scan('0033612345678').map((finding) => finding.type)).toEqual(['PHONE']);
  expect(refusal(() => refusePersonalMetadata({ ref: 'ref-0033612345678' }, 'metadata'))).toMatchObject({ reason: 'metadata_value_personal' });
});

test('a UUID is an id even where the engine reads a phone or a card number in its hex digits', () => {
  for (const [uuid, type] of [
    ['00530455-4905-3591-af21-b3db2084fd85', 'PHONE'],
    ['24bfbd4a-6713-4886-9130-b778d444d485', 'CARD'],
  ] as const) {
    expect(scan(uuid).map((finding) => finding.type)).toEqual([type]);
    expect(refusal(() => refusePersonalMetadata({ ref: uuid }, 'metadata'))).toBeUndefined();
  }
});

test('an identifier glued to letters, or cut by separators between its digits, is refused: the review’s examples, each passed before', () => {
  const glued = [
    'ref0612345678',
    'client0612345678',
    'nir185077512345608',
    'card4970101234567893',
    'IBANFR7630006000011234567890189',
    'ibanfr7630006000011234567890189',
    'ip192.168.1.10',
    '0612:345678',
    'siren732:829:320',
  ];
  const passed = glued.filter((value) => refusal(intake(value)) === undefined);
  expect(passed).toEqual([]);
  for (const value of glued) expect(MetadataValue.safeParse(value).success).toBe(true);
});

test('generated identifiers glued to a code word or cut by separators are refused', () => {
  const word = fc.stringMatching(/^[a-zA-Z]{1,8}$/);
  const separated = (digits: string) => fc.array(fc.constantFrom('.', ':', '-', '_'), { minLength: 1, maxLength: 3 }).map((separators) => {
    const cut = Math.floor(digits.length / (separators.length + 1));
    return separators.reduce((text, separator, i) => text.slice(0, (i + 1) * cut + i) + separator + text.slice((i + 1) * cut + i), digits);
  });
  // Numbers the engine finds written alone (its recall is its own tests'): glued or cut, they must still be found.
  const phone = fc
    .tuple(fc.constantFrom('06', '07'), fc.stringMatching(/^[0-9]{8}$/))
    .map(([prefix, rest]) => `${prefix}${rest}`)
    .filter((digits) => scan(digits).length > 0);
  fc.assert(
    fc.property(word, phone, fc.boolean(), (prefix, digits, cut) => {
      const value = cut ? `${prefix}${digits.slice(0, 4)}:${digits.slice(4)}` : `${prefix}${digits}`;
      return refusal(intake(value)) !== undefined;
    }),
  );
  fc.assert(fc.property(phone.chain(separated), (value) => refusal(intake(value)) !== undefined));
});
