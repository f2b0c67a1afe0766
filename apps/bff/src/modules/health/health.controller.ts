import { Controller, Get, HttpStatus } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiProperty,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { ErrorCode } from '@linli/shared';
import { DataSource } from 'typeorm';
import { Public } from '../../common/auth/auth.decorators';
import { AppException } from '../../common/errors/app-exception';

const CHECK_TIMEOUT_MS = 2000;

export class HealthResponse {
  @ApiProperty({ example: 'ok' }) status!: 'ok';
  @ApiProperty({ example: { database: 'up' } }) checks!: { database: 'up' };
}

@ApiTags('health')
@Controller('api/health')
@Public()
export class HealthController {
  constructor(private readonly dataSource: DataSource) {}

  /** Readiness: answers 200 only when PostgreSQL answers, within two seconds either way. */
  @Get()
  @ApiOkResponse({ type: HealthResponse })
  @ApiServiceUnavailableResponse({ description: 'SERVICE_UNAVAILABLE' })
  async health(): Promise<HealthResponse> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('health check timed out')), CHECK_TIMEOUT_MS);
    });
    try {
      await Promise.race([this.dataSource.query('SELECT 1'), timeout]);
    } catch {
      throw new AppException(
        HttpStatus.SERVICE_UNAVAILABLE,
        ErrorCode.ServiceUnavailable,
        'Database unavailable',
        {
          database: 'down',
        },
      );
    } finally {
      clearTimeout(timer);
    }
    return { status: 'ok', checks: { database: 'up' } };
  }
}
