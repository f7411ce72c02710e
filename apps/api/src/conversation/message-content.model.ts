import { Field, Float, Int, ObjectType, createUnionType, registerEnumType } from '@nestjs/graphql';
import type { ThreadContent } from '@helpdesk/projections/thread/index.js';

export enum MediaKind {
  IMAGE = 'image',
  VIDEO = 'video',
  AUDIO = 'audio',
  VOICE = 'voice',
  DOCUMENT = 'document',
  STICKER = 'sticker',
}

export enum InteractiveReplyType {
  BUTTON = 'button',
  LIST = 'list',
}

export enum MediaState {
  PENDING = 'pending',
  STORED = 'stored',
  FAILED = 'failed',
}

registerEnumType(MediaKind, { name: 'MediaKind' });
registerEnumType(MediaState, {
  name: 'MediaState',
  description:
    "A media's copy in the help desk: being downloaded (or retried), kept, or given up. An agent's upload is STORED from the start.",
});
registerEnumType(InteractiveReplyType, { name: 'InteractiveReplyType' });

@ObjectType('TextContent')
export class TextContentModel {
  @Field()
  body!: string;
}

/**
 * Meta's media id (or the link we sent). Inbound media are downloaded and kept by the help desk:
 * `url` serves the bytes (with the same bearer token) once `state` is STORED.
 */
@ObjectType('MediaContent')
export class MediaContentModel {
  @Field(() => MediaKind)
  kind!: MediaKind;

  @Field()
  mimeType!: string;

  @Field(() => String, { nullable: true })
  mediaId?: string;

  @Field(() => String, { nullable: true, description: 'Outbound media Meta fetched from a URL.' })
  link?: string;

  @Field(() => String, { nullable: true })
  sha256?: string;

  @Field(() => String, { nullable: true })
  caption?: string;

  @Field(() => String, { nullable: true })
  filename?: string;

  @Field(() => Int, { nullable: true, description: 'Outbound media only.' })
  sizeBytes?: number;

  @Field(() => Boolean, { nullable: true, description: 'Stickers only.' })
  animated?: boolean;

  @Field(() => MediaState, {
    nullable: true,
    description: 'Media kept by the help desk: inbound ones, and outbound ones an agent uploaded.',
  })
  state?: MediaState;

  @Field(() => String, {
    nullable: true,
    description:
      'Once STORED (inbound or uploaded): GET it with the bearer token (`/media/{id}`, relative to the API).',
  })
  url?: string | null;

  @Field(() => Int, { nullable: true, description: 'Bytes: of the stored copy (inbound), or as sent (outbound).' })
  size?: number | null;

  @Field(() => String, { nullable: true, description: 'A safe file name for saving it (media kept by the help desk).' })
  fileName?: string | null;
}

@ObjectType('LocationContent')
export class LocationContentModel {
  @Field(() => Float)
  latitude!: number;

  @Field(() => Float)
  longitude!: number;

  @Field(() => String, { nullable: true })
  name?: string;

  @Field(() => String, { nullable: true })
  address?: string;
}

@ObjectType('SharedContactPhone')
export class SharedContactPhoneModel {
  @Field()
  phone!: string;

  @Field(() => String, { nullable: true })
  waId?: string;

  @Field(() => String, { nullable: true })
  type?: string;
}

@ObjectType('SharedContact')
export class SharedContactModel {
  @Field()
  formattedName!: string;

  @Field(() => [SharedContactPhoneModel])
  phones!: SharedContactPhoneModel[];

  @Field(() => [String], { nullable: true })
  emails?: string[];
}

@ObjectType('ContactsContent', { description: 'Contact cards the contact shared.' })
export class ContactsContentModel {
  @Field(() => [SharedContactModel])
  contacts!: SharedContactModel[];
}

@ObjectType('InteractiveReplyContent', { description: "A tap on an interactive message's reply button or list row." })
export class InteractiveReplyContentModel {
  @Field(() => InteractiveReplyType)
  replyType!: InteractiveReplyType;

  @Field()
  replyId!: string;

  @Field()
  title!: string;

  @Field(() => String, { nullable: true })
  description?: string;
}

@ObjectType('ButtonReplyContent', { description: "A tap on a template's quick-reply button." })
export class ButtonReplyContentModel {
  @Field()
  payload!: string;

  @Field()
  text!: string;
}

@ObjectType('TemplateMessageContent', {
  description: 'A template as the contact reads it: the bound text, not the parameters.',
})
export class TemplateMessageContentModel {
  @Field()
  templateName!: string;

  @Field()
  language!: string;

  @Field()
  renderedText!: string;

  @Field(() => String, { nullable: true })
  renderedHeader?: string;
}

/** Which GraphQL type shows each kind of content; a kind missing here does not compile. */
const TYPE_OF_KIND: Record<ThreadContent['kind'], new () => object> = {
  text: TextContentModel,
  image: MediaContentModel,
  video: MediaContentModel,
  audio: MediaContentModel,
  voice: MediaContentModel,
  document: MediaContentModel,
  sticker: MediaContentModel,
  location: LocationContentModel,
  contacts: ContactsContentModel,
  interactive_reply: InteractiveReplyContentModel,
  button_reply: ButtonReplyContentModel,
  template: TemplateMessageContentModel,
};

export const MessageContentUnion = createUnionType({
  name: 'MessageContent',
  description: 'What a message carries; its `type` on ThreadMessage says which.',
  types: () =>
    [
      TextContentModel,
      MediaContentModel,
      LocationContentModel,
      ContactsContentModel,
      InteractiveReplyContentModel,
      ButtonReplyContentModel,
      TemplateMessageContentModel,
    ] as const,
  resolveType: (content: ThreadContent) => TYPE_OF_KIND[content.kind],
});
