// What a process finds not provisioned as declared: its migrations not all applied (or some it
// does not know), a database role with more rights than it should have, a stream or a durable
// consumer missing or configured otherwise. The process refuses to start; the operator runs
// `gardien provision`. Messages name migrations, roles, streams, consumers and properties, never a
// value read from the server, so they may be logged (libs/observability keeps them).
export enum ProvisioningErrorCode {
  MigrationsPending = 'MIGRATIONS_PENDING',
  MigrationsUnknown = 'MIGRATIONS_UNKNOWN',
  PrivilegedRole = 'PRIVILEGED_ROLE',
  NotDatabaseOwner = 'NOT_DATABASE_OWNER',
  StreamMissing = 'STREAM_MISSING',
  StreamNotAsDeclared = 'STREAM_NOT_AS_DECLARED',
  ConsumerMissing = 'CONSUMER_MISSING',
  ConsumerNotAsDeclared = 'CONSUMER_NOT_AS_DECLARED',
}

export class ProvisioningError extends Error {
  constructor(
    readonly code: ProvisioningErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ProvisioningError';
  }
}
