# driftwatch service image: compiled JavaScript on a supported Node.js LTS (22), as a non-root user.
#   docker build -t driftwatch .      (docker-compose.yml builds it too)
# Node 20 reached end of life on 2026-04-30; the package itself still runs on Node 20.19+.

# --- build: every dependency, then tsc into dist/ (and the web UI bundle, when there is one) ---
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` builds, which needs the sources copied below.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
COPY consumers ./consumers
COPY schemas ./schemas
RUN npm run build

# --- runtime: production dependencies and the compiled output only ---
FROM node:22-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production \
    DRIFTWATCH_HTTP_HOST=0.0.0.0 \
    DRIFTWATCH_HTTP_PORT=8080 \
    DRIFTWATCH_DATA_DIR=/var/lib/driftwatch
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force \
 && mkdir -p /var/lib/driftwatch && chown node:node /var/lib/driftwatch
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY schemas ./schemas
COPY alerts ./alerts
USER 1000:1000
EXPOSE 8080
VOLUME ["/var/lib/driftwatch"]
# Ready = ClickHouse reachable, consumers assigned and not stuck (GET /readyz).
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=4 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.DRIFTWATCH_HTTP_PORT||8080)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "bin/driftwatch.js"]
CMD ["start"]
