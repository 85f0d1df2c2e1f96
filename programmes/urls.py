from __future__ import annotations

from django.urls import path

from programmes.views import (
    needs,
    programme,
    programme_manage,
    round_manage,
    rounds,
    tellers,
    you_asked,
)

app_name = "programmes"
urlpatterns = [
    # Needs
    path("needs/", needs.need_list, name="need_list"),
    path("needs/new/", needs.need_create, name="need_create"),
    path("needs/<int:pk>/", needs.need_detail, name="need_detail"),
    path("needs/<int:pk>/support/", needs.need_support, name="need_support"),
    path("needs/<int:pk>/unsupport/", needs.need_unsupport, name="need_unsupport"),
    path("needs/<int:pk>/comment/", needs.comment_create, name="comment_create"),
    path("needs/<int:pk>/hide/", needs.need_hide, name="need_hide"),
    path("needs/<int:pk>/merge/", needs.need_merge, name="need_merge"),
    path("needs/<int:pk>/shortlist/", needs.need_shortlist, name="need_shortlist"),
    path("needs/comments/<int:pk>/hide/", needs.comment_hide, name="comment_hide"),
    # Priority rounds, ballots and results
    path("rounds/", rounds.round_list, name="round_list"),
    path("rounds/<int:pk>/vote/", rounds.round_vote, name="round_vote"),
    path("rounds/<int:pk>/confirm/", rounds.round_confirm, name="round_confirm"),
    path("rounds/<int:pk>/thanks/", rounds.round_thanks, name="round_thanks"),
    path("rounds/<int:pk>/results/", rounds.round_results, name="round_results"),
    path("rounds/<int:pk>/trackers/", rounds.round_trackers, name="round_trackers"),
    path("rounds/<int:pk>/teller/", tellers.round_teller, name="round_teller"),
    path("rounds/manage/", round_manage.round_manage_list, name="round_manage_list"),
    path("rounds/manage/new/", round_manage.round_create, name="round_create"),
    path("rounds/manage/<int:pk>/", round_manage.round_manage_detail, name="round_manage_detail"),
    path("rounds/manage/<int:pk>/edit/", round_manage.round_edit, name="round_edit"),
    path("rounds/manage/<int:pk>/options/new/", round_manage.option_create, name="option_create"),
    path("rounds/manage/options/<int:pk>/edit/", round_manage.option_edit, name="option_edit"),
    path(
        "rounds/manage/options/<int:pk>/delete/", round_manage.option_delete, name="option_delete"
    ),
    path("rounds/manage/<int:pk>/open/", round_manage.round_open, name="round_open"),
    path("rounds/manage/<int:pk>/close/", round_manage.round_close, name="round_close"),
    path("rounds/manage/<int:pk>/tellers/", tellers.round_tellers, name="round_tellers"),
    path("rounds/manage/<int:pk>/count/", round_manage.round_count, name="round_count"),
    path("rounds/manage/<int:pk>/in-person/", round_manage.round_in_person, name="round_in_person"),
    # Programmes and "you asked, we did"
    path("programmes/", programme.programme_list, name="programme_list"),
    path("programmes/new/", programme_manage.programme_create, name="programme_create"),
    path("programmes/<int:pk>/", programme.programme_detail, name="programme_detail"),
    path("programmes/<int:pk>/edit/", programme_manage.programme_edit, name="programme_edit"),
    path("programmes/<int:pk>/help/", programme.programme_signup, name="programme_signup"),
    path("programmes/<int:pk>/follow/", programme.programme_follow, name="programme_follow"),
    path("programmes/stages/<int:pk>/edit/", programme_manage.stage_edit, name="stage_edit"),
    path("programmes/<int:pk>/activities/add/", programme_manage.activity_add, name="activity_add"),
    path(
        "programmes/<int:pk>/budget/add/",
        programme_manage.budget_line_add,
        name="budget_line_add",
    ),
    path("programmes/<int:pk>/news/add/", programme_manage.update_create, name="update_create"),
    path("you-asked/", you_asked.you_asked, name="you_asked"),
]
