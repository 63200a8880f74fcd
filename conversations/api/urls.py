from django.urls import path

from conversations.api import auth, models_api, stream, views
from moderation.api import EndEventFeedback

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
    path("messages/<str:pk>/stream/", stream.reply_stream),
    path("messages/<str:pk>/edit/", views.MessageEdit.as_view()),
    path("messages/<str:pk>/retry/", views.MessageRetry.as_view()),
    path("end-events/<str:pk>/feedback/", EndEventFeedback.as_view()),
]
