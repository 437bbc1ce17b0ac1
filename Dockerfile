# Our Rituals, self-hosted: the skill on waitress (`our-rituals serve`), the household file on a volume at /data.
# Built and started by compose.yaml, behind Caddy for HTTPS. Alone: docker build -t our-rituals . &&
#   docker run -e SKILL_ID=amzn1.ask.skill... -v our-rituals:/data -p 127.0.0.1:8080:8080 our-rituals

# The official Python image, pinned by the digest Docker Hub publishes for python:3.12-slim (taken from public
# references on the day it was pinned; no registry could be asked where this was written). To re-pin:
#   docker pull python:3.12-slim && docker inspect --format '{{index .RepoDigests 0}}' python:3.12-slim
# A build against a base made locally (no registry) passes --build-arg PYTHON_IMAGE=python:3.12-slim.
ARG PYTHON_IMAGE=python:3.12-slim@sha256:78387bc3881b8273120a12ebe6c1ab22b018ccc2c9adf565ae1ac9b536e184ea

FROM ${PYTHON_IMAGE} AS build
WORKDIR /src
COPY requirements.lock pyproject.toml README.md ./
COPY skill ./skill
# Exactly the locked versions, then the skill without its dependencies, so nothing unpinned comes in.
RUN python -m venv /opt/our-rituals \
 && /opt/our-rituals/bin/pip install --no-cache-dir --disable-pip-version-check --no-deps -r requirements.lock \
 && /opt/our-rituals/bin/pip install --no-cache-dir --disable-pip-version-check --no-deps . \
 && /opt/our-rituals/bin/pip check

FROM ${PYTHON_IMAGE}
ENV PATH=/opt/our-rituals/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    OUR_RITUALS_DB=/data/our-rituals.db
# A user of its own, no login; /data is created owner-only, and a new named volume takes that ownership.
RUN useradd --system --uid 10001 --user-group --home-dir /data --no-create-home --shell /usr/sbin/nologin rituals \
 && mkdir /data \
 && chown rituals:rituals /data \
 && chmod 700 /data
COPY --from=build /opt/our-rituals /opt/our-rituals
USER 10001:10001
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8080
# No curl in the slim image: Python asks /health itself.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/health', timeout=4)"]
# Exec form: the server is PID 1 and gets Docker's SIGTERM itself, finishing the requests in flight.
CMD ["our-rituals", "serve", "--host", "0.0.0.0", "--port", "8080", "--threads", "4"]
