# One image for our processes (worker, API, simulators); the command picks which.
ARG PYTHON_VERSION=3.11.11
FROM python:${PYTHON_VERSION}-slim
WORKDIR /app
ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
COPY pyproject.toml README.md ./
COPY domain ./domain
COPY workflows ./workflows
COPY activities ./activities
COPY usecases ./usecases
COPY api ./api
COPY simulators ./simulators
COPY observability ./observability
COPY security ./security
COPY reporting ./reporting
COPY config ./config
COPY schemas ./schemas
COPY worker.py settings.py connection.py stack.py ./
# Bytecode at build time: the app user cannot write it, and the workflow sandbox loads the
# workflow's module again for every new run.
RUN pip install . && python -m compileall -q /app && useradd --system --uid 10001 app
USER app
CMD ["python", "worker.py"]
