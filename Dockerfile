# One image for both roles: `otelgate start --role ingest|process|both`.
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY gateway/package.json gateway/
COPY pipelines/package.json pipelines/
COPY instrumentation/node/package.json instrumentation/node/
COPY instrumentation/web/package.json instrumentation/web/
COPY instrumentation/worker/package.json instrumentation/worker/
RUN npm ci --omit=dev --workspace gateway --workspace pipelines --include-workspace-root=false --no-audit --no-fund

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY gateway ./gateway
COPY pipelines ./pipelines
RUN mkdir -p /var/lib/otelgate && chown node:node /var/lib/otelgate
USER node
VOLUME /var/lib/otelgate
EXPOSE 4317 4318 13133
ENTRYPOINT ["node", "gateway/src/cli.ts"]
CMD ["start", "--config", "/etc/otelgate/otelgate.yaml"]
