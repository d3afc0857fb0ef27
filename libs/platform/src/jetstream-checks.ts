// At boot a service checks the JetStream objects it relies on, as declared in libs/contracts: the
// streams it uses (its outbox relay publishes to AUDIT and EVENTS; a consumer reads its stream)
// and its own durable consumers. It may only look them up: creating or changing them is the
// provisioning step's. Anything missing or configured otherwise stops the service, with the name
// of the stream or consumer and of the properties (never a value read from the server).
import type { JetStreamManager } from '@nats-io/jetstream';
import { inspectConsumer, inspectStream, type Inspection } from '@gardien/bootstrap';
import { durableConsumersOf, streamsUsedBy, type BusService, type DurableConsumer, type StreamName } from '@gardien/contracts';
import { ProvisioningError, ProvisioningErrorCode } from '@gardien/persistence';

export async function checkJetStream(manager: JetStreamManager, service: BusService): Promise<void> {
  for (const stream of streamsUsedBy(service)) await requireStreamAsDeclared(manager, stream);
  for (const consumer of durableConsumersOf(service)) await requireConsumerAsDeclared(manager, consumer);
}

export async function requireStreamAsDeclared(manager: JetStreamManager, stream: StreamName): Promise<void> {
  asDeclared(await inspectStream(manager, stream), `stream ${stream}`, ProvisioningErrorCode.StreamMissing, ProvisioningErrorCode.StreamNotAsDeclared);
}

export async function requireConsumerAsDeclared(manager: JetStreamManager, consumer: DurableConsumer): Promise<void> {
  const what = `durable consumer ${consumer.name} of stream ${consumer.stream}`;
  asDeclared(await inspectConsumer(manager, consumer), what, ProvisioningErrorCode.ConsumerMissing, ProvisioningErrorCode.ConsumerNotAsDeclared);
}

function asDeclared(inspection: Inspection, what: string, missing: ProvisioningErrorCode, differs: ProvisioningErrorCode): void {
  switch (inspection.state) {
    case 'as-declared':
      return;
    case 'missing':
      throw new ProvisioningError(missing, `${what} does not exist: run gardien provision`);
    case 'differs':
      throw new ProvisioningError(differs, `${what} is not configured as declared (${inspection.properties.join(', ')}): run gardien provision, which reports it`);
  }
}
