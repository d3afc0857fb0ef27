// Two of NestJS's logger modules (console-logger.service, logger.service) each build an
// Intl.DateTimeFormat when they are imported. Building the first one loads ICU's date patterns and
// calendar data, which costs every process about 8 MiB of resident memory (measured on this
// project's machine: 39 -> 47 MiB for a bare node process, 7-10 MiB per service). Gardien's
// processes log with pino, and Nest's console logger never formats a date in them. So while the
// modules load (from the main's second import, defer-date-time-format, to openProcessContext), a
// DateTimeFormat is built on its first use instead; openProcessContext puts the real constructor
// back before the service's configuration, logger or Nest application is created. The window thus
// covers the loading of every module the main imports, Gardien's own included; none of them builds
// a formatter at load time. Two differences from a real formatter, both limited to that window:
// one made with invalid options throws at its first use rather than at `new`, and it is not a real
// receiver for `Intl.DateTimeFormat.prototype.format.call(formatter, ...)` (its own methods work).
const RealDateTimeFormat = Intl.DateTimeFormat;

type Arguments = ConstructorParameters<typeof Intl.DateTimeFormat>;

/** A formatter that builds the real one the first time any of its properties is read. */
function deferredFormatter(...args: Arguments): Intl.DateTimeFormat {
  let real: Intl.DateTimeFormat | undefined;
  return new Proxy(Object.create(RealDateTimeFormat.prototype) as Intl.DateTimeFormat, {
    get(_target, key) {
      real ??= new RealDateTimeFormat(...args);
      const value: unknown = Reflect.get(real, key, real);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(real) : value;
    },
  });
}

/** Callable with or without `new`, as Intl.DateTimeFormat is; `instanceof` holds. */
export const DeferredDateTimeFormat = Object.assign(deferredFormatter, {
  prototype: RealDateTimeFormat.prototype,
  supportedLocalesOf: RealDateTimeFormat.supportedLocalesOf.bind(RealDateTimeFormat),
}) as unknown as typeof Intl.DateTimeFormat;

export function deferDateTimeFormat(): void {
  Intl.DateTimeFormat = DeferredDateTimeFormat;
}

/** Puts the real Intl.DateTimeFormat back (a no-op when it is there); formatters built until now stay deferred. */
export function restoreDateTimeFormat(): void {
  Intl.DateTimeFormat = RealDateTimeFormat;
}
