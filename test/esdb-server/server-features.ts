import type { handleUnaryCall } from '@grpc/grpc-js';
import type { Empty } from '@eventstore/db-client/generated/shared_pb.js';
import serverFeaturesPb from '@eventstore/db-client/generated/serverfeatures_pb.js';
import type { SupportedMethods } from '@eventstore/db-client/generated/serverfeatures_pb.js';

export interface ServerFeaturesOptions {
  /** When false, BatchAppend is not advertised and the client appends with Streams.Append. */
  readonly advertiseBatchAppend: boolean;
  /** The version reported to clients: the one whose behaviour the server plays, e.g. '24.10.0'. */
  readonly serverVersion: string;
}

interface SupportedMethodSpec {
  readonly service: string;
  readonly method: string;
  readonly features: string[];
}

/**
 * ServerFeatures.GetSupportedMethods, the client's first call on a new connection. Lists what
 * this server implements, lower-cased and with the features the real server attaches.
 */
export function handleGetSupportedMethods(options: ServerFeaturesOptions): handleUnaryCall<Empty, SupportedMethods> {
  return (_call, callback) => {
    const streams = 'event_store.client.streams.streams';
    const methods: SupportedMethodSpec[] = [
      { service: streams, method: 'read', features: ['position', 'events'] },
      { service: streams, method: 'append', features: [] },
      { service: streams, method: 'delete', features: [] },
      { service: streams, method: 'tombstone', features: [] },
      { service: 'event_store.client.server_features.serverfeatures', method: 'getsupportedmethods', features: [] },
    ];
    if (options.advertiseBatchAppend) {
      methods.push({ service: streams, method: 'batchappend', features: ['deadline_duration'] });
    }
    const supported = new serverFeaturesPb.SupportedMethods().setEventStoreServerVersion(options.serverVersion);
    for (const { service, method, features } of methods) {
      supported.addMethods(
        new serverFeaturesPb.SupportedMethod().setServiceName(service).setMethodName(method).setFeaturesList(features),
      );
    }
    callback(null, supported);
  };
}
