import os

from celery import Celery

from chatsite import broker

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chatsite.settings")
broker.install()

app = Celery("chatsite")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
