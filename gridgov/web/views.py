from django.shortcuts import render

import gridgov


def home(request):
    return render(request, "web/home.html", {"version": gridgov.__version__})


ERRORS = {
    400: ("bad_request", "请求有误", "请求的内容无法处理,请返回上一页检查后重试。"),
    403: ("permission_denied", "无权访问", "您没有访问该页面的权限,或该内容不在您的管辖范围内。"),
    404: ("not_found", "页面不存在", "您要找的页面不存在,或不在您的管辖范围内。"),
    500: ("server_error", "系统繁忙", "服务器处理出错,已记录。请稍后重试;如一再出现,请联系系统管理员。"),
}


def _error(request, status: int):
    """Errors in Chinese: the API's error format under /api/, a plain page elsewhere (never Django's English
    pages)."""
    from django.http import JsonResponse

    code, title, message = ERRORS[status]
    if request.path.startswith("/api/"):
        return JsonResponse({"error": {"code": code, "message": message}}, status=status,
                            json_dumps_params={"ensure_ascii": False})
    return render(request, "web/error.html", {"title": title, "message": message}, status=status)


def bad_request(request, exception=None):
    return _error(request, 400)


def permission_denied(request, exception=None):
    return _error(request, 403)


def page_not_found(request, exception=None):
    return _error(request, 404)


def server_error(request):
    return _error(request, 500)
