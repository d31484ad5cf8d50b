FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml ./
COPY . .
# The build's commands load the settings, which want a signing key: a throwaway one, never kept.
RUN pip install --no-cache-dir . \
    && export AUDIT_SIGNING_KEY="$(python -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())')" \
    && python manage.py compile_translations \
    && DATABASE_URL=postgres://build@localhost/build REDIS_URL=redis://localhost:6379/0 \
       SECRET_KEY=build python manage.py collectstatic --no-input
USER nobody
