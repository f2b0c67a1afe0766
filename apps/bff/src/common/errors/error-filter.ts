import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { ErrorBody, ErrorCode } from '@linli/shared';
import { isRedisUnavailable } from '../redis';
import { AppException } from './app-exception';
import { isDatabaseUnavailable, isTransientDatabaseFailure } from './database-errors';

const STATUS_CODES: Partial<Record<number, ErrorCode>> = {
  400: ErrorCode.ValidationFailed,
  401: ErrorCode.AuthRequired,
  403: ErrorCode.Forbidden,
  404: ErrorCode.NotFound,
  413: ErrorCode.ValidationFailed,
  415: ErrorCode.ValidationFailed,
  429: ErrorCode.RateLimited,
  503: ErrorCode.ServiceUnavailable,
};

interface RenderedError {
  status: number;
  body: ErrorBody;
  /** Seconds after which the same request may well succeed (the Retry-After header). */
  retryAfterSeconds?: number;
}

/** Renders every error as `{ error: { code, message, details } }`; internals never leave. */
export function renderError(error: unknown): RenderedError {
  if (error instanceof AppException) {
    return {
      status: error.status,
      body: {
        error: {
          code: error.code,
          message: error.message,
          ...(error.details ? { details: error.details } : {}),
        },
      },
    };
  }
  if (error instanceof ThrottlerException) {
    return {
      status: HttpStatus.TOO_MANY_REQUESTS,
      body: {
        error: { code: ErrorCode.RateLimited, message: 'Too many requests, try again later' },
      },
    };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const code =
      STATUS_CODES[status] ?? (status < 500 ? ErrorCode.ValidationFailed : ErrorCode.InternalError);
    return {
      status,
      body: { error: { code, message: status < 500 ? error.message : 'Internal error' } },
    };
  }
  const bodyParserStatus = (error as { status?: number; type?: string } | undefined)?.type
    ? (error as { status?: number }).status
    : undefined;
  if (bodyParserStatus && bodyParserStatus >= 400 && bodyParserStatus < 500) {
    return {
      status: bodyParserStatus,
      body: {
        error: { code: ErrorCode.ValidationFailed, message: 'The request body could not be read' },
      },
    };
  }
  if (isDatabaseUnavailable(error) || isRedisUnavailable(error)) {
    return {
      status: HttpStatus.SERVICE_UNAVAILABLE,
      body: {
        error: { code: ErrorCode.ServiceUnavailable, message: 'Service temporarily unavailable' },
      },
    };
  }
  // Its transaction rolled back whole: the same request, sent again, can succeed.
  if (isTransientDatabaseFailure(error)) {
    return {
      status: HttpStatus.SERVICE_UNAVAILABLE,
      body: {
        error: { code: ErrorCode.ServiceUnavailable, message: 'Service busy, try again' },
      },
      retryAfterSeconds: 1,
    };
  }
  return {
    status: HttpStatus.INTERNAL_SERVER_ERROR,
    body: { error: { code: ErrorCode.InternalError, message: 'Internal error' } },
  };
}

@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const request = http.getRequest<Request>();
    const { status, body, retryAfterSeconds } = renderError(error);
    if (status >= 500) {
      this.logger.error(
        { err: error, requestId: request.id, code: body.error.code },
        `${request.method} ${request.originalUrl} failed`,
      );
    }
    if (response.headersSent) return;
    if (retryAfterSeconds !== undefined)
      response.setHeader('Retry-After', String(retryAfterSeconds));
    response.status(status).json(body);
  }
}
