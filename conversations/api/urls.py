from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from conversations import relay
from conversations.api import auth, export, feedback, models_api, views

urlpatterns = [
    path("auth/token/", auth.ObtainToken.as_view()),
    path("auth/register/", auth.Register.as_view()),
    path("models/", models_api.ModelList.as_view()),
    path("conversations/", views.ConversationListCreate.as_view()),
    path("conversations/<str:pk>/", views.ConversationDetail.as_view()),
    path("branches/<str:pk>/", views.BranchDetail.as_view()),
    path("branches/<str:pk>/messages/", views.BranchMessages.as_view()),
    path("branches/<str:pk>/end/", views.BranchEnd.as_view()),
    path("messages/<str:pk>/", views.MessageDetail.as_view()),
    path("messages/<str:pk>/stream/", relay.reply_stream, name="api-reply-stream"),
    path("messages/<str:pk>/edit/", views.MessageEdit.as_view()),
    path("messages/<str:pk>/retry/", views.MessageRetry.as_view()),
    path("messages/<str:pk>/cancel/", views.MessageCancel.as_view()),
    path("messages/<str:pk>/feedback/", feedback.ReplyFeedback.as_view()),
    path("end-events/<str:pk>/feedback/", feedback.EndEventFeedback.as_view()),
    # The OpenAPI schema (docs/openapi.yaml is the committed copy) and interactive docs whose
    # assets come from drf-spectacular-sidecar, served by this app.
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file, not inline, for the Content-Security-Policy.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("export/", export.Export.as_view()),
]
