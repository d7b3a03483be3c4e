"""How API tokens appear in the OpenAPI document: an HTTP bearer scheme, so /api/v1/docs/ offers 'Authorize'."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "gridgov.accounts.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "bearerFormat": "gg_…",
                "description": "API 令牌:`Authorization: Bearer <令牌>`(由管理员用 gridgov issue_token 签发)"}
