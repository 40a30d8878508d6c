# Static, non-root image of Veiviser.
#   docker build -t veiviser .
#   docker run -v veiviser-data:/data \
#     -v /etc/veiviser/telegram-token:/run/secrets/telegram-token:ro \
#     -e TELEGRAM_TOKEN_FILE=/run/secrets/telegram-token veiviser
# The token comes from a mounted file, not -e TELEGRAM_TOKEN: an
# environment variable shows in `docker inspect` and in crash reports.
# /healthz and /metrics listen on the container's loopback only; to
# scrape them, ask for it and publish to the host's loopback:
#   -e VEIVISER_HTTP=0.0.0.0:9090 -p 127.0.0.1:9090:9090
#
# Pin the base images by digest for a reproducible, reviewed build:
#   docker buildx imagetools inspect golang:1.26   (and the runtime image)
#   docker build --build-arg GO_IMAGE=golang:1.26@sha256:… \
#     --build-arg RUN_IMAGE=gcr.io/distroless/static-debian12:nonroot@sha256:… .
ARG GO_IMAGE=golang:1.26
ARG RUN_IMAGE=gcr.io/distroless/static-debian12:nonroot

FROM ${GO_IMAGE} AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o /veiviser ./cmd/veiviser

FROM ${RUN_IMAGE}
COPY --from=build /veiviser /veiviser
VOLUME /data
ENV VEIVISER_DB=/data/veiviser.db
USER nonroot:nonroot
ENTRYPOINT ["/veiviser", "serve"]
