"""Open311 GeoReport v2 at /open311/v2/, in XML and JSON, following the specification to the letter, with
the documented extensions (page/page_size, updated_after/updated_before, extensions=true) and mySociety's
servicerequestupdates so that a FixMyStreet-like front end can follow updates."""

from __future__ import annotations

import datetime as dt
from functools import wraps

from django.conf import settings
from django.urls import reverse
from django.utils.html import strip_tags
from django.views.decorators.csrf import csrf_exempt

from gridgov.accounts.authentication import valid_token
from gridgov.accounts.models import ApiToken
from gridgov.cases.models import Case, CaseEvent, Category, Channel, State
from gridgov.cases.queued import queue_report, queued_by_token
from gridgov.cases.selectors import MOMENT_YEARS, parse_moment
from gridgov.cases.services import case_report
from gridgov.cases.workflow import OPEN311_STATUS, PUBLIC_NOTES
from gridgov.core.errors import ApplicationError
from gridgov.core.net import client_ip
from gridgov.core.ratelimit import hit
from gridgov.core.timeutil import local, now
from gridgov.integrations.open311.render import CONTENT_TYPES, Open311Error, render, render_error
from gridgov.regions.models import Level, Region

SPEC = "http://wiki.open311.org/GeoReport_v2"
CLOSED = (State.CLOSED, State.REJECTED, State.MERGED, State.WITHDRAWN)
MAX_SPAN = dt.timedelta(days=90)
MAX_RESULTS = 1000
MAX_PAGE = 100_000  # an OFFSET beyond this is no listing anyone needs, and a huge one overflows the database

# Workflow actions as mySociety's extended statuses (servicerequestupdates) and the notes the public reads: both
# are columns of the workflow table.
UPDATE_STATUS = OPEN311_STATUS


def _params(request) -> dict:
    """Query and form parameters; an empty parameter counts as absent."""
    out = {}
    for source in (request.GET, request.POST):
        for k in source:
            values = [v for v in source.getlist(k) if v != ""]
            if values:
                out[k] = values if k.endswith("[]") else values[-1]
    return out


def endpoint(view):
    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, fmt, **kwargs):
        if fmt not in CONTENT_TYPES:
            return render_error("xml", 404, f"unknown format .{fmt}: use .xml or .json")
        try:
            return view(request, *args, fmt=fmt, params=_params(request), **kwargs)
        except Open311Error as exc:
            return render_error(fmt, exc.status, exc.description)
        except ApplicationError as exc:
            return render_error(fmt, 404 if exc.status == 404 else 400, exc.message)

    return wrapper


def _jurisdiction(params) -> Region:
    districts = Region.objects.filter(level=Level.DISTRICT, is_active=True)
    jid = params.get("jurisdiction_id")
    if jid:
        code = jid + "000000" if len(jid) == 6 else jid
        district = districts.filter(code=code).first()
        if district is None:
            raise Open311Error(404, f"jurisdiction_id {jid} not found")
        return district
    if districts.count() == 1:
        return districts.get()
    raise Open311Error(400, "jurisdiction_id is required")


def _iso(value) -> str | None:
    return local(value).isoformat(timespec="seconds") if value else None


def _services_qs():
    return Category.objects.filter(is_active=True, parent__isnull=False).select_related("parent").order_by("code")


def _method(request, *allowed):
    if request.method not in allowed:
        raise Open311Error(400, f"method {request.method} not allowed here")


@endpoint
def discovery(request, fmt, params):
    _method(request, "GET")
    base = request.build_absolute_uri(reverse("open311-root"))
    changeset = _iso(now().replace(hour=0, minute=0, second=0, microsecond=0))
    data = {
        "changeset": changeset,
        "contact": getattr(settings, "OPEN311_CONTACT", "网格化治理平台管理员"),
        "key_service": getattr(settings, "OPEN311_KEY_SERVICE", "向区综治中心申请:管理员执行 gridgov issue_token"),
        "endpoints": [{"specification": SPEC, "url": base, "changeset": changeset, "type": "production",
                       "formats": ["text/xml", "application/json"]}],
    }
    return render(fmt, data, root="discovery")


def _service(c: Category) -> dict:
    return {"service_code": c.code, "service_name": c.name,
            "description": f"{c.parent.name} · {c.name}" + (f"(关键词:{c.keywords})" if c.keywords else ""),
            "metadata": c.questions.exists(), "type": "realtime",
            "keywords": ",".join(c.keywords.split()), "group": c.parent.name}


@endpoint
def services(request, fmt, params):
    _method(request, "GET")
    _jurisdiction(params)
    return render(fmt, [_service(c) for c in _services_qs().prefetch_related("questions")], root="services",
                  item="service")


@endpoint
def service_definition(request, code, fmt, params):
    _method(request, "GET")
    _jurisdiction(params)
    c = _services_qs().filter(code=code).first()
    if c is None:
        raise Open311Error(404, f"service_code {code} not found")
    attributes = [{"variable": True, "code": q.code, "datatype": q.datatype, "required": q.required,
                   "datatype_description": q.datatype_description, "order": q.order, "description": q.description,
                   "values": [{"key": v.get("key"), "name": v.get("name")} for v in q.values or []]}
                  for q in c.questions.order_by("order")]
    return render(fmt, {"service_code": c.code, "attributes": attributes}, root="service_definition")


def _api_token(params) -> ApiToken:
    key = params.get("api_key")
    if not key:
        raise Open311Error(403, "api_key is required")
    token = valid_token(key)
    if token is None:
        raise Open311Error(403, "api_key is invalid or revoked")
    return token


def _attributes(params) -> dict:
    out = {}
    for k, v in params.items():
        if k.startswith("attribute[") and k.endswith("]"):
            inner = k[len("attribute["):-1]
            if inner.endswith("]["):  # attribute[code][] (multivaluelist)
                inner = inner[:-2]
            elif "][" in inner:
                inner = inner.split("][")[0]
            out[inner] = v
        elif k.startswith("attribute[") and k.endswith("[]"):
            out[k[len("attribute["):].split("]")[0]] = v
    return out


def _post_request(request, fmt, params):
    token = _api_token(params)
    limits = getattr(settings, "OPEN311_RATE_LIMITS", {"key": 60, "ip": 30})
    if not hit("open311-key", str(token.pk), limits.get("key", 60)) or not hit(
            "open311-ip", client_ip(request), limits.get("ip", 30)):
        raise Open311Error(429, "too many requests: slow down")
    _jurisdiction(params)
    code = params.get("service_code")
    if not code:
        raise Open311Error(400, "service_code is required")
    category = _services_qs().filter(code=code).first()
    if category is None:
        raise Open311Error(404, f"service_code {code} not found")
    lat, lon = params.get("lat"), params.get("long")
    address = params.get("address_string", "") or params.get("address_id", "")
    if (lat is None) != (lon is None):
        raise Open311Error(400, "lat and long must be given together")
    if lat is None and not address:
        raise Open311Error(400, "a location is required: lat and long, address_string or address_id")
    description = strip_tags(params.get("description", "")).strip()
    if len(description) > 4000:
        raise Open311Error(400, "description is longer than 4000 characters")
    name = " ".join(x for x in (params.get("last_name", ""), params.get("first_name", "")) if x)
    extra = {k: params[k] for k in ("media_url", "device_id", "account_id") if k in params}
    values = dict(description=description or f"{category.name}(Open311 上报)", category=category.code,
                  lon=lon, lat=lat, crs=params.get("crs", "wgs84"), address=address, reporter_name=name[:50],
                  reporter_phone=params.get("phone", ""), reporter_email=params.get("email", ""),
                  attributes=_attributes(params), extra_attributes=extra,
                  device_id=params.get("device_id", ""), is_public=None)
    notice = getattr(settings, "OPEN311_SERVICE_NOTICE", "已收到,工作日2小时内签收,办理进度可随时查询")
    media = request.FILES.getlist("media")
    if getattr(settings, "OPEN311_DEFERRED", False) and not media:
        from gridgov.cases.services import check_answers

        check_answers(category, values["attributes"])  # refused now (place and contact: in queue_report)
        queued, _ = queue_report(actor=token.user, values={**values, "channel": Channel.OPEN311})
        return render(fmt, [{"token": queued.token, "service_notice": notice, "account_id": None}],
                      root="service_requests", item="request", status=201)
    case, _ = case_report(actor=token.user, channel=Channel.OPEN311, photos=media, **values)
    return render(fmt, [{"service_request_id": case.number, "service_notice": notice,
                         "account_id": params.get("account_id")}], root="service_requests", item="request",
                  status=201)


def _public_cases(district: Region):
    return Case.objects.filter(is_public=True, region_path__startswith=district.path).select_related(
        "category", "handling_unit").prefetch_related("attachments")


def _status_notes(case: Case, events: dict) -> str:
    last = events.get(case.pk)
    if last is None:
        return "已收到"
    if case.state == State.REJECTED:
        return f"不予立案:{last.note}" if last.note else "不予立案"
    return PUBLIC_NOTES.get(last.action, "") or str(State(case.state).label)


def _media(request, case: Case) -> list[str]:
    return [request.build_absolute_uri(a.url) for a in case.attachments.all() if a.public_file]


def _as_request(request, case: Case, events: dict, extensions: bool) -> dict:
    photos = _media(request, case)
    out = {
        "service_request_id": case.number,
        "status": "closed" if case.state in CLOSED else "open",
        "status_notes": _status_notes(case, events),
        "service_name": case.category.name if case.category_id else "",
        "service_code": case.category.code if case.category_id else "",
        "description": case.description,
        "agency_responsible": case.handling_unit.name if case.handling_unit_id else "",
        "service_notice": "",
        "requested_datetime": _iso(case.created_at),
        "updated_datetime": _iso(case.updated_at),
        "expected_datetime": _iso(case.handle_due_at),
        "address": case.address,
        "address_id": "",
        "zipcode": "",
        "lat": case.lat,
        "long": case.lon,
        "media_url": photos[0] if photos else (case.attributes or {}).get("_extra", {}).get("media_url", ""),
    }
    if extensions:
        out["extended_attributes"] = {"channel": case.channel, "photos": photos, "detailed_status": case.state,
                                      "detailed_status_label": str(State(case.state).label),
                                      "grid": case.grid.code if case.grid_id else None,
                                      "grid_name": case.grid.name if case.grid_id else None}
    return out


def _number_to_pk(number: str) -> int | None:
    return int(number[8:]) if number.isdigit() and len(number) > 8 else None


def _moment(value: str, name: str) -> dt.datetime:
    """The one date parser of the case API, with the Open311 error."""
    try:
        return parse_moment(value, name)
    except ApplicationError as exc:
        if "超出范围" in exc.message:
            lo, hi = MOMENT_YEARS
            raise Open311Error(400, f"{name} must lie between the years {lo} and {hi}")
        raise Open311Error(400, f"{name} must be an ISO 8601 date-time, e.g. 2026-11-01T00:00:00+08:00")


def _last_public_events(cases) -> dict:
    ids = [c.pk for c in cases]
    last = {}
    for ev in CaseEvent.objects.filter(case_id__in=ids, action__in=list(PUBLIC_NOTES)).order_by("at", "id"):
        last[ev.case_id] = ev
    return last


def _get_requests(request, fmt, params):
    district = _jurisdiction(params)
    qs = _public_cases(district)
    extensions = params.get("extensions") == "true"
    if ids := params.get("service_request_id"):
        pks = [p for p in (_number_to_pk(x.strip()) for x in ids.split(",")) if p]
        cases = [c for c in qs.filter(pk__in=pks) if c.number in {x.strip() for x in ids.split(",")}]
    else:
        end = _moment(params["end_date"], "end_date") if "end_date" in params else now()
        start = _moment(params["start_date"], "start_date") if "start_date" in params else end - MAX_SPAN
        if end < start:
            raise Open311Error(400, "end_date is before start_date")
        if end - start > MAX_SPAN:
            raise Open311Error(400, "the date range may span at most 90 days")
        qs = qs.filter(created_at__gte=start, created_at__lte=end)
        if codes := params.get("service_code"):
            qs = qs.filter(category__code__in=[c.strip() for c in codes.split(",")])
        if status := params.get("status"):
            wanted = {s.strip() for s in status.split(",")}
            if not wanted <= {"open", "closed"}:
                raise Open311Error(400, "status must be open or closed")
            if wanted == {"open"}:
                qs = qs.exclude(state__in=CLOSED)
            elif wanted == {"closed"}:
                qs = qs.filter(state__in=CLOSED)
        if after := params.get("updated_after"):
            qs = qs.filter(updated_at__gt=_moment(after, "updated_after"))
        if before := params.get("updated_before"):
            qs = qs.filter(updated_at__lt=_moment(before, "updated_before"))
        qs = qs.order_by("-created_at", "-id")
        try:
            page = max(int(params.get("page", 1)), 1)
            size = min(max(int(params.get("page_size", MAX_RESULTS)), 1), MAX_RESULTS)
        except ValueError:
            raise Open311Error(400, "page and page_size must be whole numbers")
        if page > MAX_PAGE:
            raise Open311Error(400, f"page must be at most {MAX_PAGE}")
        cases = list(qs[(page - 1) * size: page * size])
    events = _last_public_events(cases)
    return render(fmt, [_as_request(request, c, events, extensions) for c in cases], root="service_requests",
                  item="request")


@endpoint
def requests_(request, fmt, params):
    if request.method == "POST":
        return _post_request(request, fmt, params)
    _method(request, "GET")
    return _get_requests(request, fmt, params)


@endpoint
def request_detail(request, number, fmt, params):
    _method(request, "GET")
    district = _jurisdiction(params)
    pk = _number_to_pk(number)
    case = _public_cases(district).filter(pk=pk).first() if pk else None
    if case is None or case.number != number:
        raise Open311Error(404, f"service_request_id {number} not found")
    events = _last_public_events([case])
    return render(fmt, [_as_request(request, case, events, params.get("extensions") == "true")],
                  root="service_requests", item="request")


@endpoint
def token_detail(request, token, fmt, params):
    _method(request, "GET")
    _jurisdiction(params)
    queued = queued_by_token(token)
    if queued is None:
        raise Open311Error(404, f"token {token} not found")
    return render(fmt, [{"service_request_id": queued.case.number if queued.case_id else None, "token": token}],
                  root="service_requests", item="request")


@endpoint
def service_request_updates(request, fmt, params):
    _method(request, "GET")
    district = _jurisdiction(params)
    if ("start_date" in params) != ("end_date" in params):
        raise Open311Error(400, "give both start_date and end_date, or neither")
    end = _moment(params["end_date"], "end_date") if "end_date" in params else now()
    start = _moment(params["start_date"], "start_date") if "start_date" in params else end - dt.timedelta(days=1)
    if end - start > MAX_SPAN or end < start:
        raise Open311Error(400, "the date range must be positive and at most 90 days")
    events = (CaseEvent.objects.filter(at__gte=start, at__lte=end, action__in=list(UPDATE_STATUS),
                                       case__is_public=True, case__region_path__startswith=district.path)
              .select_related("case").prefetch_related("attachments").order_by("at", "id")[:MAX_RESULTS])
    updates = []
    for ev in events:
        photos = [request.build_absolute_uri(a.url) for a in ev.attachments.all() if a.public_file]
        status = UPDATE_STATUS[ev.action]
        if ev.action == "follow_up" and (ev.data or {}).get("reopened"):
            status = "REOPEN"
        updates.append({"update_id": str(ev.pk), "service_request_id": ev.case.number, "status": status,
                        "updated_datetime": _iso(ev.at), "description": PUBLIC_NOTES.get(ev.action, ""),
                        "media_url": photos[0] if photos else ""})
    return render(fmt, updates, root="service_request_updates", item="request_update")


def open311_root(request):
    return discovery(request, fmt="json")

