import sys

from django.db import InterfaceError, OperationalError
from django.shortcuts import render

import gridgov


def home(request):
    return render(request, "web/home.html", {"version": gridgov.__version__})


ERRORS = {
    400: ("bad_request", "请求有误", "请求的内容无法处理,请返回上一页检查后重试。"),
    403: ("permission_denied", "无权访问", "您没有访问该页面的权限,或该内容不在您的管辖范围内。"),
    404: ("not_found", "页面不存在", "您要找的页面不存在,或不在您的管辖范围内。"),
    500: ("server_error", "系统繁忙", "服务器处理出错,已记录。请稍后重试;如一再出现,请联系系统管理员。"),
    503: ("service_unavailable", "服务暂时不可用", "数据库暂时连不上(重启或切换中),请稍后重试;已经提交成功的内容不会丢失。"),
}
RETRY_AFTER_SECONDS = 5


def _error(request, status: int):
    """Errors in Chinese: the API's error format under /api/, a plain page elsewhere (never Django's English
    pages)."""
    from django.http import HttpResponse, JsonResponse
    from django.template.loader import render_to_string

    code, title, message = ERRORS[status]
    if request.path.startswith("/api/"):
        response = JsonResponse({"error": {"code": code, "message": message}}, status=status,
                                json_dumps_params={"ensure_ascii": False})
    elif status == 503:  # without the request's context processors: they would ask the database again
        response = HttpResponse(render_to_string("web/error.html", {"title": title, "message": message}),
                                status=status)
    else:
        response = render(request, "web/error.html", {"title": title, "message": message}, status=status)
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def bad_request(request, exception=None):
    return _error(request, 400)


def permission_denied(request, exception=None):
    return _error(request, 403)


def page_not_found(request, exception=None):
    return _error(request, 404)


def server_error(request):
    """An unhandled error. When the database is out of reach (a restart, a fail-over, pgbouncer waiting for a
    server) it is a 503 with Retry-After, code `service_unavailable`: the client should send the same request
    again (reports with their Idempotency-Key are never made twice)."""
    exc = sys.exc_info()[1]
    return _error(request, 503 if isinstance(exc, OperationalError | InterfaceError) else 500)
