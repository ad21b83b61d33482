# sse-gateway on Bun: docker build -t sse-gateway . && docker run -p 7000:7000 \
#   -e REDIS_URL=redis://redis:6379 sse-gateway   (configuration: docs/DEPLOYMENT.md)
# The Bun tag matches the "bun" devDependency the test suite runs on; keep them in step.

# Stage 1: production dependencies, exactly as package-lock.json pins them.
FROM oven/bun:1.4.5 AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# The npm ci of Bun: reads package-lock.json, fails if package.json disagrees with it,
# leaves out devDependencies and runs no install scripts.
RUN bun install --frozen-lockfile --production --ignore-scripts

# Stage 2: the runtime image, without package manager caches or build leftovers.
FROM oven/bun:1.4.5-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=7000
COPY --from=deps /app/node_modules ./node_modules
# .dockerignore admits only what the gateway and the demo publisher run (no tests, no .env).
# Files stay owned by root: the process can read its code but not change it.
COPY . .
# The official image's unprivileged user (uid 1000).
USER bun
EXPOSE 7000
HEALTHCHECK --interval=10s --timeout=5s --start-period=10s --retries=3 \
  CMD ["bun", "bin/healthcheck.ts"]
# Exec form: bun is PID 1 and receives SIGTERM itself, drains its clients within
# SHUTDOWN_TIMEOUT_MS (10 s by default) and exits 0. Give the orchestrator a longer grace.
STOPSIGNAL SIGTERM
CMD ["bun", "bin/sse-gateway.ts"]
