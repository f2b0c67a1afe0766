import { HttpStatus } from '@nestjs/common';
import { ErrorCode } from '@linli/shared';
import { AppException } from '../../common/errors/app-exception';

export const pointsInsufficient = (needed: number, available: number) =>
  new AppException(HttpStatus.CONFLICT, ErrorCode.PointsInsufficient, 'Not enough points', {
    needed,
    available,
  });

export const pointsOperationConflict = (operationKey: string) =>
  new AppException(
    HttpStatus.CONFLICT,
    ErrorCode.PointsOperationConflict,
    'This points operation was already done with different values',
    { operationKey },
  );
