# Rampart's container image: the release binary (glibc, linked dynamically) on a distroless base.
#
#   docker build -t rampart:0.1.0 .
#   docker run --rm --read-only --tmpfs /tmp -e AWS_REGION=eu-west-1 rampart:0.1.0 audit --help
#
# The image runs with a read-only root filesystem: the binary writes nothing but its reports,
# to --output-dir (s3://… writes nothing locally) or to a mounted /tmp.
#
# Checked by scripts/lint-deploy.sh (hadolint, checkov) and tests/deploy_manifests.rs.

# --- builder ---------------------------------------------------------------------------------
# The official Rust image on Debian 12 (bookworm): the same glibc as the distroless runtime
# below. Its gcc builds aws-lc-sys (0.47, through rustls' aws-lc-rs) with the cc builder on
# x86_64 and aarch64 Linux, with pregenerated bindings: no cmake, clang or bindgen needed.
FROM rust:1.94.1-slim-bookworm AS builder

WORKDIR /build

# Dependencies first, in layers of their own: they are rebuilt only when a manifest or the
# lock file changes. The crates' sources are stubs for this step.
COPY Cargo.toml Cargo.lock ./
COPY checks/Cargo.toml checks/Cargo.toml
RUN mkdir -p src checks/src \
 && echo 'fn main() {}' > src/main.rs \
 && touch src/lib.rs checks/src/lib.rs \
 && cargo fetch --locked \
 && cargo build --release --locked --bin rampart \
 && rm -rf src checks/src

# Then the sources. The touch makes them newer than the stubs' build, whatever the mtimes
# that COPY kept, so that cargo rebuilds both workspace crates.
COPY checks/src checks/src
COPY checks/frameworks checks/frameworks
COPY src src
RUN touch src/main.rs src/lib.rs checks/src/lib.rs \
 && cargo build --release --locked --bin rampart \
 && install -D -m 0755 target/release/rampart /out/rampart

# --- runtime ---------------------------------------------------------------------------------
# Distroless "cc": glibc, libgcc, CA certificates (rustls loads the native roots from
# /etc/ssl/certs), tzdata; no shell, no package manager. Pinned by tag: pin it by digest
# (@sha256:…) where the registry can be reached to read it.
FROM gcr.io/distroless/cc-debian12:nonroot

# A batch job that runs and exits has no health to probe: its exit code is the result
# (0 pass, 3 a finding failed, 4 incomplete, others could not run).
# checkov:skip=CKV_DOCKER_2: a batch job that exits when done; Kubernetes Jobs ignore HEALTHCHECK

LABEL org.opencontainers.image.title="rampart" \
      org.opencontainers.image.description="Audits AWS accounts (read-only) for the security posture of their infrastructure" \
      org.opencontainers.image.version="0.1.0" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.base.name="gcr.io/distroless/cc-debian12:nonroot"

COPY --from=builder --chown=0:0 /out/rampart /usr/local/bin/rampart

# HOME and TMPDIR on /tmp: the only writable place when the root filesystem is read-only
# (an emptyDir or tmpfs mounted there). The AWS SDK reads ~/.aws only if it exists.
ENV HOME=/tmp \
    TMPDIR=/tmp

# Numeric uid:gid, not root: the pods' securityContext (deploy/k8s/) runs as 1000:3000 too,
# and runAsNonRoot can only verify a numeric user.
USER 1000:3000

ENTRYPOINT ["/usr/local/bin/rampart"]
CMD ["--help"]
