"""GET /api/v1/export/: all of the user's conversations as one JSON document."""

from django.utils import timezone
from rest_framework.response import Response
from rest_framework.views import APIView

from conversations import selectors


class Export(APIView):
    def get(self, request):
        data = selectors.conversations_export(request.user)
        data["exported_at"] = timezone.now().isoformat()
        return Response(data)
