# syntax=docker/dockerfile:1
# mcp-audit container image: build in the official Rust image, run on a slim Debian
# as an unprivileged user. Both bases are pinned by digest.

FROM rust:1.89@sha256:c50cd6e20c46b0b36730b5eb27289744e4bb8f32abc90d8c64ca09decf4f55ba AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked && strip target/release/mcp-audit

FROM debian:bookworm-slim@sha256:67b30a61dc87758f0caf819646104f29ecbda97d920aaf5edc834128ac8493d3 AS runtime
LABEL org.opencontainers.image.title="mcp-audit" \
      org.opencontainers.image.description="Policy-as-code auditor for containerized MCP server deployments" \
      org.opencontainers.image.source="https://github.com/mcp-audit/mcp-audit" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.vendor="mcp-audit"
COPY --from=build /src/target/release/mcp-audit /usr/local/bin/mcp-audit
USER 65532:65532
WORKDIR /src
# A one-shot CLI, not a service: the health check only proves the binary runs.
HEALTHCHECK --interval=30s --timeout=3s --retries=1 CMD ["/usr/local/bin/mcp-audit", "--version"]
ENTRYPOINT ["/usr/local/bin/mcp-audit"]
CMD ["scan", "/src"]
