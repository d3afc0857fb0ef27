import fc from 'fast-check';
import { DeferredDateTimeFormat, deferDateTimeFormat, restoreDateTimeFormat } from './date-time-format-deferral.js';

const Real = Intl.DateTimeFormat;

afterEach(() => restoreDateTimeFormat());

test('while deferred, Intl.DateTimeFormat is the deferred constructor; restoring puts the real one back', () => {
  deferDateTimeFormat();
  expect(Intl.DateTimeFormat).toBe(DeferredDateTimeFormat);
  const made = new Intl.DateTimeFormat('fr-FR');
  restoreDateTimeFormat();
  expect(Intl.DateTimeFormat).toBe(Real);
  // A formatter made while deferred still works after the restore.
  expect(made.format(new Date(Date.UTC(2026, 11, 2)))).toBe(new Real('fr-FR').format(new Date(Date.UTC(2026, 11, 2))));
  restoreDateTimeFormat();
  expect(Intl.DateTimeFormat).toBe(Real);
});

test('nothing is built until the formatter is used: invalid options throw at first use, not at construction', () => {
  const deferred = new DeferredDateTimeFormat('en', { timeZone: 'Nowhere/Atlantis' });
  expect(() => new Real('en', { timeZone: 'Nowhere/Atlantis' })).toThrow(RangeError);
  expect(() => deferred.format(new Date())).toThrow(RangeError);
});

test('a deferred formatter formats, lists parts and resolves options exactly as the real one', () => {
  const locales = fc.constantFrom(undefined, 'en-US', 'fr-FR', 'de-DE', 'ja-JP', 'ar-EG');
  const options = fc.record(
    {
      year: fc.constantFrom('numeric', '2-digit'),
      month: fc.constantFrom('numeric', '2-digit', 'long', 'short'),
      day: fc.constantFrom('numeric', '2-digit'),
      hour: fc.constantFrom('numeric', '2-digit'),
      minute: fc.constantFrom('numeric', '2-digit'),
      second: fc.constantFrom('numeric', '2-digit'),
      hour12: fc.boolean(),
      timeZone: fc.constantFrom('UTC', 'Europe/Paris', 'America/New_York', 'Asia/Tokyo'),
    },
    { requiredKeys: [] },
  );
  const dates = fc.date({ min: new Date(Date.UTC(1900, 0, 1)), max: new Date(Date.UTC(2200, 0, 1)), noInvalidDate: true });
  fc.assert(
    fc.property(locales, options, dates, dates, (locale, option, date, later) => {
      const real = new Real(locale, option as Intl.DateTimeFormatOptions);
      const deferred = new DeferredDateTimeFormat(locale, option as Intl.DateTimeFormatOptions);
      expect(deferred.format(date)).toBe(real.format(date));
      expect(deferred.formatToParts(date)).toEqual(real.formatToParts(date));
      expect(deferred.resolvedOptions()).toEqual(real.resolvedOptions());
      const [from, to] = date <= later ? [date, later] : [later, date];
      expect(deferred.formatRange(from, to)).toBe(real.formatRange(from, to));
      // `format` is a bound getter on the real formatter: detached, it still formats.
      const { format } = deferred;
      expect([date].map(format)).toEqual([real.format(date)]);
    }),
    { numRuns: 200 },
  );
});

test('it is callable with or without new, instanceof holds, and supportedLocalesOf answers as the real one', () => {
  const called = (DeferredDateTimeFormat as unknown as (locale: string) => Intl.DateTimeFormat)('fr-FR');
  expect(called).toBeInstanceOf(Real);
  expect(new DeferredDateTimeFormat('fr-FR')).toBeInstanceOf(Real);
  expect(Object.prototype.toString.call(new DeferredDateTimeFormat('fr-FR'))).toBe('[object Intl.DateTimeFormat]');
  expect(DeferredDateTimeFormat.supportedLocalesOf(['fr-FR', 'tlh', 'en-GB'])).toEqual(Real.supportedLocalesOf(['fr-FR', 'tlh', 'en-GB']));
});
