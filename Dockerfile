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
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
# Liveness: /healthz is 200 while the database answers (503 while stopping).
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# node runs as the container's main process (no shell, no npm), so `docker stop`'s SIGTERM reaches the bot, which stops gracefully.
# The flags are the start script's (package.json): a small young generation, WebAssembly compiled once, one V8 helper thread.
STOPSIGNAL SIGTERM
CMD ["node", "--max-semi-space-size=2", "--liftoff-only", "--v8-pool-size=1", "dist/src/main.js"]
