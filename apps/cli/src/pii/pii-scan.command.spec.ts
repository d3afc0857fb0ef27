// `gardien pii scan` as an operator runs it: text on standard input, a JSON array out, and a clear
// refusal (exit 2, nothing on stdout) for what is not UTF-8 text of a reasonable size.
import { PiiScanner, type Finding, type PiiRecogniser } from '@gardien/pii';
import { DEFAULT_MAX_BYTES, EX_INPUT_REFUSED, piiScan } from './pii-scan.command.js';

async function run(chunks: (Uint8Array | string)[], options: Parameters<typeof piiScan>[1] = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  async function* input(): AsyncIterable<Uint8Array | string> {
    yield* chunks;
  }
  const code = await piiScan({ input: input(), write: (text) => (stdout += text), error: (text) => (stderr += text) }, options);
  return { code, stdout, stderr };
}

test('prints the findings as one JSON array with type, start, end, text and score, offsets in UTF-16 code units', async () => {
  const text = '😀 Écrire à jean.dupont@orange.fr ou au 06 12 34 56 78.';
  const { code, stdout, stderr } = await run([Buffer.from(text, 'utf8')]);
  expect([code, stderr]).toEqual([0, '']);
  expect(stdout.endsWith('\n')).toBe(true);
  const findings = JSON.parse(stdout) as Finding[];
  expect(findings.map((finding) => Object.keys(finding))).toEqual([
    ['type', 'start', 'end', 'text', 'score'],
    ['type', 'start', 'end', 'text', 'score'],
  ]);
  expect(findings.map(({ type, text: found }) => [type, found])).toEqual([
    ['EMAIL', 'jean.dupont@orange.fr'],
    ['PHONE', '06 12 34 56 78'],
  ]);
  for (const finding of findings) expect(text.slice(finding.start, finding.end)).toBe(finding.text);
});

test('a character split between two chunks of input is read whole', async () => {
  const bytes = Buffer.from('né le 12/05/1985 — M. Jean Dupont', 'utf8');
  const { code, stdout } = await run([bytes.subarray(0, 2), bytes.subarray(2)]);
  expect(code).toBe(0);
  expect((JSON.parse(stdout) as Finding[]).map((finding) => finding.type)).toEqual(['DATE_OF_BIRTH', 'PERSON']);
});

test('no input, no finding: an empty array', async () => {
  expect(await run([])).toEqual({ code: 0, stdout: '[]\n', stderr: '' });
});

test('a byte order mark is kept, so offsets count it', async () => {
  const { stdout } = await run([Buffer.from('\ufeffjean.dupont@orange.fr', 'utf8')]);
  expect(JSON.parse(stdout)).toMatchObject([{ type: 'EMAIL', start: 1 }]);
});

test.each([
  ['a lone continuation byte', Buffer.from([0x61, 0x62, 0x80, 0x63]), 2],
  ['Latin-1 text', Buffer.from('café crème', 'latin1'), 3],
  ['a truncated sequence at the end', Buffer.from([0x61, 0xe2, 0x82]), 1],
  ['an overlong encoding', Buffer.from([0x61, 0xc0, 0xaf]), 1],
  ['an encoded surrogate', Buffer.from([0x61, 0xed, 0xa0, 0x80]), 1],
])('%s: refused, exit 2, where it is said on stderr, nothing on stdout', async (_what, bytes, at) => {
  const { code, stdout, stderr } = await run([bytes]);
  expect([code, stdout]).toEqual([EX_INPUT_REFUSED, '']);
  expect(stderr).toBe(`gardien pii scan: standard input is not valid UTF-8 (near byte ${at})\n`);
});

test('an input over the limit is refused without being read to its end', async () => {
  let served = 0;
  async function* endless(): AsyncIterable<Uint8Array> {
    for (;;) {
      served++;
      yield Buffer.alloc(64 * 1024, 0x61);
    }
  }
  let stdout = '';
  let stderr = '';
  const code = await piiScan({ input: endless(), write: (text) => (stdout += text), error: (text) => (stderr += text) }, { maxBytes: 1024 * 1024 });
  expect([code, stdout, stderr]).toEqual([EX_INPUT_REFUSED, '', 'gardien pii scan: standard input is larger than 1048576 bytes (--max-bytes)\n']);
  expect(served).toBe(17);
});

test('the default limit is 10 MiB, and exactly the limit is accepted', async () => {
  expect(DEFAULT_MAX_BYTES).toBe(10 * 1024 * 1024);
  expect((await run([Buffer.alloc(1000, 0x61)], { maxBytes: 1000 })).code).toBe(0);
  expect((await run([Buffer.alloc(1001, 0x61)], { maxBytes: 1000 })).code).toBe(EX_INPUT_REFUSED);
});

test('a recogniser that fails: exit 1, nothing on stdout, and a message that does not carry the text', async () => {
  const failing: PiiRecogniser = {
    name: 'failing',
    find() {
      throw new Error('jean.dupont@orange.fr');
    },
  };
  const { code, stdout, stderr } = await run([Buffer.from('jean.dupont@orange.fr')], { scanner: new PiiScanner([failing]) });
  expect([code, stdout, stderr]).toEqual([1, '', 'gardien pii scan: PII recogniser failing failed\n']);
});
