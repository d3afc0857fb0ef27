// The NATS transport of every bus service: Nest's, with one rule in front of every handler. A
// request is handled only if it asks for its answer in a process's inbox, and, for an operation
// reserved to some publishers (the edge's logins, the CLI's bootstrap, a service's own tokens, the
// rights pipeline's subject operations), in the inbox of one of them. The bus configuration already
// denies those subjects to everyone else; this is the same rule held by the service itself, so that
// a request that reached it another way (a misconfigured server, a reflection through a reply
// subject) is dropped before any work, and no answer is ever published onto another subject.
// Its `listen` calls back once the server holds every subscription (ReadyNatsServer).
import type { NatsOptions } from '@nestjs/microservices';
import { BUS_OPERATIONS, BUS_USERS, inboxPrefixOf, type BusOperation, type BusUser } from '@gardien/contracts';
import { ReadyNatsServer } from './ready-nats.server.js';

interface NatsMessage {
  subject: string;
  reply?: string;
}

/** Why a request was dropped, for one log line (subject and reason; never a payload). */
export type DroppedRequest = (subject: string, reason: 'no_inbox_reply' | 'reply_outside_publishers') => void;

const OPERATIONS_BY_SUBJECT = new Map<string, BusOperation>(BUS_OPERATIONS.map((operation) => [operation.subject, operation]));

/**
 * NATS clients' default inbox prefix: no process of the platform uses it, and with the generated
 * configuration no user may read or answer there; on an open development bus, tools and tests do.
 */
const DEFAULT_INBOX = '_INBOX.';

/** The process whose inbox `reply` is, 'anyone' for the default inbox, or undefined for no inbox. */
function inboxOwner(reply: string): BusUser | 'anyone' | undefined {
  if (reply.startsWith(DEFAULT_INBOX)) return 'anyone';
  return BUS_USERS.find((user) => reply.startsWith(`${inboxPrefixOf(user)}.`));
}

/** Why `message` must not be handled, or undefined when it may. */
export function refusalOf(message: NatsMessage, operations: ReadonlyMap<string, BusOperation> = OPERATIONS_BY_SUBJECT): Parameters<DroppedRequest>[1] | undefined {
  const owner = message.reply ? inboxOwner(message.reply) : undefined;
  if (!owner) return 'no_inbox_reply';
  const operation = operations.get(message.subject);
  if (operation && operation.publishers !== 'any' && (owner === 'anyone' || !operation.publishers.includes(owner))) return 'reply_outside_publishers';
  return undefined;
}

export class ReplyGuardedNatsServer extends ReadyNatsServer {
  constructor(
    options: Required<NatsOptions>['options'],
    private readonly dropped: DroppedRequest,
  ) {
    super(options);
  }

  override async handleMessage(channel: string, natsMsg: NatsMessage): Promise<unknown> {
    const refusal = refusalOf(natsMsg);
    if (refusal) {
      this.dropped(natsMsg.subject, refusal);
      return undefined;
    }
    return super.handleMessage(channel, natsMsg);
  }
}
