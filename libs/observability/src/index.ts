export * from './logger.js';
export * from './safe-error.js';
export * from './nest-logger.js';
export * from './metrics.js';
export * from './tracing.js';
