import { Writable } from 'node:stream';
import { createLogger } from './logger.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, destination };
}

test('credentials, headers and bodies attached by mistake are redacted', () => {
  const { lines, destination } = capture();
  const logger = createLogger({ service: 'probe', destination });
  logger.info(
    {
      authorization: 'Bearer secret-token',
      req: { headers: { authorization: 'Bearer x' }, body: { email: 'jean@exemple.fr' } },
      user: { password: 'hunter2', token: 'abc' },
      count: 3,
    },
    'event',
  );
  const line = lines.join('');
  expect(line).not.toContain('secret-token');
  expect(line).not.toContain('jean@exemple.fr');
  expect(line).not.toContain('hunter2');
  expect(JSON.parse(line)).toMatchObject({ service: 'probe', level: 'info', count: 3, msg: 'event' });
});

test('errors are logged through the safe serializer', () => {
  const { lines, destination } = capture();
  const logger = createLogger({ service: 'probe', destination });
  logger.error({ err: new Error('value jean@exemple.fr rejected') }, 'failed');
  expect(lines.join('')).not.toContain('jean@exemple.fr');
  expect(JSON.parse(lines.join('')).err.type).toBe('Error');
});
