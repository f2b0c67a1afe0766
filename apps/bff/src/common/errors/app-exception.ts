import { HttpStatus } from '@nestjs/common';
import { ErrorCode } from '@linli/shared';

/** The one exception type business code throws; the global filter renders it. */
export class AppException extends Error {
  constructor(
    readonly status: HttpStatus,
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }

  static notFound(what: string, details?: Record<string, unknown>) {
    return new AppException(HttpStatus.NOT_FOUND, ErrorCode.NotFound, `${what} not found`, details);
  }

  static forbidden(message = 'You may not do this') {
    return new AppException(HttpStatus.FORBIDDEN, ErrorCode.Forbidden, message);
  }
}
