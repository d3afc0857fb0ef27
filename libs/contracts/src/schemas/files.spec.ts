import { createHash } from 'node:crypto';
import { DOWNLOAD_MEDIA_TYPES, FileReply } from './files.js';

const content = Buffer.from('{}');
const file = (media_type: string) => ({
  name: 'export.json',
  media_type,
  content_base64: content.toString('base64'),
  sha256: createHash('sha256').update(content).digest('hex'),
});

describe('FileReply', () => {
  it.each(DOWNLOAD_MEDIA_TYPES)('takes a data format: %s', (type) => {
    expect(FileReply.safeParse(file(type)).success).toBe(true);
  });

  it.each(['text/html', 'image/svg+xml', 'application/javascript', 'text/javascript', 'application/xhtml+xml', 'text/xml', 'application/json; charset=utf-8'])(
    'refuses a type a browser would render or run, or with parameters: %s',
    (type) => {
      expect(FileReply.safeParse(file(type)).success).toBe(false);
    },
  );
});
