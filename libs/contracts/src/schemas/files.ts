// A file a service hands back whole (an export archive, a report), for the edge to send as a
// download. Bounded by what one bus message carries (1 MiB by default in nats-server); larger
// files are for a streamed reply. The digest lets the edge refuse a file damaged on the way.
import { z } from 'zod';

/**
 * The media types a download may have: data formats only. Nothing a browser would render or run
 * (HTML, SVG, JavaScript), even if a service were made to hand one back.
 */
export const DOWNLOAD_MEDIA_TYPES = [
  'application/json',
  'application/x-ndjson',
  'application/zip',
  'application/gzip',
  'application/pdf',
  'application/octet-stream',
  'text/csv',
  'text/plain',
] as const;

export const FileReply = z
  .object({
    /** The name offered to the browser: letters, digits, dots, dashes and underscores only. */
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/),
    media_type: z.enum(DOWNLOAD_MEDIA_TYPES),
    content_base64: z.string().max(1_400_000).regex(/^[A-Za-z0-9+/]*={0,2}$/),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .strict();
export type FileReply = z.infer<typeof FileReply>;
