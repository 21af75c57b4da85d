# The operator image: Node 22 on UBI 9, compiled TypeScript, production dependencies only, non-root.
#   docker build -t quay.io/stolostron/mce-maestro-operator:v0.1.0 .

# Build: every dependency, then tsc into dist/.
FROM registry.access.redhat.com/ubi9/nodejs-22 AS build
WORKDIR /opt/app-root/src
COPY --chown=1001:0 package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY --chown=1001:0 tsconfig.json tsconfig.build.json ./
COPY --chown=1001:0 src ./src
RUN npm run build

# Runtime: production dependencies and the compiled operator, nothing else.
FROM registry.access.redhat.com/ubi9/nodejs-22 AS runtime
WORKDIR /opt/app-root/src
COPY --chown=1001:0 package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build --chown=1001:0 /opt/app-root/src/dist ./dist
ENV NODE_ENV=production
USER 1001
EXPOSE 8080 8081
ENTRYPOINT ["node", "dist/src/main.js"]
