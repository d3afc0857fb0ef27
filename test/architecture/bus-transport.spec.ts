// Every bus service listens through ReplyGuardedNatsServer (runService builds it): the reply guard
// drops a request whose reply subject is no inbox of a publisher it may come from. Its base,
// ReadyNatsServer, has no guard and is exported for tests' probe services only: no product code
// builds it, nor Nest's own NATS transport.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, productSources } from './product-sources.js';

const TRANSPORTS = new Set(['libs/platform/src/ready-nats.server.ts', 'libs/platform/src/reply-guarded-nats.server.ts']);
const UNGUARDED = /\bnew\s+(ReadyNatsServer|ServerNats)\b|\bTransport\.NATS\b/;

function unguardedIn(files: readonly string[], read: (file: string) => string): string[] {
  return files.filter((file) => !TRANSPORTS.has(file) && UNGUARDED.test(read(file)));
}

test('no product code listens on the bus without the reply guard', () => {
  const files = productSources();
  expect(files).toContain('libs/platform/src/run-service.ts');
  expect(readFileSync(join(ROOT, 'libs/platform/src/run-service.ts'), 'utf8')).toMatch(/new ReplyGuardedNatsServer\(/);
  expect(unguardedIn(files, (file) => readFileSync(join(ROOT, file), 'utf8'))).toEqual([]);
});

test.each(['new ReadyNatsServer({ servers })', 'new ServerNats(options)', '{ transport: Transport.NATS, options }'])('the check sees %s', (line) => {
  expect(unguardedIn(['apps/sneaky/src/main.ts'], () => line)).toEqual(['apps/sneaky/src/main.ts']);
});
