import { Field, ObjectType } from '@nestjs/graphql';

/** Forward pagination: pass `endCursor` as `after` while `hasNextPage`. */
@ObjectType('PageInfo')
export class PageInfoModel {
  @Field(() => String, {
    nullable: true,
    description: 'The cursor to pass as `after` for the next page; null on the last page.',
  })
  endCursor!: string | null;

  @Field()
  hasNextPage!: boolean;
}

export function pageInfo(endCursor: string | null): PageInfoModel {
  return { endCursor, hasNextPage: endCursor !== null };
}
