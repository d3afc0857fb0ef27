// What a service's migration step (apps/<service>/dist/migrate.js) tells `gardien provision` on
// its stdout, as one JSON line: kept here, in one place, since the two sides are different
// processes (the CLI may not import apps).
import { z } from 'zod';

export const MigrationReport = z.strictObject({
  service: z.string().regex(/^[a-z][a-z0-9-]{0,30}$/),
  /** Names of the migrations this run applied. */
  applied: z.array(z.string().regex(/^[A-Za-z0-9_]{1,128}$/)),
  /** Whether the service purges expired rows, hence needs its maintenance login. */
  purges: z.boolean(),
});
export type MigrationReport = z.infer<typeof MigrationReport>;
