FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml ./
COPY . .
RUN pip install --no-cache-dir . && python manage.py compile_translations \
    && DATABASE_URL=postgres://build@localhost/build REDIS_URL=redis://localhost:6379/0 \
       SECRET_KEY=build python manage.py collectstatic --no-input
USER nobody
