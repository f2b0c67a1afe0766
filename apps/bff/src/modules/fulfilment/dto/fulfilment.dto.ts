import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ORDER_STATES, type OrderState } from '@linli/domain';
import {
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { PageQuery } from '../../../common/pagination';
import { CommissionTotals } from '../../commission/dto/commission.dto';
import { RewardPickup } from '../../rewards/dto/reward.dto';

export const BATCH_STATES = ['packing', 'dispatched', 'received'] as const;
export type BatchState = (typeof BATCH_STATES)[number];

export class DeliveryBatch {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) campaignId!: string;
  @ApiProperty() title!: string;
  @ApiProperty() skuName!: string;
  @ApiProperty({ format: 'date' }) pickupDate!: string;
  @ApiProperty({ format: 'uuid' }) pickupPointId!: string;
  @ApiProperty() pickupPointName!: string;
  @ApiProperty({ enum: BATCH_STATES }) state!: BatchState;
  @ApiProperty({ description: 'Units in the batch, refunds taken out' }) quantity!: number;
  @ApiProperty() orders!: number;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) dispatchedAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) receivedAt!: string | null;
}

export class DeliveryBatchPage {
  @ApiProperty({ type: DeliveryBatch, isArray: true }) items!: DeliveryBatch[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class BatchQuery extends PageQuery {
  @ApiPropertyOptional({ enum: BATCH_STATES })
  @IsOptional()
  @IsIn(BATCH_STATES)
  state?: BatchState;
}

export class PickListOrder {
  @ApiProperty({ format: 'uuid' }) orderId!: string;
  @ApiProperty() nickname!: string;
  @ApiProperty() quantity!: number;
  @ApiProperty({ enum: ORDER_STATES, enumName: 'OrderState' }) state!: OrderState;
}

/** 分拣单: one campaign's goods for one pickup point, in total and by neighbour. */
export class PickList {
  @ApiProperty({ type: DeliveryBatch }) batch!: DeliveryBatch;
  @ApiProperty() productName!: string;
  @ApiProperty({ type: PickListOrder, isArray: true }) orders!: PickListOrder[];
}

export class PickListPage {
  @ApiProperty({ type: PickList, isArray: true, description: 'Newest batch first' })
  items!: PickList[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class PickListQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID('4') campaignId?: string;
}

export class PickupLine {
  @ApiProperty() title!: string;
  @ApiProperty({ type: String, nullable: true, description: "The product's first picture" })
  image!: string | null;
  @ApiProperty() quantity!: number;
  @ApiProperty() refundedQuantity!: number;
}

export class PickupOrder {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() nickname!: string;
  @ApiProperty({ enum: ORDER_STATES, enumName: 'OrderState' }) state!: OrderState;
  @ApiProperty({ description: 'Last 4 digits of the pickup code, to tell orders apart' })
  codeHint!: string;
  @ApiProperty({ type: PickupLine, isArray: true }) lines!: PickupLine[];
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) readyAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) pickedUpAt!: string | null;
}

export class PickupOrderPage {
  @ApiProperty({ type: PickupOrder, isArray: true }) items!: PickupOrder[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class PickupQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ORDER_STATES, default: 'ready_for_pickup' })
  @IsOptional()
  @IsIn(ORDER_STATES)
  state?: OrderState;
}

/** Either the 8-digit pickup code or the member's dynamic code, not both. */
export class VerifyPickupRequest {
  @ApiPropertyOptional({ description: '8-digit pickup code' })
  @ValidateIf((o: VerifyPickupRequest) => o.memberCode === undefined || o.code !== undefined)
  @Matches(/^\d{8}$/, { message: 'code must be 8 digits' })
  code?: string;

  @ApiPropertyOptional({ description: 'The member card code the leader scanned' })
  @ValidateIf((o: VerifyPickupRequest) => o.code === undefined || o.memberCode !== undefined)
  @IsString()
  @MaxLength(120)
  memberCode?: string;
}

export class VerifyPickupResponse {
  @ApiProperty({ type: PickupOrder, isArray: true }) orders!: PickupOrder[];
  @ApiProperty({
    type: RewardPickup,
    isArray: true,
    description: 'Goods from the rewards mall handed over with them (or by the code alone)',
  })
  rewards!: RewardPickup[];
  @ApiProperty({
    description:
      'What the code names had already been picked up (a member code scanned again: what it handed over): nothing changed',
  })
  alreadyPickedUp!: boolean;
}

export class LeaderDashboard {
  @ApiProperty({ format: 'uuid' }) pickupPointId!: string;
  @ApiProperty() pickupPointName!: string;
  @ApiProperty({ description: 'Orders waiting to be picked up' }) readyForPickup!: number;
  @ApiProperty({ description: 'Orders picked up today (Asia/Shanghai)' }) pickedUpToday!: number;
  @ApiProperty({ type: DeliveryBatch, isArray: true, description: 'Batches not yet received' })
  openBatches!: DeliveryBatch[];
  @ApiProperty({ description: 'Campaigns taking orders at this pickup point' })
  liveCampaigns!: number;
  @ApiProperty({ description: 'Campaigns cut off, goods on their way' })
  deliveringCampaigns!: number;
  @ApiProperty({ description: 'Goods redeemed in the rewards mall, on their way to the point' })
  rewardsArriving!: number;
  @ApiProperty({ description: 'Goods redeemed in the rewards mall, waiting to be collected' })
  rewardsReady!: number;
  @ApiProperty({ type: CommissionTotals }) commission!: CommissionTotals;
}
