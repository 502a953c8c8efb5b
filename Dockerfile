# concbench with CPython 3.14 and 3.14t (free-threaded), both from uv, fio and wrk (the limits, serve's load).
#   docker build -t concbench .
#   docker run --rm -v "$PWD/results:/results" concbench run --out /results/run1 \
#       --python /opt/venv/bin/python --python /opt/venv-t/bin/python
FROM ghcr.io/astral-sh/uv:bookworm-slim
SHELL ["/bin/bash", "-o", "pipefail", "-c"]

# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends fio wrk \
    && rm -rf /var/lib/apt/lists/*

ENV UV_PYTHON_INSTALL_DIR=/opt/python UV_LINK_MODE=copy UV_NO_CACHE=1
RUN uv python install 3.14 3.14t

WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
RUN uv venv /opt/venv --python 3.14 \
    && uv pip install --python /opt/venv/bin/python . \
    && uv venv /opt/venv-t --python 3.14t \
    && uv pip install --python /opt/venv-t/bin/python .

ENV PATH=/opt/venv/bin:$PATH
WORKDIR /results
ENTRYPOINT ["concbench"]
CMD ["run", "--quick", "--out", "/results/run", "--python", "/opt/venv/bin/python", "--python", "/opt/venv-t/bin/python"]
