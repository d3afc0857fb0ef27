// What every process sets up first: validated configuration, logger, metrics endpoint, tracing.
// A configuration error is reported by variable name on stderr, and the process exits 78 (EX_CONFIG).
import { hostname } from 'node:os';
import type { Server } from 'node:http';
import type { z } from 'zod';
import { createLogger, safeError, serveMetrics, ServiceMetrics, startTracing, type Logger } from '@gardien/observability';
import { restoreDateTimeFormat } from './date-time-format-deferral.js';
import { ConfigError, loadConfig, printableConfig, requireProductionSettings, type BaseConfigSchema } from './config.js';
import { checkNatsTls } from './nats-tls.js';

export interface ProcessContext<C> {
  service: string;
  config: C;
  logger: Logger;
  metrics: ServiceMetrics;
  metricsServer: Server;
  instanceId: string;
  startedAt: number;
}

export const EXIT_CONFIG = 78;

export function loadConfigOrExit<S extends typeof BaseConfigSchema>(
  service: string,
  schema: S,
  refine?: (config: z.infer<S>, context: z.RefinementCtx) => void,
): z.infer<S> {
  return exitOnConfigError(service, () =>
    loadConfig(schema, process.env, (config, context) => {
      checkNatsTls(config, context);
      requireProductionSettings(config, context);
      refine?.(config, context);
    }),
  );
}

/** Runs a configuration load; a configuration error is reported by variable name on stderr, and the process exits 78. */
export function exitOnConfigError<T>(service: string, load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${JSON.stringify({ level: 'fatal', service, msg: 'invalid configuration', variables: error.variables })}\n`);
      process.exit(EXIT_CONFIG);
    }
    throw error;
  }
}

/**
 * Opens the process context, or stops the process: a configuration error exits 78 naming the
 * variables; any other failure here (metrics port taken, tracing exporter broken) happens before
 * there is a logger, so it is written as one JSON line on stderr and the process exits 1.
 */
export async function openProcessContext<S extends typeof BaseConfigSchema>(
  service: string,
  schema: S,
  refine?: (config: z.infer<S>, context: z.RefinementCtx) => void,
): Promise<ProcessContext<z.infer<S>>> {
  restoreDateTimeFormat();
  try {
    return await open(service, schema, refine);
  } catch (error) {
    process.stderr.write(`${JSON.stringify({ level: 'fatal', service, msg: 'failed to start', err: safeError(error) })}\n`);
    process.exit(1);
  }
}

async function open<S extends typeof BaseConfigSchema>(
  service: string,
  schema: S,
  refine?: (config: z.infer<S>, context: z.RefinementCtx) => void,
): Promise<ProcessContext<z.infer<S>>> {
  const startedAt = Date.now();
  const config = loadConfigOrExit(service, schema, refine);
  const logger = createLogger({ service, level: config.GARDIEN_LOG_LEVEL });
  await startTracing(service, config.GARDIEN_OTEL_EXPORTER, config.GARDIEN_OTEL_ENDPOINT);
  const metrics = new ServiceMetrics(service);
  const { server, port } = await serveMetrics(metrics, config.GARDIEN_METRICS_HOST, config.GARDIEN_METRICS_PORT);
  logger.info({ config: printableConfig(config) }, 'configuration');
  logger.info({ metricsPort: port }, 'metrics endpoint listening');
  const instanceId = config.GARDIEN_INSTANCE_ID ?? `${hostname()}-${process.pid}`;
  return { service, config, logger, metrics, metricsServer: server, instanceId, startedAt };
}
