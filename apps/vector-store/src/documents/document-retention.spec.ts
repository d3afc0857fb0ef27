// How long a document is kept, property-based: whatever retention its purpose declares (within the
// contract's bounds, or none), never longer than the ceiling, never longer than the purpose says;
// and a document is expired exactly when past its own expiry or past the ceiling from its ingestion.
import fc from 'fast-check';
import { DOCUMENT_RETENTION_DAYS } from './document-personal-data.js';
import { isExpired } from './document-expiry.js';
import { documentRetentionDays } from './document-retention.js';

const DAY_MS = 86_400_000;

test('a document is kept for its purpose\'s retention, at most the ceiling; for the ceiling when its purpose declares none', () => {
  fc.assert(
    fc.property(fc.option(fc.integer({ min: 1, max: 3650 })), (purposeDays) => {
      const days = documentRetentionDays(purposeDays);
      expect(days).toBeGreaterThanOrEqual(1);
      expect(days).toBeLessThanOrEqual(DOCUMENT_RETENTION_DAYS);
      expect(days).toBe(purposeDays === null ? DOCUMENT_RETENTION_DAYS : Math.min(purposeDays, DOCUMENT_RETENTION_DAYS));
    }),
  );
  expect(documentRetentionDays(1)).toBe(1);
  expect(documentRetentionDays(3650)).toBe(365);
  expect(DOCUMENT_RETENTION_DAYS).toBe(365);
});

test('expired exactly when past its own expiry, or past the ceiling from its ingestion', () => {
  const now = Date.UTC(2026, 11, 7);
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 800 }), fc.option(fc.integer({ min: -800, max: 800 })), (ageDays, expiresInDays) => {
      const document = { created_at: new Date(now - ageDays * DAY_MS), expires_at: expiresInDays === null ? null : new Date(now + expiresInDays * DAY_MS) };
      const expected = (expiresInDays !== null && expiresInDays <= 0) || ageDays > DOCUMENT_RETENTION_DAYS;
      expect(isExpired(document, now)).toBe(expected);
    }),
  );
});
