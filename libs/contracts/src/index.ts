export * from './services.js';
export * from './subjects.js';
export * from './headers.js';
export * from './errors.js';
export * from './validation.js';
export * from './wire.js';
export * from './bus-client.js';
export * from './schemas/health.js';
