// Field types shared by the operation schemas: ids and timestamps as they travel as JSON.
import { z } from 'zod';

export const Uuid = z.string().uuid();
/** An ISO 8601 instant with its offset, as `Date.toISOString()` writes one. */
export const Timestamp = z.string().datetime({ offset: true });
