import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/auth/auth.decorators';
import { DecisionRequest } from '../../common/decision';
import { Ctx, RequestContext } from '../../common/request-context';
import { Clock } from '../../common/clock';
import { CommissionLedger } from '../commission/commission-ledger.service';
import { Withdrawal, WithdrawalPage, WithdrawalQuery } from '../commission/dto/commission.dto';
import { AfterSalesService } from './after-sales.service';
import { DeliveriesService } from './deliveries.service';
import { RefundPage, RefundQuery, RefundView } from './dto/after-sales.dto';
import { BatchQuery, DeliveryBatch, DeliveryBatchPage } from './dto/fulfilment.dto';
import { ApplicationQuery, LeaderApplication, LeaderApplicationPage } from './dto/leader.dto';
import { LeadersService } from './leaders.service';

const uuid = new ParseUUIDPipe({ version: '4' });

/** The operator's side of fulfilment: leaders, deliveries, after-sales, withdrawals. */
@ApiTags('admin')
@ApiBearerAuth()
@ApiConflictResponse({ description: 'ALREADY_DECIDED: decided the other way before' })
@Controller('admin')
@Roles('admin')
export class FulfilmentAdminController {
  constructor(
    private readonly leaders: LeadersService,
    private readonly deliveries: DeliveriesService,
    private readonly afterSales: AfterSalesService,
    private readonly commission: CommissionLedger,
    private readonly clock: Clock,
  ) {}

  @Get('leader-applications')
  @ApiOkResponse({ type: LeaderApplicationPage, description: 'Oldest first' })
  applications(
    @Ctx() ctx: RequestContext,
    @Query() query: ApplicationQuery,
  ): Promise<LeaderApplicationPage> {
    return this.leaders.list(ctx, query);
  }

  @Post('leader-applications/:id/approve')
  @HttpCode(200)
  @ApiOkResponse({ type: LeaderApplication })
  approveApplication(
    @Ctx() ctx: RequestContext,
    @Param('id', uuid) id: string,
    @Body() body: DecisionRequest,
  ): Promise<LeaderApplication> {
    return this.leaders.decide(ctx, id, 'approved', body.note ?? null);
  }

  @Post('leader-applications/:id/reject')
  @HttpCode(200)
  @ApiOkResponse({ type: LeaderApplication })
  rejectApplication(
    @Ctx() ctx: RequestContext,
    @Param('id', uuid) id: string,
    @Body() body: DecisionRequest,
  ): Promise<LeaderApplication> {
    return this.leaders.decide(ctx, id, 'rejected', body.note ?? null);
  }

  @Get('deliveries')
  @ApiOkResponse({ type: DeliveryBatchPage, description: 'Newest first' })
  deliveryList(@Ctx() ctx: RequestContext, @Query() query: BatchQuery): Promise<DeliveryBatchPage> {
    return this.deliveries.list(ctx, { state: query.state }, query);
  }

  @Post('deliveries/:id/dispatch')
  @HttpCode(200)
  @ApiOkResponse({ type: DeliveryBatch })
  @ApiConflictResponse({
    description:
      'DELIVERY_STATE_INVALID: not packing, or paid orders of its campaign at its point are still being settled after the cut-off (unsettledOrders)',
  })
  dispatch(@Ctx() ctx: RequestContext, @Param('id', uuid) id: string): Promise<DeliveryBatch> {
    return this.deliveries.dispatch(ctx, id);
  }

  @Get('refunds')
  @ApiOkResponse({ type: RefundPage, description: 'Oldest first' })
  refunds(@Ctx() ctx: RequestContext, @Query() query: RefundQuery): Promise<RefundPage> {
    return this.afterSales.list(ctx, query);
  }

  @Post('refunds/:id/approve')
  @HttpCode(200)
  @ApiOkResponse({ type: RefundView })
  approveRefund(
    @Ctx() ctx: RequestContext,
    @Param('id', uuid) id: string,
    @Body() body: DecisionRequest,
  ): Promise<RefundView> {
    return this.afterSales.decide(ctx, id, 'approved', body.note ?? null);
  }

  @Post('refunds/:id/reject')
  @HttpCode(200)
  @ApiOkResponse({ type: RefundView })
  rejectRefund(
    @Ctx() ctx: RequestContext,
    @Param('id', uuid) id: string,
    @Body() body: DecisionRequest,
  ): Promise<RefundView> {
    return this.afterSales.decide(ctx, id, 'rejected', body.note ?? null);
  }

  @Get('withdrawals')
  @ApiOkResponse({ type: WithdrawalPage, description: 'Oldest first' })
  withdrawals(
    @Ctx() ctx: RequestContext,
    @Query() query: WithdrawalQuery,
  ): Promise<WithdrawalPage> {
    return this.commission.withdrawals(ctx, { status: query.status }, query, 'oldest-first');
  }

  @Post('withdrawals/:id/approve')
  @HttpCode(200)
  @ApiOkResponse({ type: Withdrawal })
  approveWithdrawal(
    @Ctx() ctx: RequestContext,
    @Param('id', uuid) id: string,
    @Body() body: DecisionRequest,
  ): Promise<Withdrawal> {
    return this.commission.decideWithdrawal(
      ctx,
      id,
      'approved',
      body.note ?? null,
      this.clock.now(),
    );
  }

  @Post('withdrawals/:id/reject')
  @HttpCode(200)
  @ApiOkResponse({ type: Withdrawal })
  rejectWithdrawal(
    @Ctx() ctx: RequestContext,
    @Param('id', uuid) id: string,
    @Body() body: DecisionRequest,
  ): Promise<Withdrawal> {
    return this.commission.decideWithdrawal(
      ctx,
      id,
      'rejected',
      body.note ?? null,
      this.clock.now(),
    );
  }
}
