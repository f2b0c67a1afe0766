import { BadRequestException, NotFoundException } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import { ErrorCode } from '@linli/shared';
import { AppException } from './app-exception';
import { renderError } from './error-filter';

describe('renderError', () => {
  it('renders typed exceptions with their code and details', () => {
    expect(
      renderError(new AppException(409, ErrorCode.JobAlreadyRunning, 'busy', { job: 'x' })),
    ).toEqual({
      status: 409,
      body: { error: { code: 'JOB_ALREADY_RUNNING', message: 'busy', details: { job: 'x' } } },
    });
  });

  it('maps framework exceptions onto the shared codes', () => {
    expect(renderError(new NotFoundException()).body.error.code).toBe(ErrorCode.NotFound);
    expect(renderError(new BadRequestException()).body.error.code).toBe(ErrorCode.ValidationFailed);
    expect(renderError(new ThrottlerException())).toMatchObject({
      status: 429,
      body: { error: { code: ErrorCode.RateLimited } },
    });
  });

  it('turns an unreachable database into 503', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
      code: 'ECONNREFUSED',
    });
    expect(renderError(refused).status).toBe(503);
    expect(renderError(new Error('timeout exceeded when trying to connect')).status).toBe(503);
  });

  it('hides the internals of anything else', () => {
    expect(renderError(new Error('password=hunter2'))).toEqual({
      status: 500,
      body: { error: { code: ErrorCode.InternalError, message: 'Internal error' } },
    });
  });
});
