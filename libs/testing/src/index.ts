export * from './free-port.js';
export * from './test-databases.js';
export * from './private-nats.js';
export * from './private-postgres.js';
export * from './declared-jetstream.js';
export * from './service-processes.js';
export * from './canaries.js';
export * from './database-dumps.js';
