"""The staff API, mounted at /api/v1/moderation/."""

from django.urls import path

from review import staff_api

urlpatterns = [
    path("end-events/", staff_api.EndEventQueue.as_view()),
    path("end-events/<str:pk>/", staff_api.EndEventDetail.as_view()),
    path("end-events/<str:pk>/review/", staff_api.EndEventReview.as_view()),
    path("end-events/<str:pk>/reopen/", staff_api.EndEventReopen.as_view()),
    path("end-attempts/", staff_api.EndAttemptQueue.as_view()),
    path("end-attempts/<str:pk>/", staff_api.EndAttemptDetail.as_view()),
    path("end-attempts/<str:pk>/review/", staff_api.EndAttemptReview.as_view()),
    path("end-attempts/<str:pk>/clear-risk/", staff_api.EndAttemptClearRisk.as_view()),
]
