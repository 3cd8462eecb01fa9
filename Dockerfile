# The Vermist image: one image, two commands (bin/worker.ts, bin/api.ts), chosen in docker-compose.yml.
FROM node:20.19.0-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
# tsx runs the TypeScript sources, and the worker bundles workflows from them at start: keep dev deps.
RUN npm ci --no-audit --no-fund --include=dev && npm cache clean --force
COPY . .
# The web app the API serves at `/`.
RUN npm run build
USER node
