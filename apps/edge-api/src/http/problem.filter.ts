// The edge's one exception filter: everything thrown during a request becomes problem+json, or
// OpenAI's error shape on the OpenAI-compatible surface (/v1).
import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode } from '@gardien/contracts';
import { safeError, type Logger } from '@gardien/observability';
import { isOpenAiPath, openAiErrorOf } from '../openai/openai-error.js';
import { mapHttpError } from './http-error.mapper.js';
import { PROBLEM_CONTENT_TYPE, problemOf } from './problem.js';
import { REQUEST_ID_HEADER, requestState } from './request-context.js';
import { RETRY_AFTER_HEADER, retryAfterSecondsOf } from './retry-after.js';

@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendProblem(http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>(), exception, this.logger);
  }
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, exception: unknown, logger: Logger): void {
  const { requestId } = requestState(request);
  const mapped = mapHttpError(exception);
  if (mapped.code === ErrorCode.Internal) {
    logger.error({ requestId, err: safeError(exception) }, 'request failed');
  }
  const retryAfter = retryAfterSecondsOf(mapped.code, mapped.retryAfterSeconds);
  // Requests refused before any hook ran (by the router) have no request id header yet.
  void reply.header(REQUEST_ID_HEADER, requestId);
  if (retryAfter !== undefined) void reply.header(RETRY_AFTER_HEADER, retryAfter);
  if (isOpenAiPath(request.url)) {
    const { status, body } = openAiErrorOf({ ...mapped, requestId });
    void reply.status(status).header('content-type', 'application/json').send(JSON.stringify(body));
    return;
  }
  const problem = problemOf({ ...mapped, requestId });
  void reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}
