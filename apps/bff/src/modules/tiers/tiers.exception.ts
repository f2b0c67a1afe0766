import { HttpStatus } from '@nestjs/common';
import { ErrorCode } from '@linli/shared';
import { AppException } from '../../common/errors/app-exception';

export const tierRulesPublished = (version: number) =>
  new AppException(
    HttpStatus.CONFLICT,
    ErrorCode.TierRulesPublished,
    `Tier rules version ${version} is published and cannot change`,
    {
      version,
    },
  );

export const tierRulesInvalid = (problems: string[]) =>
  new AppException(
    HttpStatus.UNPROCESSABLE_ENTITY,
    ErrorCode.TierRulesInvalid,
    'These tier rules cannot be published',
    {
      problems,
    },
  );

export const tierRulesOutdated = (version: number, inForce: number) =>
  new AppException(
    HttpStatus.CONFLICT,
    ErrorCode.TierRulesOutdated,
    `Tier rules version ${inForce} was published after draft ${version}: make a new draft from the rules in force`,
    { version, inForce },
  );
