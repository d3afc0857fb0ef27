// `gardien pii scan`: the PII engine on standard input, for operators and for checking what the
// gateway would see. Prints the findings as one JSON array. Exit codes: 0 scanned, 1 the scan
// failed (a recogniser), 2 the input was refused (not UTF-8, too large), 64 bad usage.
import { Command, InvalidArgumentError } from 'commander';
import { PiiScanError, PiiScanner } from '@gardien/pii';
import { exitOnUsageError, withoutOptionValues } from '../usage-errors.js';

export const EX_INPUT_REFUSED = 2;
export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
const MAX_MAX_BYTES = 1024 * 1024 * 1024;

export const PII_SCAN_HELP = `
Reads UTF-8 text on standard input (at most --max-bytes, 10 MiB by default) and prints one JSON
array: [{"type","start","end","text","score"}], start and end being offsets in UTF-16 code units
(JavaScript string indexes) of the decoded text, end exclusive; a byte order mark, if any, is kept
as the first character. Types: EMAIL, PHONE, IBAN, NIR, SIREN, SIRET, CARD, IP, DATE_OF_BIRTH,
ADDRESS, PERSON. The findings contain the personal data found: mind where the output goes.
Exit 0: scanned. Exit 1: the scan failed. Exit 2: the input is not UTF-8 or is too large. Exit 64: bad usage.`;

class InputRefused extends Error {}

async function readAtMost(input: AsyncIterable<Uint8Array | string>, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of input) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    total += bytes.length;
    if (total > maxBytes) throw new InputRefused(`standard input is larger than ${maxBytes} bytes (--max-bytes)`);
    chunks.push(bytes);
  }
  return Buffer.concat(chunks, total);
}

/** Where the first ill-formed sequence starts (Unicode's table 3-7 of well-formed UTF-8), to say where the input went wrong. */
function firstInvalidByte(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      i++;
      continue;
    }
    const length = lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
    const [low, high] = lead === 0xe0 ? [0xa0, 0xbf] : lead === 0xed ? [0x80, 0x9f] : lead === 0xf0 ? [0x90, 0xbf] : lead === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
    if (length === 0 || i + length > bytes.length || bytes[i + 1]! < low || bytes[i + 1]! > high) return i;
    for (let k = 2; k < length; k++) if (bytes[i + k]! < 0x80 || bytes[i + k]! > 0xbf) return i;
    i += length;
  }
  return i;
}

function decoded(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new InputRefused(`standard input is not valid UTF-8 (near byte ${firstInvalidByte(bytes)})`);
  }
}

export interface PiiScanIo {
  input: AsyncIterable<Uint8Array | string>;
  write(text: string): void;
  error(text: string): void;
}

export async function piiScan(io: PiiScanIo, options: { maxBytes?: number; scanner?: PiiScanner } = {}): Promise<number> {
  try {
    const text = decoded(await readAtMost(io.input, options.maxBytes ?? DEFAULT_MAX_BYTES));
    io.write(`${JSON.stringify((options.scanner ?? new PiiScanner()).scan(text))}\n`);
    return 0;
  } catch (error) {
    if (error instanceof InputRefused) {
      io.error(`gardien pii scan: ${error.message}\n`);
      return EX_INPUT_REFUSED;
    }
    if (error instanceof PiiScanError) {
      io.error(`gardien pii scan: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

function byteCount(value: string): number {
  const bytes = Number(value);
  if (!/^\d+$/.test(value) || bytes < 1 || bytes > MAX_MAX_BYTES) throw new InvalidArgumentError(`a whole number of bytes from 1 to ${MAX_MAX_BYTES}`);
  return bytes;
}

export function piiCommand(): Command {
  const pii = new Command('pii').description('personal data in text, found by the PII engine of the gateway');
  pii
    .command('scan')
    .description('find personal data in UTF-8 text read on standard input; prints the findings as a JSON array')
    .option('--max-bytes <n>', `refuse an input larger than this (default ${DEFAULT_MAX_BYTES})`, byteCount)
    .addHelpText('after', PII_SCAN_HELP)
    .configureOutput({ outputError: (message, write) => write(withoutOptionValues(message)) })
    .exitOverride(exitOnUsageError)
    .action(async (options: { maxBytes?: number }) => {
      process.exitCode = await piiScan({ input: process.stdin, write: (text) => process.stdout.write(text), error: (text) => process.stderr.write(text) }, options);
    });
  return pii.configureOutput({ outputError: (message, write) => write(withoutOptionValues(message)) }).exitOverride(exitOnUsageError);
}
