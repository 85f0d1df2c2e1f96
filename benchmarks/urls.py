"""config.urls plus a bare view: what Django costs with no database, template or session."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns

FLOOR_BODY = b"floor"


@login_not_required
def floor(request: HttpRequest) -> HttpResponse:
    """The framework's floor: every middleware, then a fixed response."""
    return HttpResponse(FLOOR_BODY, content_type="text/plain")


urlpatterns = [path("bench/floor/", floor, name="bench_floor"), *project_urlpatterns]
# The project's own 500 page, as in production.
handler500 = "members.views.site.server_error"
