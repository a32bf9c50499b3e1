# One image for all five services; PORTCULLIS_SERVICE picks which one a container runs.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json .swcrc ./
COPY scripts ./scripts
COPY apps ./apps
COPY libs ./libs
COPY tools ./tools
RUN node scripts/build.mjs && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    PORTCULLIS_BIND=0.0.0.0 \
    PORTCULLIS_CONFIG=/etc/portcullis/portcullis.yaml \
    PORTCULLIS_SERVICE=broker
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/package.json ./package.json
USER node
EXPOSE 7100 7101 7102 7103 7104 15432 12222 18443
# exec: the service is PID 1's only child and receives SIGTERM for a graceful drain.
CMD ["sh", "-c", "exec node --enable-source-maps dist/apps/${PORTCULLIS_SERVICE}/src/main.js"]
