FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY factcheck factcheck
COPY claims claims
COPY reviewers reviewers
RUN pip install --no-cache-dir -c constraints.txt . && useradd --create-home factcheck \
    && install -d -o factcheck -m 700 /var/lib/factcheck
COPY manage.py ./
USER factcheck
EXPOSE 8000
CMD ["gunicorn", "factcheck.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
