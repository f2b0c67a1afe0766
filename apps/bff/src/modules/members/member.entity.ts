import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { MemberTier } from '@linli/shared';

@Entity('members')
export class Member {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') openid!: string;
  @Column('text', { nullable: true }) unionid!: string | null;
  /** WeChat session key: stays in the BFF, never serialised. */
  @Column('text', { name: 'session_key', nullable: true, select: false }) sessionKey!:
    | string
    | null;
  @Column('text') nickname!: string;
  @Column('text') tier!: MemberTier;
  @Column('text', { name: 'invite_code' }) inviteCode!: string;
  @Column('uuid', { name: 'invited_by_member_id', nullable: true }) invitedByMemberId!:
    | string
    | null;
  @Column('uuid', { name: 'pickup_point_id', nullable: true }) pickupPointId!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column('timestamptz', { name: 'last_login_at' }) lastLoginAt!: Date;
}
