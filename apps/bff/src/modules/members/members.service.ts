import { Injectable } from '@nestjs/common';
import { birthdayChangeableFrom } from '@linli/domain';
import { AppException } from '../../common/errors/app-exception';
import { RequestContext } from '../../common/request-context';
import { TransactionalConnection } from '../../common/transaction/transactional-connection';
import { AuthService } from '../auth/auth.service';
import { MeResponse } from './dto/me.dto';

interface MeRow {
  id: string;
  nickname: string;
  tier: MeResponse['tier'];
  invite_code: string;
  created_at: Date;
  birthday: string | null;
  birthday_set_on: string | null;
  pickup_point_id: string | null;
  pickup_point_name: string | null;
  pickup_point_address: string | null;
}

@Injectable()
export class MembersService {
  constructor(
    private readonly connection: TransactionalConnection,
    private readonly auth: AuthService,
  ) {}

  /** The member's profile, as they see it on 我的. */
  async profile(ctx: RequestContext, memberId: string): Promise<MeResponse> {
    const [row] = await this.connection.query<MeRow>(
      ctx,
      `SELECT m.id, m.nickname, m.tier, m.invite_code, m.created_at, m.birthday, m.birthday_set_on,
              p.id AS pickup_point_id, p.name AS pickup_point_name, p.address AS pickup_point_address
       FROM members m LEFT JOIN pickup_points p ON p.id = m.pickup_point_id
       WHERE m.id = $1`,
      [memberId],
    );
    if (!row) throw AppException.notFound('Member');
    const roles = await this.auth.rolesOf(ctx, row.id);
    return {
      id: row.id,
      nickname: row.nickname,
      tier: row.tier,
      roles: roles.filter((r): r is 'shopper' | 'leader' => r !== 'admin'),
      pickupPoint:
        row.pickup_point_id && row.pickup_point_name && row.pickup_point_address
          ? {
              id: row.pickup_point_id,
              name: row.pickup_point_name,
              address: row.pickup_point_address,
            }
          : null,
      inviteCode: row.invite_code,
      memberSince: row.created_at.toISOString(),
      birthday: row.birthday,
      birthdayChangeableFrom: row.birthday_set_on && birthdayChangeableFrom(row.birthday_set_on),
    };
  }
}
