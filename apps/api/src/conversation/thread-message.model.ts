import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import {
  PENDING_MEDIA,
  type ThreadContent,
  type ThreadMessage,
  withoutQuarantinedContent,
} from '@helpdesk/projections/thread/index.js';
import { safeFileName } from '../media/media-file-name.js';
import { mediaPath } from '../media/media-id.js';
import { DateTimeScalar } from '../graphql/date-time.scalar.js';
import { PageInfoModel } from '../graphql/page-info.model.js';
import { MessageContentUnion } from './message-content.model.js';
import { MessageDeliveryModel, MessageDispatchModel } from './message-delivery.model.js';
import { MessageDirection, MessageType, PlaceholderKind, UnsupportedMessageKind } from './thread-enums.js';

/** Shown instead of content: a message the help desk cannot show, or one it must not. */
@ObjectType('MessagePlaceholder')
export class MessagePlaceholderModel {
  @Field(() => PlaceholderKind)
  kind!: PlaceholderKind;

  @Field(() => UnsupportedMessageKind, { nullable: true, description: 'UNSUPPORTED placeholders: what Meta sent.' })
  unsupportedKind?: UnsupportedMessageKind;

  @Field(() => String, {
    nullable: true,
    description: 'UNSUPPORTED placeholders: a line for agents, e.g. "Reacted 👍".',
  })
  detail?: string;
}

@ObjectType('MessageQuarantine', { description: 'Why and when a message was hidden; its content is never served.' })
export class MessageQuarantineModel {
  @Field(() => DateTimeScalar)
  quarantinedAt!: string;

  @Field()
  reason!: string;
}

/** One message of a conversation's thread, in the conversation's order. */
@ObjectType('ThreadMessage')
export class ThreadMessageModel {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  conversationId!: string;

  @Field(() => ID, { nullable: true, description: 'The ticket the message belongs to.' })
  ticketId!: string | null;

  @Field(() => MessageDirection)
  direction!: MessageDirection;

  @Field(() => MessageType)
  type!: MessageType;

  @Field(() => MessageContentUnion, {
    nullable: true,
    description: 'Null for unsupported and quarantined messages: see placeholder.',
  })
  content!: ThreadContent | null;

  @Field(() => MessagePlaceholderModel, { nullable: true })
  placeholder!: MessagePlaceholderModel | null;

  @Field({ description: 'The sender, E.164: the contact inbound, the business number outbound.' })
  from!: string;

  @Field({ description: 'The recipient, E.164.' })
  to!: string;

  @Field(() => DateTimeScalar, {
    description: "Inbound: when the contact sent it (Meta's time); outbound: when the help desk accepted it.",
  })
  sentAt!: string;

  @Field(() => String, { nullable: true, description: "Meta's message id; outbound, once Meta took the message." })
  wamid!: string | null;

  @Field(() => MessageQuarantineModel, { nullable: true })
  quarantine!: MessageQuarantineModel | null;

  @Field(() => MessageDeliveryModel, { nullable: true, description: 'Outbound only.' })
  delivery!: MessageDeliveryModel | null;

  @Field(() => MessageDispatchModel, { nullable: true, description: 'Outbound only.' })
  dispatch!: MessageDispatchModel | null;
}

/**
 * The read model already keeps no quarantined content; stripping again here means no future
 * change to a query can put it on the wire. The enums hold the read model's strings (thread-enums).
 */
export function threadMessageModel(document: ThreadMessage): ThreadMessageModel {
  const message = withoutQuarantinedContent(document);
  const { messageId, conversationId, ticketId, from, to, sentAt, wamid, quarantine } = message;
  const content = withMediaCopy(message);
  return {
    id: messageId,
    ...{ conversationId, ticketId, content, from, to, sentAt, wamid, quarantine },
    direction: message.direction as MessageDirection,
    type: message.type as MessageType,
    placeholder: message.placeholder as MessagePlaceholderModel | null,
    delivery: message.delivery as MessageDeliveryModel | null,
    dispatch: message.dispatch as MessageDispatchModel | null,
  };
}

/** Both ways: `endCursor` for the newer page (paging with `first`), `startCursor` for the older one (with `last`). */
@ObjectType('ThreadPageInfo')
export class ThreadPageInfoModel extends PageInfoModel {
  @Field(() => String, {
    nullable: true,
    description:
      'The cursor to pass as `before` for the older messages; null when there are none or when paging with `first`.',
  })
  startCursor!: string | null;

  @Field()
  hasPreviousPage!: boolean;
}

@ObjectType('ThreadMessageConnection')
export class ThreadMessageConnectionModel {
  @Field(() => [ThreadMessageModel], { description: 'Oldest first.' })
  nodes!: ThreadMessageModel[];

  @Field(() => Int, {
    description: 'Messages in the whole thread, on every page: at most 10,000 (then totalCountCapped is true).',
  })
  totalCount!: number;

  @Field({
    description: 'True when the thread has more than 10,000 messages and totalCount stopped there (show "10,000+").',
  })
  totalCountCapped!: boolean;

  @Field(() => ThreadPageInfoModel)
  pageInfo!: ThreadPageInfoModel;
}

/** Inbound media with the state of the help desk's copy; outbound media with their size. */
function withMediaCopy(message: ThreadMessage): ThreadContent | null {
  const { content } = message;
  if (content === null || !('mimeType' in content)) return content;
  // Outbound media sent by Meta's id or a link: nothing of them is kept here.
  if (message.direction !== 'inbound' && message.media === undefined) {
    return 'sizeBytes' in content ? ({ ...content, size: content.sizeBytes } as ThreadContent) : content;
  }
  const media = message.media ?? PENDING_MEDIA;
  const stored = media.state === 'stored';
  const mimeType = stored && media.mimeType ? media.mimeType : content.mimeType;
  const given = 'filename' in content ? content.filename : undefined;
  const copy = {
    ...content,
    mimeType,
    state: media.state,
    url: stored ? mediaPath(message.conversationId, message.messageId) : null,
    size: stored ? media.sizeBytes : null,
    fileName: safeFileName(given, content.kind, message.messageId, mimeType),
  };
  return copy as ThreadContent;
}
