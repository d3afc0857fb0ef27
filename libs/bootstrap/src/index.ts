export * from './config.js';
export * from './process-context.js';
export * from './bus-connection.js';
export * from './nats-tls.js';
export * from './shutdown.js';
export * from './ready-line.js';
export * from './bus-certificates.js';
