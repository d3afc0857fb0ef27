export * from './service-database.js';
export * from './provisioning.js';
export * from './data-source.js';
export * from './tenant-context.js';
export * from './row-level-security.js';
export * from './sql.js';
export * from './outbox/outbox-writer.js';
export * from './outbox/outbox-relay.js';
export { CreateOutbox1732579200000 } from './migrations/1732579200000-create-outbox.js';
