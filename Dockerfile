# The operator image: Node 22 on UBI 9, compiled TypeScript, production dependencies only, non-root.
#   docker build -t quay.io/stolostron/mce-maestro-operator:v0.1.0 .

# Both stages use one base, pinned by digest so a rebuild can't pick up another image. The digest
# is the one Red Hat's Konflux bot pinned in openshift-pipelines/tektoncd-hub
# .konflux/dockerfiles/ui.Dockerfile, commit d53f2f55c8d2 ("Update registry.redhat.io/ubi9/nodejs-22
# Docker digest to 2e15adc"); registry.access.redhat.com serves the same manifest without a login.

# Build: every dependency, then tsc into dist/.
FROM registry.access.redhat.com/ubi9/nodejs-22@sha256:2e15adce9fe27151461c3e131a05a93deceee458c75c0b6e83ab3050bf669087 AS build
WORKDIR /opt/app-root/src
COPY --chown=1001:0 package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY --chown=1001:0 tsconfig.json tsconfig.build.json ./
COPY --chown=1001:0 src ./src
RUN npm run build
# The regional console app (console/, served by --console-bind-address): its own dependencies,
# built with Vite into console/dist. It imports the API contract from src/console/contract.ts.
COPY --chown=1001:0 console/package.json console/package-lock.json ./console/
RUN npm --prefix console ci --no-audit --no-fund
COPY --chown=1001:0 console ./console
RUN npm --prefix console run build

# Runtime: production dependencies and the compiled operator, nothing else.
FROM registry.access.redhat.com/ubi9/nodejs-22@sha256:2e15adce9fe27151461c3e131a05a93deceee458c75c0b6e83ab3050bf669087 AS runtime
WORKDIR /opt/app-root/src
COPY --chown=1001:0 package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build --chown=1001:0 /opt/app-root/src/dist ./dist
# Static files only; the console server finds them at <install root>/console/dist.
COPY --from=build --chown=1001:0 /opt/app-root/src/console/dist ./console/dist
ENV NODE_ENV=production
USER 1001
EXPOSE 8080 8081 9443
ENTRYPOINT ["node", "dist/src/main.js"]
