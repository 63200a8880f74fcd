"""The chat pages. `/` takes a signed-in user to their latest conversation."""

from django.urls import path

from conversations import views

app_name = "chat"

urlpatterns = [
    # Browsers ask for /favicon.ico on pages that name no icon (the admin's): answer it.
    path("favicon.ico", views.favicon),
    path("", views.home, name="home"),
    path("c/", views.conversation_list, name="list"),
    path("c/new/", views.conversation_new, name="new"),
    path("c/export/", views.conversations_export, name="export"),
    path("c/<uuid:pk>/", views.conversation_detail, name="detail"),
    path("c/<uuid:pk>/send/", views.message_send, name="send"),
    path("c/<uuid:pk>/switch/", views.branch_switch, name="switch"),
    path("c/<uuid:pk>/end/", views.branch_end, name="end"),
    path("c/<uuid:pk>/rename/", views.conversation_rename, name="rename"),
    path("c/<uuid:pk>/delete/", views.conversation_delete, name="delete"),
    path("c/<uuid:pk>/restore/", views.conversation_restore, name="restore"),
    path("c/<uuid:pk>/messages/<uuid:message_pk>/edit/", views.message_edit, name="edit"),
    path("c/<uuid:pk>/messages/<uuid:message_pk>/retry/", views.message_retry, name="retry"),
    path("c/<uuid:pk>/messages/<uuid:message_pk>/stop/", views.message_stop, name="stop"),
    path("c/<uuid:pk>/messages/<uuid:message_pk>/rate/", views.reply_rate, name="rate"),
    path("c/<uuid:pk>/ends/<uuid:event_pk>/feedback/", views.end_feedback, name="feedback"),
]
