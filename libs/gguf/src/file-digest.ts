// The sha256 of a file, read as a stream: model files are gigabytes, never read whole into memory.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** Lower-case hex, as the model catalogue lists it. */
export function sha256OfFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path, { highWaterMark: 1024 * 1024 })
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}
