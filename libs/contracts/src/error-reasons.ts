// Domain reasons: what a client branches on behind a transport code (`quota_exceeded` and
// `model_not_allowed` are both FORBIDDEN). Each module lists its reasons once, in its
// `<module>.errors.ts`, as a string enum mapped exhaustively to its code and to the one message
// it is sent with; throw sites then read `throw authError(AuthReason.InvalidCredentials)`.
// Messages are written here, once, never built from input.
import { GardienError, isErrorReason, type ErrorCode, type ErrorDetail } from './errors.js';

/**
 * The codes a reason may stand behind. INTERNAL is not one: an internal error is a bug, answered
 * with a request id and nothing else, so it says nothing of why.
 */
export type ReasonCode = Exclude<ErrorCode, ErrorCode.Internal>;

export interface ReasonDefinition {
  code: ReasonCode;
  /** Sent as the error's message: written by us, never built from input. */
  message: string;
}

/** What a throw site may add to a reason: where the input is wrong, and when to try again. */
export interface ReasonExtras {
  details?: ErrorDetail[];
  retryAfterSeconds?: number;
}

/** One module's reasons, their codes and their messages. */
export class ErrorReasons<R extends string> {
  private constructor(
    /** The module that raises them (`auth`, `edge-api`, `authz`): the README table names it. */
    readonly module: string,
    private readonly definitions: Readonly<Record<R, ReasonDefinition>>,
  ) {}

  /** `definitions` is a `Record` over the module's enum: the compiler refuses a reason left out. */
  static define<R extends string>(module: string, definitions: Record<R, ReasonDefinition>): ErrorReasons<R> {
    for (const reason of Object.keys(definitions)) {
      if (!isErrorReason(reason)) throw new Error(`${module}: error reason "${reason}" is not snake_case`);
    }
    return new ErrorReasons(module, Object.freeze({ ...definitions }));
  }

  get reasons(): R[] {
    return Object.keys(this.definitions) as R[];
  }

  codeOf(reason: R): ReasonCode {
    return this.definitions[reason].code;
  }

  messageOf(reason: R): string {
    return this.definitions[reason].message;
  }

  /** The error to throw for `reason`, with its code and message. */
  error(reason: R, extras: ReasonExtras = {}): GardienError {
    const { code, message } = this.definitions[reason];
    return new GardienError(code, message, extras.details, {
      reason,
      ...(extras.retryAfterSeconds !== undefined ? { retryAfterSeconds: extras.retryAfterSeconds } : {}),
    });
  }
}
