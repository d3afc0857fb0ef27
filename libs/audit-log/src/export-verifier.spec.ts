// The offline verifier against exports made here as the audit service makes them, then tampered
// with as someone holding the file could: each change is caught and named with its index.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { canonicalBytes } from './canonical-json.js';
import { exportEntryLine, exportTreeHeadLine } from './export-format.js';
import { ExportFormatError } from './export-lines.js';
import { textExportSource } from './export-source.js';
import { verifyExport } from './export-verifier.js';
import { leafHash } from './merkle-hash.js';
import { MemoryMerkleTree } from './memory-tree.js';
import { signTreeHead } from './tree-head.js';
import { KEYS, LOG, entryNumber, makeExport, parse, privateKey, write } from './testing/tampered-exports.js';

const verify = (lines: string[], options: Parameters<typeof verifyExport>[1] = { publicKeys: KEYS }) => verifyExport(textExportSource(lines.join('')), options);

describe('a valid export', () => {
  test.each([1, 2, 7, 8, 33])('of %i entries verifies, its signature checked', async (count) => {
    await expect(verify(makeExport(count).lines)).resolves.toEqual({ ok: true, log: LOG, tree_size: count, from: 0, to: count - 1, entries: count, signature: 'valid', consistent_with: null });
  });

  test('without the public keys, verifies and says the signature was not checked', async () => {
    await expect(verify(makeExport(5).lines, {})).resolves.toMatchObject({ ok: true, signature: 'not_checked' });
  });

  test('a range verifies as partial, from its start, its middle or up to the end', async () => {
    await expect(verify(makeExport(20, { from: 3, to: 11 }).lines, { publicKeys: KEYS, partial: true })).resolves.toMatchObject({ ok: true, from: 3, to: 11, entries: 9 });
    await expect(verify(makeExport(20, { from: 0, to: 11 }).lines, { publicKeys: KEYS, partial: true })).resolves.toMatchObject({ ok: true, from: 0, to: 11 });
    await expect(verify(makeExport(20, { from: 12, to: 19 }).lines, { publicKeys: KEYS, partial: true })).resolves.toMatchObject({ ok: true, from: 12, to: 19 });
  });

  test('an empty log exports only its head, and verifies', async () => {
    await expect(verify(makeExport(0).lines)).resolves.toMatchObject({ ok: true, tree_size: 0, entries: 0 });
  });

  test('is consistent with an earlier tree head of the same log', async () => {
    const later = makeExport(13);
    const earlier = makeExport(5).head;
    await expect(verify(later.lines, { publicKeys: KEYS, sinceTreeHead: earlier })).resolves.toMatchObject({ ok: true, consistent_with: 5 });
  });
});

describe('a tampered export is refused, naming the first index that fails', () => {
  const count = 12;
  const at = 5;

  test('an entry edited, its leaf hash left: changed', async () => {
    const { lines } = makeExport(count);
    const line = parse(lines[at]!);
    lines[at] = write({ ...line, entry: { ...line.entry, outcome: 'failure' } });
    await expect(verify(lines)).resolves.toEqual({ ok: false, index: at, reason: 'changed' });
  });

  test('an entry edited and its leaf hash recomputed: changed', async () => {
    const { lines } = makeExport(count);
    const line = parse(lines[at]!);
    const entry = { ...line.entry, actor: { type: 'user', id: randomUUID() } };
    lines[at] = write({ ...line, entry, leaf_hash: leafHash(canonicalBytes(entry)).toString('hex') });
    await expect(verify(lines)).resolves.toEqual({ ok: false, index: at, reason: 'changed' });
  });

  test('a proof edited: changed', async () => {
    const { lines } = makeExport(count);
    const line = parse(lines[at]!);
    lines[at] = write({ ...line, inclusion_proof: [...line.inclusion_proof.slice(0, -1), 'ab'.repeat(32)] });
    await expect(verify(lines)).resolves.toEqual({ ok: false, index: at, reason: 'changed' });
  });

  test('the same proof element rewritten alike in every proof that holds it: changed, at the first', async () => {
    const { lines } = makeExport(count);
    // Entries 0-7 all prove themselves with the hash of leaves 8-11 as their last element.
    for (let i = 0; i < 8; i++) {
      const line = parse(lines[i]!);
      lines[i] = write({ ...line, inclusion_proof: [...line.inclusion_proof.slice(0, -1), 'cd'.repeat(32)] });
    }
    await expect(verify(lines)).resolves.toEqual({ ok: false, index: 0, reason: 'changed' });
  });

  test('an entry deleted: missing', async () => {
    const { lines } = makeExport(count);
    lines.splice(at, 1);
    await expect(verify(lines)).resolves.toEqual({ ok: false, index: at, reason: 'missing' });
  });

  test('an entry deleted and the indexes after it renumbered: missing', async () => {
    const { lines } = makeExport(count);
    lines.splice(at, 1);
    for (let i = at; i < lines.length - 1; i++) lines[i] = write({ ...parse(lines[i]!), index: i });
    await expect(verify(lines)).resolves.toEqual({ ok: false, index: at, reason: 'missing' });
  });

  test('an entry inserted under an existing index: inserted', async () => {
    const { lines } = makeExport(count);
    const forged = { ...parse(lines[at]!), entry: entryNumber(99) };
    lines.splice(at + 1, 0, write({ ...forged, leaf_hash: leafHash(canonicalBytes(forged.entry)).toString('hex') }));
    await expect(verify(lines)).resolves.toEqual({ ok: false, index: at, reason: 'inserted' });
  });

  test('an entry inserted and the indexes after it renumbered: inserted', async () => {
    const { lines } = makeExport(count);
    const forgedEntry = entryNumber(99);
    lines.splice(at, 0, write({ ...parse(lines[at]!), entry: forgedEntry, leaf_hash: leafHash(canonicalBytes(forgedEntry)).toString('hex') }));
    for (let i = at + 1; i < lines.length - 1; i++) lines[i] = write({ ...parse(lines[i]!), index: i });
    await expect(verify(lines)).resolves.toEqual({ ok: false, index: at, reason: 'inserted' });
  });

  test('an entry appended after the tree head: inserted', async () => {
    const { lines } = makeExport(count);
    lines.push(lines[2]!);
    await expect(verify([...lines, lines[lines.length - 2]!])).resolves.toMatchObject({ ok: false, reason: 'inserted' });
  });

  test('two lines swapped: reordered', async () => {
    const { lines } = makeExport(count);
    [lines[at], lines[at + 3]] = [lines[at + 3]!, lines[at]!];
    await expect(verify(lines)).resolves.toEqual({ ok: false, index: at, reason: 'reordered' });
  });

  test('two entries swapped under their indexes (leaf hashes and proofs moved with them): reordered', async () => {
    const { lines } = makeExport(count);
    const [a, b] = [parse(lines[at]!), parse(lines[at + 1]!)];
    lines[at] = write({ ...b, index: at });
    lines[at + 1] = write({ ...a, index: at + 1 });
    await expect(verify(lines)).resolves.toEqual({ ok: false, index: at, reason: 'reordered' });
  });

  test('two entries swapped, their leaf hashes left in place: reordered', async () => {
    const { lines } = makeExport(count);
    const [a, b] = [parse(lines[at]!), parse(lines[at + 2]!)];
    lines[at] = write({ ...a, entry: b.entry });
    lines[at + 2] = write({ ...b, entry: a.entry });
    await expect(verify(lines)).resolves.toEqual({ ok: false, index: at, reason: 'reordered' });
  });

  test('cut after an entry, the tree head lost: truncated', async () => {
    const { lines } = makeExport(count);
    await expect(verify(lines.slice(0, at))).resolves.toEqual({ ok: false, index: at, reason: 'truncated' });
  });

  test('cut in the middle of a line: truncated', async () => {
    const { lines } = makeExport(count);
    await expect(verify([...lines.slice(0, at), lines[at]!.slice(0, 100)])).resolves.toEqual({ ok: false, index: at, reason: 'truncated' });
  });

  test('the first entries removed, the tree head kept: missing, at index 0', async () => {
    const { lines } = makeExport(count);
    await expect(verify(lines.slice(4))).resolves.toEqual({ ok: false, index: 0, reason: 'missing' });
  });

  test('the last entries removed, the tree head kept: truncated', async () => {
    const { lines } = makeExport(count);
    await expect(verify([...lines.slice(0, at), lines[lines.length - 1]!])).resolves.toEqual({ ok: false, index: at, reason: 'truncated' });
  });

  test('a tree head edited, signed by another key, or by a key nobody published: bad_signature', async () => {
    const { lines, head } = makeExport(count);
    const edited = [...lines.slice(0, -1), exportTreeHeadLine({ ...head, tree_size: count - 1 })];
    await expect(verify(edited)).resolves.toEqual({ ok: false, index: null, reason: 'bad_signature' });
    const other = generateKeyPairSync('ed25519').privateKey;
    const unsigned = { log: head.log, tree_size: head.tree_size, root_hash: head.root_hash, timestamp: head.timestamp, key_id: head.key_id };
    await expect(verify([...lines.slice(0, -1), exportTreeHeadLine(signTreeHead(unsigned, other))])).resolves.toEqual({ ok: false, index: null, reason: 'bad_signature' });
    await expect(verify([...lines.slice(0, -1), exportTreeHeadLine(signTreeHead({ ...unsigned, key_id: 'unknown' }, privateKey))])).resolves.toEqual({ ok: false, index: null, reason: 'bad_signature' });
  });

  test('a log rewritten and signed again (a new tree, a valid head): inconsistent with the earlier head', async () => {
    const earlier = makeExport(6).head;
    const rewritten = makeExport(count);
    // The same log rebuilt from other entries, properly signed: only the earlier head shows it.
    const entries = Array.from({ length: count }, (_, i) => (i === 2 ? { ...entryNumber(i), outcome: 'denied' } : entryNumber(i)));
    const tree = new MemoryMerkleTree();
    for (const entry of entries) tree.append(leafHash(canonicalBytes(entry)));
    const head = signTreeHead({ ...rewritten.head, root_hash: tree.root().toString('hex') }, privateKey);
    const lines = entries.map((entry, i) => exportEntryLine(i, canonicalBytes(entry).toString('utf8'), leafHash(canonicalBytes(entry)), tree.inclusionProof(i)));
    await expect(verify([...lines, exportTreeHeadLine(head)])).resolves.toMatchObject({ ok: true });
    await expect(verify([...lines, exportTreeHeadLine(head)], { publicKeys: KEYS, sinceTreeHead: earlier })).resolves.toEqual({ ok: false, index: null, reason: 'inconsistent' });
    await expect(verify(makeExport(4).lines, { publicKeys: KEYS, sinceTreeHead: earlier })).resolves.toEqual({ ok: false, index: null, reason: 'inconsistent' });
  });

  test('for any entry edited, in any export, the index named is the one edited', async () => {
    const made = makeExport(40);
    await fc.assert(
      fc.asyncProperty(fc.nat(39), fc.boolean(), fc.integer({ min: -5, max: 5 }), async (index, rehash, delta) => {
        const lines = [...made.lines];
        const line = parse(lines[index]!);
        const entry = { ...line.entry, metadata: { durationMs: index + 1000 + delta } };
        lines[index] = write({ ...line, entry, ...(rehash ? { leaf_hash: leafHash(canonicalBytes(entry)).toString('hex') } : {}) });
        await expect(verify(lines)).resolves.toEqual({ ok: false, index, reason: 'changed' });
      }),
      { numRuns: 60 },
    );
  });

  // The verifier compares each proof with the previous one where both name the same nodes, byte
  // for byte, and checks one by one only the siblings below the two leaves' last common ancestor:
  // a change to any byte of any proof, in any tree shape, must still be caught.
  test('any byte of any proof changed (another digit, the same in upper case, a separator), with or without keys: never valid', async () => {
    const exports = new Map<number, string[]>();
    const linesOf = (count: number) => exports.get(count) ?? exports.set(count, makeExport(count).lines).get(count)!;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 70 }), fc.nat(), fc.nat(), fc.constantFrom('0', 'f', 'A', '"', ',', ' '), fc.boolean(), async (count, lineAt, byteAt, replacement, withKeys) => {
        const lines = [...linesOf(count)];
        const index = lineAt % count;
        const line = lines[index]!;
        const proofStart = line.indexOf('"inclusion_proof":[') + '"inclusion_proof":['.length;
        const proofEnd = line.lastIndexOf(']');
        fc.pre(proofEnd > proofStart);
        const at = proofStart + (byteAt % (proofEnd - proofStart));
        const changed = line[at] === replacement ? (replacement === '0' ? '1' : '0') : replacement;
        lines[index] = line.slice(0, at) + changed + line.slice(at + 1);
        const verdict = await verify(lines, withKeys ? { publicKeys: KEYS } : {}).catch((error: unknown) => (error instanceof ExportFormatError ? 'format error' : error));
        expect(verdict === 'format error' || (typeof verdict === 'object' && verdict !== null && 'ok' in verdict && verdict.ok === false)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('what is not an export', () => {
  test.each([
    ['empty', ''],
    ['not JSON', 'hello\nworld\n'],
    ['JSON but neither an entry nor a head', '{"a":1}\n'],
    ['an entry line with an extra field', `${JSON.stringify({ ...parse(makeExport(2).lines[0]!), note: 'x' })}\n${makeExport(2).lines[2]}`],
  ])('%s: a format error, not a verdict', async (_name, text) => {
    await expect(verifyExport(textExportSource(text), {})).rejects.toBeInstanceOf(ExportFormatError);
  });

  test.each([
    ['a number JSON cannot hold', '{"a":1e400}'],
    ['a lone surrogate', '{"a":"\\ud800"}'],
  ])('an entry with %s (no canonical form) is a format error', async (_what, entry) => {
    const { lines } = makeExport(3);
    lines[1] = `{"index":1,"entry":${entry},"leaf_hash":"${'0'.repeat(64)}","inclusion_proof":[]}\n`;
    await expect(verify(lines)).rejects.toBeInstanceOf(ExportFormatError);
  });

  test('an entry whose text is not the canonical form that was hashed (a key twice, an escape, spaces) is changed, not valid', async () => {
    for (const edit of [
      (line: string) => line.replace('"outcome":"success"', '"outcome":"failure","outcome":"success"'),
      (line: string) => line.replace('"service":"auth"', '"service":"\\u0061uth"'),
      (line: string) => line.replace('"action":', ' "action" : '),
    ]) {
      const { lines } = makeExport(6);
      lines[2] = edit(lines[2]!);
      await expect(verify(lines)).resolves.toEqual({ ok: false, index: 2, reason: 'changed' });
    }
  });

  test('an entry line or a tree head not written as the service writes them (a key twice, another order) is a format error', async () => {
    const { lines } = makeExport(6);
    const twice = [...lines];
    twice[2] = twice[2]!.replace(/\}\n$/, ',"index":1}\n');
    await expect(verify(twice)).rejects.toBeInstanceOf(ExportFormatError);
    const head = JSON.parse(lines[6]!) as { tree_head: Record<string, unknown> };
    const h = head.tree_head;
    const reordered = [...lines.slice(0, 6), `${JSON.stringify({ tree_head: { tree_size: h.tree_size, log: h.log, root_hash: h.root_hash, timestamp: h.timestamp, key_id: h.key_id, signature: h.signature } })}\n`];
    await expect(verify(reordered)).rejects.toBeInstanceOf(ExportFormatError);
  });

  test('a line of garbage in the middle is a format error', async () => {
    const { lines } = makeExport(6);
    lines.splice(2, 0, 'not json\n');
    await expect(verify(lines)).rejects.toBeInstanceOf(ExportFormatError);
  });
});

test('any bytes at all: a verdict or a format error, never another exception', async () => {
  const valid = makeExport(9).lines;
  const hostileLine = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.json({ maxDepth: 3 }),
    fc.constantFrom(...valid),
    fc.tuple(fc.constantFrom(...valid), fc.nat(400), fc.string({ maxLength: 5 })).map(([line, at, text]) => line.slice(0, at) + text + line.slice(at + text.length)),
    fc.record({ index: fc.oneof(fc.integer(), fc.double(), fc.string()), entry: fc.anything(), leaf_hash: fc.string(), inclusion_proof: fc.anything() }).map((value) => JSON.stringify(value)),
  );
  await fc.assert(
    fc.asyncProperty(fc.array(hostileLine, { maxLength: 14 }), fc.boolean(), async (lines, terminated) => {
      const text = lines.map((line) => line.replace(/\n$/, '')).join('\n') + (terminated ? '\n' : '');
      try {
        const verdict = await verifyExport(textExportSource(text), { publicKeys: KEYS });
        expect(typeof verdict.ok).toBe('boolean');
      } catch (error) {
        expect(error).toBeInstanceOf(ExportFormatError);
      }
    }),
    { numRuns: 400 },
  );
});
