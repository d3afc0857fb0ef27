import { withoutOptionValues } from './usage-errors.js';

test('withoutOptionValues keeps option names and drops what is glued to them', () => {
  expect(withoutOptionValues("error: unknown option '--pass=abc'\n")).toBe("error: unknown option '--pass'\n");
  expect(withoutOptionValues("error: unknown option '-xabc'")).toBe("error: unknown option '-x'");
  expect(withoutOptionValues("error: option '--tenant <slug>' argument missing")).toBe("error: option '--tenant <slug>' argument missing");
  expect(withoutOptionValues("error: unknown command 'boot'")).toBe("error: unknown command 'boot'");
});
