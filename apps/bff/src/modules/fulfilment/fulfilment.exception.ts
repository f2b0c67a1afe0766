import { HttpStatus } from '@nestjs/common';
import { ErrorCode } from '@linli/shared';
import { AppException } from '../../common/errors/app-exception';

export const notThisPointsLeader = () =>
  AppException.forbidden('Only the leader of a pickup point may do this');

export const pickupPointTaken = (pickupPointId: string) =>
  new AppException(
    HttpStatus.CONFLICT,
    ErrorCode.PickupPointTaken,
    'This pickup point already has a leader',
    { pickupPointId },
  );

export const alreadyLeader = () =>
  new AppException(HttpStatus.CONFLICT, ErrorCode.AlreadyLeader, 'You already lead a pickup point');

export const applicationPending = () =>
  new AppException(
    HttpStatus.CONFLICT,
    ErrorCode.LeaderApplicationPending,
    'Your application is still being reviewed',
  );

export const pickupCodeInvalid = () =>
  new AppException(
    HttpStatus.NOT_FOUND,
    ErrorCode.PickupCodeInvalid,
    'No open order at this pickup point has that code',
  );

export const nothingToPickUp = () =>
  new AppException(
    HttpStatus.NOT_FOUND,
    ErrorCode.NothingToPickUp,
    'This member has no order ready at this pickup point',
  );

export const orderNotReady = (orderId: string, state: string) =>
  new AppException(HttpStatus.CONFLICT, ErrorCode.OrderNotReady, 'The goods have not arrived yet', {
    orderId,
    state,
  });

export const deliveryStateInvalid = (batchId: string, state: string) =>
  new AppException(
    HttpStatus.CONFLICT,
    ErrorCode.DeliveryStateInvalid,
    `A batch that is ${state} cannot do this`,
    { batchId, state },
  );

export const pickListNotFinal = (batchId: string, unsettledOrders: number) =>
  new AppException(
    HttpStatus.CONFLICT,
    ErrorCode.DeliveryStateInvalid,
    'Orders of this batch are still being settled after the cut-off: dispatch it once they are on its pick list',
    { batchId, state: 'packing', unsettledOrders },
  );

export const refundNotAllowed = (reason: 'state' | 'window_closed', details = {}) =>
  new AppException(
    HttpStatus.CONFLICT,
    ErrorCode.RefundNotAllowed,
    reason === 'state'
      ? 'After-sales opens once the order is picked up'
      : 'The after-sales window of this order has closed',
    { reason, ...details },
  );

export const refundQuantityInvalid = (orderLineId: string, requested: number, refundable: number) =>
  new AppException(
    HttpStatus.UNPROCESSABLE_ENTITY,
    ErrorCode.RefundQuantityInvalid,
    'More than can be refunded on this line',
    { orderLineId, requested, refundable },
  );
