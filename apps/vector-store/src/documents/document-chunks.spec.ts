// A document's chunks: the collection's chunk size, and no identifier of the whole document cut
// between two chunks (the newcomer review's IBAN after 958 characters was cut, its bank and branch
// codes left in clear in the first chunk).
import { documentChunks } from './document-chunks.js';

const iban = 'FR76 3000 6000 0112 3456 7890 189';
const phone = '06 12 34 56 78';

test('an IBAN or a phone number where a chunk would end is in one chunk whole, and in no chunk in part', () => {
  for (const filler of [958, 965, 975, 985, 990]) {
    const text = `${'x'.repeat(filler)} IBAN ${iban} et rappeler au ${phone} demain.`;
    const chunks = documentChunks(text, {}).map((chunk) => chunk.text);
    expect(chunks.some((chunk) => chunk.includes(iban))).toBe(true);
    expect(chunks.some((chunk) => chunk.includes(phone))).toBe(true);
    for (const chunk of chunks) {
      if (!chunk.includes(iban)) expect(chunk).not.toMatch(/FR76|3456 7890 189/);
      if (!chunk.includes(phone)) expect(chunk).not.toMatch(/06 12 34|34 56 78/);
    }
  }
});

test("the collection's chunk size bounds every chunk", () => {
  const text = 'Une phrase du dossier, assez longue. '.repeat(200);
  const chunks = documentChunks(text, { chunk_chars: 400 });
  expect(chunks.length).toBeGreaterThan(10);
  for (const chunk of chunks) expect(chunk.text.length).toBeLessThanOrEqual(400);
  expect(Math.max(...documentChunks(text, {}).map((chunk) => chunk.text.length))).toBeGreaterThan(400);
});
