# syntax=docker/dockerfile:1
# The bot as a container image: `docker build -t feishu-learning-bot .`
# Build stage: every dependency, then `npm run build` (TypeScript to dist/, with the migrations it reads at start).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts ./scripts
COPY prisma ./prisma
COPY prisma.config.ts ./
# postinstall generates the Prisma client (offline) into src/generated
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY cards ./cards
RUN npm run build

# Run stage: production dependencies only, the built output, a non-root user, and a volume for the embedded database.
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0 \
    DATA_DIR=/data
WORKDIR /app
COPY package.json package-lock.json ./
# The compiled client is in dist/, so the postinstall generation is not needed here.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY scripts/node-flags.mjs ./scripts/
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
# Liveness: /healthz is 200 while the database answers (503 while stopping).
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# The shell only picks the node flags for the database lane (scripts/node-flags.mjs, as `npm start` does) and then
# execs node, which becomes the container's main process, so `docker stop`'s SIGTERM reaches the bot, which stops
# gracefully.
STOPSIGNAL SIGTERM
CMD ["/bin/sh", "-c", "exec node $(node scripts/node-flags.mjs) dist/src/main.js"]
