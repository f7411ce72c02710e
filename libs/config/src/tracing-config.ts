import type { TracingConfig } from './app-config.js';

type Environment = Readonly<Record<string, string | undefined>>;

/** OTEL_SERVICE_NAME's default: the `service.name` every span's resource carries. */
export const DEFAULT_TRACING_SERVICE_NAME = 'whatsapp-helpdesk';

/** Where OTLP/HTTP takes traces under a collector's base URL (the OpenTelemetry exporter specification). */
const TRACES_PATH = '/v1/traces';

/**
 * The standard OpenTelemetry variables, the subset this service honours:
 *
 * - OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: the full URL traces are posted to (used as given);
 *   else OTEL_EXPORTER_OTLP_ENDPOINT, a collector's base URL, with `/v1/traces` appended.
 * - OTEL_TRACES_EXPORTER: `otlp` (with no endpoint: http://localhost:4318/v1/traces, the
 *   specification's default) or `none`; unset, tracing is on exactly when an endpoint is set.
 * - OTEL_SDK_DISABLED=true turns everything off whatever else is set.
 * - OTEL_SERVICE_NAME, default whatsapp-helpdesk.
 *
 * Off, no SDK is started: the spans made in the code are the API's no-ops.
 */
export function tracingConfigFrom(env: Environment, problems: string[]): TracingConfig {
  const serviceName = env.OTEL_SERVICE_NAME?.trim() || DEFAULT_TRACING_SERVICE_NAME;
  const exporter = env.OTEL_TRACES_EXPORTER?.trim().toLowerCase() || undefined;
  if (exporter !== undefined && exporter !== 'otlp' && exporter !== 'none') {
    problems.push(`OTEL_TRACES_EXPORTER must be otlp or none (got '${env.OTEL_TRACES_EXPORTER}')`);
  }
  const disabled = env.OTEL_SDK_DISABLED?.trim().toLowerCase();
  if (disabled !== undefined && disabled !== '' && disabled !== 'true' && disabled !== 'false') {
    problems.push(`OTEL_SDK_DISABLED must be true or false (got '${env.OTEL_SDK_DISABLED}')`);
  }
  const tracesUrl = tracesUrlFrom(env, problems);
  const wanted = exporter === 'otlp' || (exporter === undefined && tracesUrl !== undefined);
  if (!wanted || disabled === 'true') return { enabled: false, serviceName };
  return { enabled: true, serviceName, tracesUrl: tracesUrl ?? `http://localhost:4318${TRACES_PATH}` };
}

function tracesUrlFrom(env: Environment, problems: string[]): string | undefined {
  const signal = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (signal) return httpUrl('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', signal, problems);
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (!base) return undefined;
  const url = httpUrl('OTEL_EXPORTER_OTLP_ENDPOINT', base, problems);
  return url && `${url.replace(/\/+$/, '')}${TRACES_PATH}`;
}

/** An http(s) URL, as given; a bad one is named (without any credentials in it) and tracing stays off. */
function httpUrl(name: string, value: string, problems: string[]): string | undefined {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password) {
    problems.push(
      `${name} must be an http(s):// URL without credentials (headers go in OTEL_EXPORTER_OTLP_HEADERS) (got '${value.replace(/\/\/[^@/]*@/, '//***@')}')`,
    );
    return undefined;
  }
  return value;
}
