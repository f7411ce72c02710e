# syntax=docker/dockerfile:1
#
# The help desk's image: the API (default command) and, with another command, the projector worker
# or the `helpdesk` CLI. compose.yaml runs both from this one image; see the README's
# "Outgrowing one machine".
#
# Three stages on one base image: better-sqlite3 is a native addon, so the production
# node_modules are compiled by the same Node and glibc the final stage runs (a module built
# elsewhere fails to load with "invalid ELF header" or a NODE_MODULE_VERSION mismatch).

ARG NODE_IMAGE=node:22-bookworm-slim

# python3, make and g++: node-gyp's fallback when no prebuilt better-sqlite3 / sqlite3 binary
# matches this platform. They stay in these stages; the final image has no compiler.
FROM ${NODE_IMAGE} AS toolchain
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app

# Compile: every dependency (TypeScript, tsc-alias), then the sources into dist/ (test/bench, also
# in tsconfig.build.json, is left out: the image does not run benchmarks).
FROM toolchain AS build
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.base.json tsconfig.build.json .tsc-aliasrc.json ./
COPY apps apps
COPY libs libs
COPY projections projections
RUN npm run build

# What the service needs at run time: production dependencies only, native addons built here.
FROM toolchain AS runtime-deps
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

FROM ${NODE_IMAGE}
ENV NODE_ENV=production
# Files the stores may keep beside the data: the JWT secret and the export key when not set in the
# environment, media (MEDIA_DIR); owned by node so a named volume mounted here is writable.
ENV DATA_DIR=/data
WORKDIR /app
RUN mkdir -p /data && chown node:node /data
# package.json says "type": "module": without it Node reads dist/ as CommonJS.
COPY --chown=root:root package.json ./
COPY --from=runtime-deps --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist/apps ./dist/apps
COPY --from=build --chown=root:root /app/dist/libs ./dist/libs
COPY --from=build --chown=root:root /app/dist/projections ./dist/projections
# The agent inbox (apps/inbox), built by `npm run build`: the API serves it at /inbox.
COPY --from=build --chown=root:root /app/dist/inbox ./dist/inbox
# The code is root's and read-only to the process; only /data is the process's.
USER node
EXPOSE 3000
# /health/live: the process answers (a store outage is /health/ready's business, not a reason to
# restart). Node's fetch, as the slim image has no curl; PORT is read as the service reads it.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/apps/api/src/main.js"]
