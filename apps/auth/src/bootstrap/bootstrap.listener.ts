// gardien.v1.auth.bootstrap, answered from a raw subscription rather than a Nest handler, because
// the decision needs what Nest does not show: the reply subject. No token exists before bootstrap;
// what protects the subject is the bus. Only the CLI's NATS user may publish it, but a service's
// user may *answer* a request, and a request made to reply onto this subject would reach us with
// a reply subject of the sender's choosing. So the request must ask for its answer in the CLI's
// inbox (`_INBOX_cli.`), which only the CLI can read: a forged request gets nothing back, and the
// TOTP secrets of the accounts it would create reach nobody. A super-admin exists only once.
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import {
  AUTH_SUBJECTS,
  BootstrapRequest,
  CLI_USER,
  ErrorCode,
  GardienError,
  decodeRequest,
  encodeReply,
  inboxPrefixOf,
  parsePayload,
  toErrorEnvelope,
} from '@gardien/contracts';
import type { Logger } from '@gardien/observability';
import { BUS_CONNECTION, LOGGER, callContextFromHeaders } from '@gardien/platform';
import { BootstrapService } from './bootstrap.service.js';

export const CLI_REPLY_PREFIX = `${inboxPrefixOf(CLI_USER)}.`;

@Injectable()
export class BootstrapListener implements OnApplicationBootstrap, OnModuleDestroy {
  private subscription: Subscription | undefined;

  constructor(
    private readonly bootstrap: BootstrapService,
    @Inject(BUS_CONNECTION) private readonly connection: NatsConnection,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.subscription = this.connection.subscribe(AUTH_SUBJECTS.bootstrap, { queue: 'auth', callback: (error, msg) => void this.answer(error, msg) });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  private async answer(error: Error | null, msg: Msg): Promise<void> {
    if (error || !msg.reply) return;
    const packet = decodeRequest(msg.string());
    if (!packet) return;
    if (!msg.reply.startsWith(CLI_REPLY_PREFIX)) {
      this.logger.warn({ subject: msg.subject }, 'bootstrap request refused: its answer was not for the operator command line');
      msg.respond(encodeReply(packet.id, { err: new GardienError(ErrorCode.Forbidden, 'bootstrap is reserved to the operator command line').toEnvelope() }));
      return;
    }
    const { requestId } = callContextFromHeaders(msg.headers);
    try {
      const result = await this.bootstrap.bootstrap(parsePayload(BootstrapRequest, packet.data), requestId);
      this.logger.info({ requestId, superadmin: result.superadmin.id, tenant: result.tenant?.id ?? null }, 'platform bootstrapped');
      msg.respond(encodeReply(packet.id, { response: result }));
    } catch (failure) {
      msg.respond(encodeReply(packet.id, { err: toErrorEnvelope(failure) }));
    }
  }
}
