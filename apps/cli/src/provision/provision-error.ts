// The failures of `gardien provision`, by kind (each kind has its exit code, see provision-report).
// Messages are ours: they name services, files, streams and variables, never a value.
export type ProvisionFailureKind = 'usage' | 'config' | 'unavailable' | 'refused' | 'failed';

export class ProvisionError extends Error {
  constructor(
    readonly kind: ProvisionFailureKind,
    message: string,
  ) {
    super(message);
    this.name = 'ProvisionError';
  }
}
