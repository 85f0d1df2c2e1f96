"""monitoring.access, asked directly: a complaint exists only for coordinators."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.test import RequestFactory

from members.models import Person, User
from monitoring.access import get_complaint_for_user
from monitoring.models import Complaint, Place

pytestmark = pytest.mark.django_db


def test_a_complaint_exists_only_for_coordinators(
    member: User, outreach_worker: User, coordinator: User
) -> None:
    complaint = Complaint.objects.create(
        place=Place.DROP_IN, person=Person.objects.get(user=member), description="Rude at the door"
    )
    request = RequestFactory().get("/")
    for user in (member, outreach_worker):
        request.user = user
        with pytest.raises(Http404):
            get_complaint_for_user(request, complaint.pk)
    request.user = coordinator
    assert get_complaint_for_user(request, complaint.pk) == complaint
    with pytest.raises(Http404):
        get_complaint_for_user(request, complaint.pk + 1)
