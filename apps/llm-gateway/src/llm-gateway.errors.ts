// The gateway's domain reasons, each with its transport code and its one message. A stage that
// fails for any other reason than a decision of its own refuses the call with `<stage>_stage_failed`
// (fail closed): the client learns which stage, never why in any words built from the call.
// Refusals by the ability factory are libs/authz's `action_not_allowed`.
import { ErrorCode, ErrorReasons, type GardienError, type ReasonExtras } from '@gardien/contracts';

export enum GatewayReason {
  ModelNotFound = 'model_not_found',
  /** A model of the catalogue that the tenant (or the API key) does not allow. */
  ModelNotAllowed = 'model_not_allowed',
  /** Chat asked of a model that only embeds, or the other way round. */
  ModelNotCapable = 'model_not_capable',
  /** A model of the catalogue that the runtime does not have with the expected digest: refused until it does. */
  ModelUnavailable = 'model_unavailable',
  TenantSuspended = 'tenant_suspended',
  /** A caller with an access token names no purpose (an API key carries its own). */
  PurposeRequired = 'purpose_required',
  /** An API key's call naming another purpose than the key's. */
  PurposeMismatch = 'purpose_mismatch',
  UndeclaredPurpose = 'undeclared_purpose',
  /** The purpose's legal basis is consent, which the gateway cannot check yet: refused. */
  ConsentNotVerifiable = 'consent_not_verifiable',
  QuotaExceeded = 'quota_exceeded',
  /** As many calls of the tenant (or in all) run at once in this replica as it takes: retry in a second. */
  TooManyCalls = 'too_many_calls',
  CallOverQuota = 'call_over_quota',
  /** The prompt and the tokens asked for cannot fit the model's context. */
  ContextLengthExceeded = 'context_length_exceeded',
  PromptInjectionBlocked = 'prompt_injection_blocked',
  /** The answer named identifiers the prompt did not hold, and the tenant blocks such answers. */
  OutputLeakBlocked = 'output_leak_blocked',
  RuntimeUnavailable = 'runtime_unavailable',
  RuntimeTimeout = 'runtime_timeout',
  RuntimeBadResponse = 'runtime_bad_response',
  /** The runtime refused what it was sent (too long for it, for instance). */
  RuntimeRejected = 'runtime_rejected',
  /** A retrieval-augmented chat without a user message to search for. */
  RetrievalWithoutQuestion = 'retrieval_without_question',
  UsageRangeTooLarge = 'usage_range_too_large',
  AuthoriseStageFailed = 'authorise_stage_failed',
  LegalBasisStageFailed = 'legal_basis_stage_failed',
  QuotaStageFailed = 'quota_stage_failed',
  RetrievalStageFailed = 'retrieval_stage_failed',
  InputGuardsStageFailed = 'input_guards_stage_failed',
  PseudonymiseStageFailed = 'pseudonymise_stage_failed',
  RuntimeStageFailed = 'runtime_stage_failed',
  OutputGuardsStageFailed = 'output_guards_stage_failed',
  ReidentifyStageFailed = 'reidentify_stage_failed',
  MeterStageFailed = 'meter_stage_failed',
  AuditStageFailed = 'audit_stage_failed',
}

const stageFailed = (stage: string) => ({ code: ErrorCode.Unavailable, message: `the call was refused: the ${stage} stage failed` }) as const;

export const GATEWAY_ERRORS = ErrorReasons.define<GatewayReason>('llm-gateway', {
  [GatewayReason.ModelNotFound]: { code: ErrorCode.NotFound, message: 'no such model' },
  [GatewayReason.ModelNotAllowed]: { code: ErrorCode.Forbidden, message: 'this model is not allowed for this caller' },
  [GatewayReason.ModelNotCapable]: { code: ErrorCode.ValidationFailed, message: 'this model does not serve this kind of call' },
  [GatewayReason.ModelUnavailable]: { code: ErrorCode.Unavailable, message: 'this model is not available: the runtime does not have it as the catalogue describes it' },
  [GatewayReason.TenantSuspended]: { code: ErrorCode.Forbidden, message: 'the tenant is suspended' },
  [GatewayReason.PurposeRequired]: { code: ErrorCode.ValidationFailed, message: 'a purpose of processing is required' },
  [GatewayReason.PurposeMismatch]: { code: ErrorCode.Forbidden, message: 'this API key is bound to another purpose' },
  [GatewayReason.UndeclaredPurpose]: { code: ErrorCode.Forbidden, message: 'the tenant declares no such purpose' },
  [GatewayReason.ConsentNotVerifiable]: { code: ErrorCode.Forbidden, message: 'purposes based on consent cannot be served until consent can be checked' },
  [GatewayReason.QuotaExceeded]: { code: ErrorCode.RateLimited, message: 'quota exceeded' },
  [GatewayReason.TooManyCalls]: { code: ErrorCode.RateLimited, message: 'too many calls at once: retry in a moment' },
  [GatewayReason.CallOverQuota]: { code: ErrorCode.ValidationFailed, message: 'the call asks for more tokens than a quota allows in a whole window: ask for fewer (max_tokens)' },
  [GatewayReason.ContextLengthExceeded]: { code: ErrorCode.PayloadTooLarge, message: "the prompt and the tokens asked for exceed the model's context" },
  [GatewayReason.PromptInjectionBlocked]: { code: ErrorCode.ValidationFailed, message: 'the prompt reads as an attempt to manipulate the model' },
  [GatewayReason.OutputLeakBlocked]: { code: ErrorCode.Forbidden, message: 'the answer was withheld: it named identifiers the prompt did not hold' },
  [GatewayReason.RuntimeUnavailable]: { code: ErrorCode.Unavailable, message: 'the model runtime is unavailable' },
  [GatewayReason.RuntimeTimeout]: { code: ErrorCode.Timeout, message: 'the model runtime did not answer in time' },
  [GatewayReason.RuntimeBadResponse]: { code: ErrorCode.Unavailable, message: 'the model runtime answered something that is not an answer' },
  [GatewayReason.RuntimeRejected]: { code: ErrorCode.Unavailable, message: 'the model runtime refused the request' },
  [GatewayReason.RetrievalWithoutQuestion]: { code: ErrorCode.ValidationFailed, message: 'a retrieval needs a user message to search for' },
  [GatewayReason.UsageRangeTooLarge]: { code: ErrorCode.ValidationFailed, message: 'too many usage rows: ask for fewer days' },
  [GatewayReason.AuthoriseStageFailed]: stageFailed('authorise'),
  [GatewayReason.LegalBasisStageFailed]: stageFailed('legal basis'),
  [GatewayReason.QuotaStageFailed]: stageFailed('quota'),
  [GatewayReason.RetrievalStageFailed]: stageFailed('retrieval'),
  [GatewayReason.InputGuardsStageFailed]: stageFailed('input guards'),
  [GatewayReason.PseudonymiseStageFailed]: stageFailed('pseudonymise'),
  [GatewayReason.RuntimeStageFailed]: stageFailed('runtime'),
  [GatewayReason.OutputGuardsStageFailed]: stageFailed('output guards'),
  [GatewayReason.ReidentifyStageFailed]: stageFailed('re-identify'),
  [GatewayReason.MeterStageFailed]: stageFailed('meter'),
  [GatewayReason.AuditStageFailed]: stageFailed('audit'),
});

export function gatewayError(reason: GatewayReason, extras?: ReasonExtras): GardienError {
  return GATEWAY_ERRORS.error(reason, extras);
}
