"""manage.py purge_deleted: remove for good what users deleted (see docs/privacy.md).

The same work Celery beat does every hour; run it by hand or from cron where beat is not running.
"""

from django.core.management.base import BaseCommand

from conversations import retention


class Command(BaseCommand):
    help = (
        "Purge conversations deleted more than DELETED_RETENTION_DAYS ago, keeping any whose end "
        "or refused end still awaits (or only recently had) staff review."
    )

    def handle(self, *args, **options):
        report = retention.conversations_purge_deleted()
        self.stdout.write(
            f"Purged {report.conversations} deleted conversation(s); scrubbed {report.ends_scrubbed} end(s) "
            f"and {report.attempts_scrubbed} refused end(s); kept {report.kept_for_review} for staff review."
        )
