import { Field, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('StoreHealth', { description: 'Whether one of the service’s stores answers.' })
export class StoreHealthModel {
  @Field({ description: 'sqlite or eventstoredb for the event store; sqlite or postgres for the read store.' })
  kind!: string;

  @Field()
  healthy!: boolean;

  @Field({ nullable: true })
  detail?: string;
}

@ObjectType('ProjectorHealth', {
  description:
    'The process that updates the read models. Not part of `healthy`: webhooks are still taken and stored while it is down, and the read models catch up when it is back.',
})
export class ProjectorHealthModel {
  @Field({ description: 'PROJECTIONS: child-process (the default service), in-process or off (a worker run apart).' })
  mode!: string;

  @Field({
    description:
      'child-process: it runs and has not ended unexpectedly in the last minute. Otherwise always true (in-process: this process; off: not watched from here).',
  })
  healthy!: boolean;

  @Field({ nullable: true, description: 'child-process only: its process is running now.' })
  running?: boolean;

  @Field(() => Int, {
    nullable: true,
    description: 'child-process only: restarts after an unexpected exit since the API started.',
  })
  restarts?: number;

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

  @Field(() => ProjectorHealthModel)
  projector!: ProjectorHealthModel;
}
