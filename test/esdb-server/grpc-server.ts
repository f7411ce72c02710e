import { Server, ServerCredentials } from '@grpc/grpc-js';
import serverFeaturesGrpc from '@eventstore/db-client/generated/serverfeatures_grpc_pb.js';
import streamsGrpc from '@eventstore/db-client/generated/streams_grpc_pb.js';
import { handleAppend } from './append.js';
import { handleBatchAppend } from './batch-append.js';
import { handleDelete, handleTombstone } from './delete.js';
import { handleRead } from './read.js';
import { handleGetSupportedMethods } from './server-features.js';
import type { ServerContext } from './server-context.js';

export type RpcName = 'Read' | 'Append' | 'BatchAppend' | 'Delete' | 'Tombstone' | 'GetSupportedMethods';

export interface GrpcServerOptions {
  readonly advertiseBatchAppend: boolean;
  readonly onCall: ((method: RpcName) => void) | undefined;
  /** Calls beyond this many on one connection wait for a free stream, as on Kestrel. */
  readonly maxConcurrentStreams: number;
  /** What ServerFeatures reports, e.g. '24.10.0'. */
  readonly serverVersion: string;
}

/** The Streams and ServerFeatures services, with the client's own generated definitions. */
export function createGrpcServer(context: ServerContext, options: GrpcServerOptions): Server {
  const observed = <Handler extends (...args: never[]) => void>(method: RpcName, handler: Handler): Handler => {
    const { onCall } = options;
    if (!onCall) return handler;
    return ((...args: Parameters<Handler>) => {
      onCall(method);
      handler(...args);
    }) as Handler;
  };

  // The client accepts messages up to 17 MB (the largest event the real server can hold).
  const server = new Server({
    'grpc.max_receive_message_length': 17 * 1024 * 1024,
    'grpc.max_concurrent_streams': options.maxConcurrentStreams,
  });
  server.addService(streamsGrpc.StreamsService, {
    read: observed('Read', handleRead(context)),
    append: observed('Append', handleAppend(context)),
    batchAppend: observed('BatchAppend', handleBatchAppend(context)),
    delete: observed('Delete', handleDelete(context)),
    tombstone: observed('Tombstone', handleTombstone(context)),
  });
  server.addService(serverFeaturesGrpc.ServerFeaturesService, {
    getSupportedMethods: observed(
      'GetSupportedMethods',
      handleGetSupportedMethods({
        advertiseBatchAppend: options.advertiseBatchAppend,
        serverVersion: options.serverVersion,
      }),
    ),
  });
  return server;
}

/** Binds an insecure (h2c) listener, as `?tls=false` clients expect; returns the port. */
export function bindInsecure(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) =>
    server.bindAsync(`${host}:${port}`, ServerCredentials.createInsecure(), (error, boundPort) =>
      error ? reject(error) : resolve(boundPort),
    ),
  );
}
