// normalised(): a query vector is made unit length in float32, or refused (400 vector_invalid) when
// float32 cannot hold it (a component not finite once converted, a zero norm): never NaN scores.
import fc from 'fast-check';
import { ErrorCode, GardienError } from '@gardien/contracts';
import { normalised } from './vector-backend.port.js';

const extreme = fc.oneof(
  fc.double(),
  fc.constantFrom(0, -0, 1e39, -1e39, 3.4e38, -3.4e38, 3.5e38, Number.MAX_VALUE, Number.MIN_VALUE, 1e-45, 1e-46, Infinity, -Infinity, NaN),
  fc.float({ noNaN: true }).map((x) => x * 1e30),
);

function refused(vector: number[]): boolean {
  try {
    normalised(vector);
    return false;
  } catch (error) {
    expect(error).toBeInstanceOf(GardienError);
    expect(error).toMatchObject({ code: ErrorCode.ValidationFailed, reason: 'vector_invalid' });
    return true;
  }
}

describe('normalised', () => {
  test('[1e39, 0, ...] (beyond float32) and a zero vector are refused as vector_invalid', () => {
    expect(refused([1e39, 0, 0, 0])).toBe(true);
    expect(refused([NaN, 1])).toBe(true);
    expect(refused([0, 0, 0])).toBe(true);
    expect(refused([1e-46, 0])).toBe(true);
  });

  test('property: any vector of extreme floats is either refused or made a finite unit vector', () => {
    fc.assert(
      fc.property(fc.array(extreme, { minLength: 1, maxLength: 64 }), (vector) => {
        const float32 = Float32Array.from(vector);
        const representable = float32.every(Number.isFinite) && float32.some((x) => x !== 0);
        if (!representable) return refused(vector);
        const unit = normalised(vector);
        expect(unit.every(Number.isFinite)).toBe(true);
        const norm = Math.sqrt(unit.reduce((sum, x) => sum + x * x, 0));
        expect(Math.abs(norm - 1)).toBeLessThan(1e-5);
        // Its dot product with itself (what a search scores) is a number, close to 1.
        expect(Number.isNaN(unit.reduce((sum, x) => sum + x * x, 0))).toBe(false);
        return true;
      }),
      { numRuns: 2000 },
    );
  });
});
