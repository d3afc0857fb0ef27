// gardien.v1.auth.bootstrap, answered from a raw subscription rather than a Nest handler, because
// the decision needs what Nest does not show: the reply subject. No token exists before bootstrap;
// what protects the subject is the bus, and the command line's signature. Only the CLI's NATS user
// may publish it, but a service's user may *answer* a request, and a request made to reply onto
// this subject would reach us with a reply subject of the sender's choosing. So:
// - the request must ask for its answer in the CLI's inbox (`_INBOX_cli.`), which only the CLI can
//   read: the TOTP secrets of the accounts a forged request would create reach nobody;
// - with GARDIEN_BOOTSTRAP_CLI_PUBLIC_KEY (required in production), it must also be signed with the
//   CLI's nkey (cli.nk), which no service holds: a forged request creates nothing, so the one-time
//   bootstrap cannot be spent on accounts the operator does not control.
// A super-admin exists only once.
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import {
  AUTH_OPERATIONS,
  CLI_USER,
  callScopeOf,
  HEADER_BOOTSTRAP_SIGNATURE,
  HEADER_BOOTSTRAP_SIGNER,
  HEADER_REQUEST_ID,
  checkBootstrapProof,
  decodeRequest,
  encodeReply,
  inboxPrefixOf,
  parsePayload,
  toErrorEnvelope,
  type RequestPacket,
} from '@gardien/contracts';
import type { Logger } from '@gardien/observability';
import { BUS_CONNECTION, HandlesRaw, LOGGER, SERVICE_CONFIG, callContextFromHeaders } from '@gardien/platform';
import { AuthReason, authError } from '../auth.errors.js';
import type { AuthConfig } from '../config.js';
import { BootstrapService } from './bootstrap.service.js';

export const CLI_REPLY_PREFIX = `${inboxPrefixOf(CLI_USER)}.`;

/** What the listener reads of auth's configuration. */
export type BootstrapListenerConfig = Pick<AuthConfig, 'GARDIEN_BOOTSTRAP_CLI_PUBLIC_KEY'>;

@Injectable()
@HandlesRaw(AUTH_OPERATIONS.bootstrap)
export class BootstrapListener implements OnApplicationBootstrap, OnModuleDestroy {
  private subscription: Subscription | undefined;

  constructor(
    private readonly bootstrap: BootstrapService,
    @Inject(BUS_CONNECTION) private readonly connection: NatsConnection,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(SERVICE_CONFIG) private readonly config: BootstrapListenerConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.GARDIEN_BOOTSTRAP_CLI_PUBLIC_KEY) {
      this.logger.warn(
        { variable: 'GARDIEN_BOOTSTRAP_CLI_PUBLIC_KEY' },
        'bootstrap requests are not signature-checked: only their reply subject is (set GARDIEN_BOOTSTRAP_CLI_PUBLIC_KEY to the cli.pub of `gardien nats-config`)',
      );
    }
    this.subscription = this.connection.subscribe(AUTH_OPERATIONS.bootstrap.subject, { queue: 'auth', callback: (error, msg) => void this.answer(error, msg) });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  private async answer(error: Error | null, msg: Msg): Promise<void> {
    if (error || !msg.reply) return;
    const packet = decodeRequest(msg.string());
    if (!packet) return;
    if (!msg.reply.startsWith(CLI_REPLY_PREFIX)) {
      this.refuse(msg, packet, 'reply_subject', AuthReason.BootstrapReservedToCli);
      return;
    }
    const unsigned = this.unprovenReason(msg, packet);
    if (unsigned) {
      this.refuse(msg, packet, unsigned, AuthReason.BootstrapNotSigned);
      return;
    }
    const scope = callScopeOf(callContextFromHeaders(msg.headers));
    const { requestId } = scope;
    try {
      const result = await this.bootstrap.bootstrap(parsePayload(AUTH_OPERATIONS.bootstrap.request, packet.data), scope);
      this.logger.info({ requestId, superadmin: result.superadmin.id, tenant: result.tenant?.id ?? null }, 'platform bootstrapped');
      msg.respond(encodeReply(packet.id, { response: result }));
    } catch (failure) {
      msg.respond(encodeReply(packet.id, { err: toErrorEnvelope(failure) }));
    }
  }

  /** Why the request is not proven to come from the command line, or undefined (also when no key was configured). */
  private unprovenReason(msg: Msg, packet: RequestPacket<unknown>): string | undefined {
    const expected = this.config.GARDIEN_BOOTSTRAP_CLI_PUBLIC_KEY;
    if (!expected) return undefined;
    return checkBootstrapProof(expected, {
      requestId: msg.headers?.get(HEADER_REQUEST_ID),
      payload: packet.data,
      signer: msg.headers?.get(HEADER_BOOTSTRAP_SIGNER),
      signature: msg.headers?.get(HEADER_BOOTSTRAP_SIGNATURE),
    });
  }

  /** Answers FORBIDDEN; the log line says why, never what the request carried. */
  private refuse(msg: Msg, packet: RequestPacket<unknown>, why: string, reason: AuthReason.BootstrapReservedToCli | AuthReason.BootstrapNotSigned): void {
    this.logger.warn({ subject: msg.subject, reason: why }, 'bootstrap request refused');
    msg.respond(encodeReply(packet.id, { err: authError(reason).toEnvelope() }));
  }
}
