export * from './config.js';
export * from './process-context.js';
export * from './bus-connection.js';
export * from './shutdown.js';
export * from './ready-line.js';
export * from './declared-jetstream.js';
export * from './shared-environment.js';
export * from './migration-report.js';
