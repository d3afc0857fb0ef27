// Random 96-bit IVs for AES-GCM, drawn from the CSPRNG in blocks: one randomFillSync per 341
// IVs instead of one per value (a syscall-sized cost that dominated encryption of small values).
// Every IV is handed out once and copied; IVs are not secret, only unique, and random 96-bit IVs
// keep the collision risk negligible for far more values than one data key ever seals.
import { randomFillSync } from 'node:crypto';

const IV_BYTES = 12;
const BLOCK_IVS = 341;

let block = Buffer.alloc(0);
let offset = 0;

export function nextIv(): Buffer {
  if (offset + IV_BYTES > block.length) {
    block = randomFillSync(Buffer.allocUnsafe(IV_BYTES * BLOCK_IVS));
    offset = 0;
  }
  const iv = Buffer.from(block.subarray(offset, offset + IV_BYTES));
  block.fill(0, offset, offset + IV_BYTES);
  offset += IV_BYTES;
  return iv;
}
