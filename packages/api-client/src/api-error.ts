import { AxiosError } from 'axios';
import { ErrorCode, isErrorCode } from '@linli/api-contract';

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: ErrorCode.ValidationFailed,
  401: ErrorCode.AuthRequired,
  403: ErrorCode.Forbidden,
  404: ErrorCode.NotFound,
  422: ErrorCode.IdempotencyKeyReused,
  429: ErrorCode.RateLimited,
  503: ErrorCode.ServiceUnavailable,
};

/** Every failure the client reports: a code to branch on, the HTTP status (0 when none came back). */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly status: number,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (!(error instanceof AxiosError)) {
    return new ApiError(
      ErrorCode.InternalError,
      0,
      error instanceof Error ? error.message : String(error),
    );
  }
  const response = error.response;
  if (!response) return new ApiError(ErrorCode.NetworkError, 0, error.message || 'Network error');
  const body = response.data as
    | { error?: { code?: unknown; message?: unknown; details?: Record<string, unknown> } }
    | undefined;
  const bodyCode = body?.error?.code;
  const code = isErrorCode(bodyCode)
    ? bodyCode
    : (CODE_BY_STATUS[response.status] ?? ErrorCode.InternalError);
  const message = typeof body?.error?.message === 'string' ? body.error.message : error.message;
  return new ApiError(code, response.status, message, body?.error?.details);
}
