import { Field, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('FieldDifference')
export class FieldDifferenceModel {
  @Field({ description: 'A JSON path in the document, e.g. `$.preview` or `$.tags[1]`.' })
  path!: string;

  @Field({ description: 'JSON text in the rebuilt document, or `(absent)`.' })
  expected!: string;

  @Field({ description: 'JSON text in the stored document, or `(absent)`.' })
  actual!: string;
}

@ObjectType('RowDifference')
export class RowDifferenceModel {
  @Field()
  id!: string;

  @Field(() => [FieldDifferenceModel], { description: 'At most 10.' })
  differences!: FieldDifferenceModel[];
}

@ObjectType('TableDrift', { description: 'One table: the rebuilt rows against the stored ones, matched by id.' })
export class TableDriftModel {
  @Field()
  table!: string;

  @Field(() => Int, { description: 'Rows of the rebuild from history.' })
  expectedRows!: number;

  @Field(() => Int, { description: 'Rows of the stored table.' })
  actualRows!: number;

  @Field(() => Int, { description: 'Rows the rebuild has and the stored table lacks.' })
  missingCount!: number;

  @Field(() => Int, { description: 'Rows the stored table has and the rebuild does not.' })
  extraCount!: number;

  @Field(() => Int, { description: 'Rows in both whose documents differ.' })
  differingCount!: number;

  @Field(() => [String], { description: 'The first 5 missing ids, sorted.' })
  missingIds!: string[];

  @Field(() => [String], { description: 'The first 5 extra ids, sorted.' })
  extraIds!: string[];

  @Field(() => [String], { description: 'The first 5 differing ids, sorted.' })
  differingIds!: string[];

  @Field(() => RowDifferenceModel, { nullable: true, description: "The first differing row's differences." })
  firstDifference!: RowDifferenceModel | null;
}

@ObjectType('ProjectionDriftCheck', {
  description:
    'A read model against a rebuild from history up to its checkpoint, in memory, row by row (`helpdesk projections check`).',
})
export class ProjectionDriftCheckModel {
  @Field()
  projection!: string;

  @Field(() => Int)
  version!: number;

  @Field(() => String, {
    nullable: true,
    description: 'The checkpoint compared at, `commit:prepare`; null when the projection never committed.',
  })
  position!: string | null;

  @Field(() => Int, { description: 'Events the rebuild handled up to the checkpoint.' })
  eventsReplayed!: number;

  @Field({ description: 'Every table equals the rebuild.' })
  equal!: boolean;

  @Field(() => [TableDriftModel])
  tables!: TableDriftModel[];
}
