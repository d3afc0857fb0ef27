// Field types shared by the operation schemas: ids and timestamps as they travel as JSON.
import { z } from 'zod';

/**
 * A uuid, read in its canonical lower-case form whatever case it was written in. Postgres compares
 * uuids case-insensitively, but key names in the KMS, key rings, CASL conditions and every string
 * comparison do not: an id that reached them in upper case would name nothing (a key left behind
 * by a deletion, a second key set for one tenant). Canonical at every boundary, so that it never does.
 */
export const Uuid = z.string().uuid().toLowerCase();
/** An ISO 8601 instant with its offset, as `Date.toISOString()` writes one. */
export const Timestamp = z.string().datetime({ offset: true });
