from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from oportuna.accounts import views as accounts
from oportuna.observatories import views as observatories
from oportuna.opportunities.views import assignment, detail, follow_up, registration
from oportuna.processes import views as processes
from oportuna.users import views as users
from oportuna.web import views as web

urlpatterns = [
    path("", processes.inbox, name="inbox"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", web.set_language, name="set-language"),
    path("me/", users.preferences, name="preferences"),
    path("tasks/<uuid:task_id>/", processes.task_detail, name="task-detail"),
    path("tasks/<uuid:task_id>/assign/", assignment.assign_owner, name="assign-owner"),
    path("tasks/<uuid:task_id>/follow-up/", follow_up.follow_up, name="follow-up"),
    path("opportunities/", registration.opportunity_list, name="opportunity-list"),
    path("opportunities/new/", registration.register, name="opportunity-register"),
    path(
        "opportunities/<int:pk>/", detail.opportunity_detail, name="opportunity-detail"
    ),
    path(
        "opportunities/<int:pk>/documents/",
        detail.upload_document,
        name="opportunity-upload-document",
    ),
    path(
        "opportunities/<int:pk>/documents/<int:document_pk>/",
        detail.download_document,
        name="opportunity-document",
    ),
    path("opportunities/<int:pk>/actions/", follow_up.actions_list, name="action-list"),
    path(
        "opportunities/<int:pk>/actions/new/", follow_up.action_new, name="action-new"
    ),
    path(
        "opportunities/<int:pk>/actions/<int:action_pk>/edit/",
        follow_up.action_edit,
        name="action-edit",
    ),
    path(
        "opportunities/<int:pk>/owner/",
        assignment.reassign_owner,
        name="opportunity-reassign",
    ),
    path(
        "opportunities/<int:pk>/phase/", follow_up.set_phase, name="opportunity-phase"
    ),
    path(
        "opportunities/<int:pk>/publish/", follow_up.publish, name="opportunity-publish"
    ),
    path("opportunities/<int:pk>/won/", follow_up.close_won, name="opportunity-won"),
    path("opportunities/<int:pk>/lost/", follow_up.close_lost, name="opportunity-lost"),
    path("accounts/suggest/", accounts.suggest, name="account-suggest"),
    path("observatory/mine/", observatories.my_observatory, name="observatory-mine"),
    path("observatory/team/", observatories.team_observatory, name="observatory-team"),
    path("admin/", admin.site.urls),
]
