import { ConfigError, loadConfig } from './load-config.js';

const SECRET = 'a-production-secret-of-at-least-32-chars';

const tracingOf = (env: Record<string, string>) => loadConfig({ AUTH_JWT_SECRET: SECRET, ...env }).tracing;

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig({ AUTH_JWT_SECRET: SECRET, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('tracing configuration', () => {
  it('is off unless an endpoint or the otlp exporter is configured', () => {
    expect(tracingOf({})).toEqual({ enabled: false, serviceName: 'whatsapp-helpdesk' });
    expect(tracingOf({ OTEL_SERVICE_NAME: 'desk-eu' })).toEqual({ enabled: false, serviceName: 'desk-eu' });
    expect(tracingOf({ OTEL_EXPORTER_OTLP_ENDPOINT: '' })).toMatchObject({ enabled: false });
  });

  it('posts to /v1/traces under OTEL_EXPORTER_OTLP_ENDPOINT, or to OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as given', () => {
    expect(tracingOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toEqual({
      enabled: true,
      serviceName: 'whatsapp-helpdesk',
      tracesUrl: 'http://collector:4318/v1/traces',
    });
    expect(
      tracingOf({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example.com/ingest',
      }),
    ).toMatchObject({ enabled: true, tracesUrl: 'https://traces.example.com/ingest' });
  });

  it("takes OTEL_TRACES_EXPORTER=otlp alone as the specification's local default, and none or OTEL_SDK_DISABLED as off", () => {
    expect(tracingOf({ OTEL_TRACES_EXPORTER: 'otlp' })).toMatchObject({
      enabled: true,
      tracesUrl: 'http://localhost:4318/v1/traces',
    });
    expect(tracingOf({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' })).toMatchObject({
      enabled: false,
    });
    expect(tracingOf({ OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' })).toMatchObject({
      enabled: false,
    });
  });

  it('names a bad exporter, switch or endpoint, and never shows credentials', () => {
    expect(problemsOf({ OTEL_TRACES_EXPORTER: 'zipkin' })).toEqual([
      "OTEL_TRACES_EXPORTER must be otlp or none (got 'zipkin')",
    ]);
    expect(problemsOf({ OTEL_SDK_DISABLED: 'yes' })).toEqual(["OTEL_SDK_DISABLED must be true or false (got 'yes')"]);
    expect(problemsOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toEqual([
      expect.stringContaining('OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s):// URL without credentials'),
    ]);
    const [problem] = problemsOf({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://user:hunter2@collector/v1/traces' });
    expect(problem).toContain('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT must be');
    expect(problem).not.toContain('hunter2');
  });
});
