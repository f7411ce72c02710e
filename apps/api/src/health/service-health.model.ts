import { Field, ObjectType } from '@nestjs/graphql';

@ObjectType('StoreHealth', { description: 'Whether one of the service’s stores answers.' })
export class StoreHealthModel {
  @Field({ description: 'sqlite or eventstoredb for the event store; sqlite or postgres for the read store.' })
  kind!: string;

  @Field()
  healthy!: boolean;

  @Field({ nullable: true })
  detail?: string;
}

@ObjectType('ServiceHealth')
export class ServiceHealthModel {
  @Field()
  healthy!: boolean;

  @Field(() => StoreHealthModel)
  eventStore!: StoreHealthModel;

  @Field(() => StoreHealthModel)
  readStore!: StoreHealthModel;
}
