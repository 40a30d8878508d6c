# Static, non-root image of Veiviser.
#   docker build -t veiviser .
#   docker run -e TELEGRAM_TOKEN=… -v veiviser-data:/data veiviser
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o /veiviser ./cmd/veiviser

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /veiviser /veiviser
VOLUME /data
ENV VEIVISER_DB=/data/veiviser.db VEIVISER_HTTP=0.0.0.0:9090
EXPOSE 9090
USER nonroot:nonroot
ENTRYPOINT ["/veiviser", "serve"]
