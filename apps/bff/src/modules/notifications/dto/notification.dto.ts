import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsUUID } from 'class-validator';
import { NOTIFICATION_KINDS, type NotificationKind } from '../notification-kinds';

export class NotificationView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: NOTIFICATION_KINDS })
  kind!: NotificationKind;
  @ApiProperty() title!: string;
  @ApiProperty() body!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) data!: Record<string, unknown>;
  @ApiProperty() read!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class NotificationPage {
  @ApiProperty({ type: NotificationView, isArray: true }) items!: NotificationView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class UnreadCount {
  @ApiProperty({ description: "The member's notices not read yet" }) unread!: number;
}

export class MarkReadRequest {
  @ApiProperty({
    type: String,
    isArray: true,
    description: 'Notices the member has now seen; ids not theirs change nothing',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsUUID('4', { each: true })
  ids!: string[];
}

export class MarkAllReadRequest {
  @ApiProperty({
    format: 'uuid',
    description:
      'The newest notice the member has seen: it and every older one are read; notices that arrived after it stay unread. A notice not theirs changes nothing',
  })
  @IsUUID('4')
  upTo!: string;
}
