import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('pickup_points')
export class PickupPoint {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'community_id' }) communityId!: string;
  @Column('text') name!: string;
  @Column('text') address!: string;
  @Column('numeric', { precision: 9, scale: 6 }) latitude!: string;
  @Column('numeric', { precision: 9, scale: 6 }) longitude!: string;
  @Column('text', { name: 'opening_hours' }) openingHours!: string;
  @Column('uuid', { name: 'leader_member_id', nullable: true }) leaderMemberId!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
