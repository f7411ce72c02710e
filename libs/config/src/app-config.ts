export type EventStoreConfig =
  | { readonly adapter: 'sqlite'; readonly dataDir: string }
  | { readonly adapter: 'eventstoredb'; readonly connectionString: string };

export type ReadStoreConfig =
  | { readonly dialect: 'sqlite'; readonly file: string }
  | { readonly dialect: 'postgres'; readonly connectionString: string };

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface AppConfig {
  readonly environment: 'development' | 'production' | 'test';
  readonly host: string;
  readonly port: number;
  readonly logLevel: LogLevel;
  readonly dataDir: string;
  readonly eventStore: EventStoreConfig;
  readonly readStore: ReadStoreConfig;
}

export const APP_CONFIG = Symbol('APP_CONFIG');
