# driftwatch service image. Runs the TypeScript sources through tsx (a runtime dependency).
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY bin ./bin
COPY src ./src
COPY consumers ./consumers
COPY schemas ./schemas
COPY alerts ./alerts
COPY tsconfig.json ./
# The web UI's bundle (dist/ui), built here: the app user cannot write /app at run time.
RUN npx tsx src/ui/build.ts
USER node
ENTRYPOINT ["node", "bin/driftwatch.js"]
CMD ["start"]
