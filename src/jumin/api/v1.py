"""JSON API v1 (OpenAPI at /api/v1/openapi.json)."""

from ninja import NinjaAPI

api = NinjaAPI(title="Jumin API", version="1.0.0", urls_namespace="api-v1", openapi_url="/openapi.json", docs_url="/docs")
