// The services that answer on the bus. Their names are also their NATS queue groups,
// their database names (gardien_<name>) and their metric label.
export const BUS_SERVICES = [
  'auth',
  'tenant',
  'llm-gateway',
  'rights-pipeline',
  'vector-store',
  'audit',
] as const;

export type BusService = (typeof BUS_SERVICES)[number];

/** Every process of the platform: the bus services plus the HTTP edge. */
export const ALL_SERVICES = ['edge-api', ...BUS_SERVICES] as const;
export type ServiceName = (typeof ALL_SERVICES)[number];

export function isBusService(value: string): value is BusService {
  return (BUS_SERVICES as readonly string[]).includes(value);
}

/**
 * Node.js flags every service process runs with (gardien start, tests, containers). A 2 MB
 * young-generation semi-space (default 16 MB) keeps an idle service about 25 MB under its memory
 * budget, at the cost of more frequent scavenges (about one per 40 requests, 0.3 ms each,
 * measured with --trace-gc); see the README's figures.
 */
export const SERVICE_NODE_FLAGS = ['--max-semi-space-size=2'] as const;

/** The operator command line (`gardien`): a bus user of its own, but not a service (it serves nothing). */
export const CLI_USER = 'cli';

/**
 * The one-shot provisioning step (`gardien provision`): the only user that may create (or, when an
 * operator asks, update) the platform's streams and durable consumers. It serves and sends nothing.
 */
export const PROVISIONER_USER = 'provisioner';

/** Every NATS user of a deployment: each process of the platform, the operator command line and the provisioner. */
export const BUS_USERS = [...ALL_SERVICES, CLI_USER, PROVISIONER_USER] as const;
export type BusUser = (typeof BUS_USERS)[number];

export function isServiceName(value: string): value is ServiceName {
  return (ALL_SERVICES as readonly string[]).includes(value);
}
