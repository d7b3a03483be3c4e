"""Requests refused before any view: a NUL character in a query string or form field (PostgreSQL cannot store or
compare it, and no person types it) is a 400, as the API's error or a plain Chinese page."""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse

MESSAGE = "请求中含有不允许的字符(NUL)"


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._in(request.GET) or (request.method == "POST" and self._form(request)):
            if request.path.startswith("/api/"):
                return JsonResponse({"error": {"code": "invalid_character", "message": MESSAGE}}, status=400,
                                    json_dumps_params={"ensure_ascii": False})
            return HttpResponse(MESSAGE, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def _in(data) -> bool:
        return any("\x00" in k or any("\x00" in v for v in data.getlist(k)) for k in data)

    def _form(self, request) -> bool:
        ctype = request.META.get("CONTENT_TYPE", "")
        if not ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            return False  # JSON bodies: the serializers refuse NUL in text fields
        return self._in(request.POST)
