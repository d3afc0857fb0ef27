// Counting leaked identifiers: per type, nothing of their text kept.
import type { Finding } from '../pseudonymisation/pii-finding.js';
import { LeakTally } from './leak-tally.js';

const found = (type: string, text: string): Finding => ({ type, start: 0, end: text.length, text, score: 0.9 });

test('findings are counted per type, types in order', () => {
  const report = LeakTally.of([found('PHONE', '06 12 34 56 78'), found('EMAIL', 'a@b.fr'), found('PHONE', '07 00 00 00 00')]);
  expect(report).toEqual({ total: 3, byType: { EMAIL: 1, PHONE: 2 } });
  expect(JSON.stringify(report)).not.toMatch(/a@b|06 12/u);
});

test('an answer without findings reports none', () => {
  expect(LeakTally.of([])).toEqual({ total: 0, byType: {} });
});

test('a tally adds up over the deltas of a stream', () => {
  const tally = new LeakTally();
  tally.add([found('IBAN', 'FR76…')]);
  tally.add([]);
  tally.add([found('IBAN', 'DE89…'), found('NIR', '1 85…')]);
  expect(tally.report).toEqual({ total: 3, byType: { IBAN: 2, NIR: 1 } });
});
