# The shop's front door: the built SPA served by nginx, which proxies the API.
# Build from the repository root: docker build -f docker/web.Dockerfile .
FROM node:20-bookworm-slim AS build
WORKDIR /src/vue-client
COPY vue-client/package.json vue-client/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY vue-client/ ./
RUN npm run build

FROM nginx:1.27-bookworm
# The official image renders /etc/nginx/templates/*.template into conf.d/ with envsubst at start,
# replacing only the variables named in NGINX_ENVSUBST_FILTER-matching environment variables that are set.
COPY docker/nginx/mall.conf.template /etc/nginx/templates/mall.conf.template
COPY docker/nginx/mall-site.conf /etc/nginx/mall-site.conf
# TLS is opt-in: docker/compose.tls.yml mounts this template into /etc/nginx/templates/ with the certificate.
COPY docker/nginx/mall-tls.conf.template /etc/nginx/templates-tls/mall-tls.conf.template
COPY --from=build /src/vue-client/dist /usr/share/nginx/mall
RUN rm -f /etc/nginx/conf.d/default.conf
ENV MALL_SPA_ROOT=/usr/share/nginx/mall \
    MALL_WEB_PORT=8080 \
    MALL_API_UPSTREAM=api:8080 \
    MALL_NGINX_SITE=/etc/nginx/mall-site.conf \
    MALL_MEDIA_ROOT=/var/lib/mall/media \
    NGINX_ENVSUBST_FILTER=^MALL_
EXPOSE 8080
