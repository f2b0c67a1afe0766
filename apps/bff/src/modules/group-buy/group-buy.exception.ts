import { HttpStatus } from '@nestjs/common';
import { ErrorCode } from '@linli/shared';
import { AppException } from '../../common/errors/app-exception';

export const pickupPointRequired = () =>
  new AppException(
    HttpStatus.CONFLICT,
    ErrorCode.PickupPointRequired,
    'Choose a pickup point first',
  );

export const campaignNotOpen = (campaignId: string, state: string) =>
  new AppException(
    HttpStatus.CONFLICT,
    ErrorCode.CampaignNotOpen,
    'This group-buy is not open for orders',
    {
      campaignId,
      state,
    },
  );

/** Only a draft is edited: a published campaign is withdrawn to a draft first. */
export const campaignNotDraft = (campaignId: string, state: string) =>
  new AppException(
    HttpStatus.CONFLICT,
    ErrorCode.CampaignNotDraft,
    'Only a draft campaign can be changed: withdraw it first',
    { campaignId, state },
  );

/** Once a neighbour holds units of a campaign, it runs to its cut-off. */
export const campaignOrdered = (campaignId: string, sold: number) =>
  new AppException(
    HttpStatus.CONFLICT,
    ErrorCode.CampaignOrdered,
    'Neighbours have ordered from this group-buy: it runs to its cut-off',
    { campaignId, sold },
  );

export const campaignInvalid = (problems: string[]) =>
  new AppException(
    HttpStatus.UNPROCESSABLE_ENTITY,
    ErrorCode.CampaignInvalid,
    'This campaign does not hold together',
    {
      problems,
    },
  );

export const purchaseLimitExceeded = (campaignId: string, limit: number, alreadyOrdered = 0) =>
  new AppException(
    HttpStatus.CONFLICT,
    ErrorCode.PurchaseLimitExceeded,
    'More than a member may buy',
    {
      campaignId,
      limit,
      alreadyOrdered,
    },
  );

export const priceChanged = (expectedPayable: number, payable: number) =>
  new AppException(
    HttpStatus.CONFLICT,
    ErrorCode.PriceChanged,
    'The order no longer comes to the amount quoted',
    { expectedPayable, payable },
  );

export const ordersCampaignsMismatch = (campaignIds: string[]) =>
  new AppException(
    HttpStatus.UNPROCESSABLE_ENTITY,
    ErrorCode.OrderCampaignsMismatch,
    'Group-buys with different cut-off times go in separate orders',
    { campaignIds },
  );

/** An operator took out more units than are unsold: sold ones stay sold. */
export const notEnoughUnsold = (campaignId: string, stockLeft: number) =>
  new AppException(
    HttpStatus.CONFLICT,
    ErrorCode.OutOfStock,
    `Only ${stockLeft} units are unsold`,
    { campaignId, stockLeft },
  );
